// The lazily loaded API chunk: the polyfill must run before the client loads.
import './buffer-polyfill';
import apigClientFactory from 'aws-api-gateway-client';

export { apigClientFactory };

import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { corsHeaders } from '../../api/http-api';

/** API Gateway wants header values as quoted literals in its mappings: `'value'`. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

function headerMappings(headers: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [`${prefix}${name}`, literal(value)]),
  );
}

/**
 * OPTIONS answered by the gateway itself (mock integration) with exactly the
 * definition's preflight headers. Written out instead of CDK's
 * defaultCorsPreflightOptions, which formats the header lists its own way.
 */
export function addPreflight(resource: apigateway.IResource): apigateway.Method {
  const headers = corsHeaders(true);
  return resource.addMethod(
    'OPTIONS',
    new apigateway.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [
        {
          statusCode: '200',
          responseParameters: headerMappings(headers, 'method.response.header.'),
        },
      ],
    }),
    {
      authorizationType: apigateway.AuthorizationType.NONE,
      methodResponses: [
        {
          statusCode: '200',
          responseParameters: Object.fromEntries(
            Object.keys(headers).map((name) => [`method.response.header.${name}`, true]),
          ),
        },
      ],
    },
  );
}

/**
 * CORS headers on the gateway's own errors: a request refused by IAM never reaches
 * a Lambda, so only a gateway response can add the headers there.
 */
export function addCorsGatewayResponses(restApi: apigateway.RestApi): void {
  const errorHeaders = headerMappings(corsHeaders(), '');
  restApi.addGatewayResponse('Default4xx', {
    type: apigateway.ResponseType.DEFAULT_4XX,
    responseHeaders: errorHeaders,
  });
  restApi.addGatewayResponse('Default5xx', {
    type: apigateway.ResponseType.DEFAULT_5XX,
    responseHeaders: errorHeaders,
  });
}

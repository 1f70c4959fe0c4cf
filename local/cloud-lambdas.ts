/**
 * The local cloud's Lambdas: each function of the manifest from its deploy bundle,
 * in Node 24 processes of its own (lambda-runtime/), with the variables the stack
 * gives it and its execution role's credentials from the local STS's store
 * (aws/function-credentials.ts), never the developer's: nothing of the local cloud's
 * own environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, …) reaches them.
 */
import {
  handlerNames,
  localObservabilityEnvironment,
  type EnvironmentValues,
  type HandlerName,
} from '../api/handlers';
import type { CredentialStore } from './aws/credentials';
import { functionCredentials, maxEnvironmentAgeMs } from './aws/function-credentials';
import type { NotifyFunction } from './aws/s3/notifications';
import { startLambdaService, type LambdaService } from './lambda-runtime/index';
import { cursorSecretName } from './secrets-file';
import { aws, buckets, clientId, host, ports, tableName, urls } from './settings';

/** What the Lambdas' variables are filled with; their roles' policies follow from it. */
export const lambdaValues: EnvironmentValues = {
  tableName,
  cursorSecretId: cursorSecretName,
  identity: { issuer: urls.issuer, audience: clientId, jwksUrl: urls.jwks },
  photos: { bucket: buckets.photos },
};

export interface CloudLambdaOptions {
  /** The SDK's AWS_ENDPOINT_URL_DYNAMODB in every function. */
  dynamodbEndpoint: string;
  /** The edge (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_S3); default its fixed port. */
  edgeEndpoint?: string;
  /** The local STS's store, which issues each function's role credentials. */
  credentials: CredentialStore;
  values?: EnvironmentValues;
  log?: (line: string) => void;
}

export function startCloudLambdas(options: CloudLambdaOptions) {
  return startLambdaService({
    region: aws.region,
    account: aws.account,
    values: options.values ?? lambdaValues,
    roles: {
      credentials: functionCredentials(options.credentials, aws.account),
      maxEnvironmentAgeMs,
    },
    runtimeEnvironment: {
      ...localObservabilityEnvironment,
      AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: options.edgeEndpoint ?? `http://${host}:${ports.aws}`,
      AWS_ENDPOINT_URL_S3: options.edgeEndpoint ?? urls.s3,
    },
    log: options.log,
  });
}

/**
 * How the local S3 invokes a function for a bucket notification: Lambda's
 * asynchronous Invoke, in the function's own Node processes; a function error
 * rejects (S3's caller logs it), as does a function the manifest does not have.
 */
export function notifyFunction(lambdas: Pick<LambdaService, 'functions'>): NotifyFunction {
  return async (functionName, event) => {
    if (!(handlerNames as readonly string[]).includes(functionName)) {
      throw new Error(`no function named ${functionName}`);
    }
    const result = await lambdas.functions[functionName as HandlerName].invoke(event);
    if (result.functionError) throw new Error(result.payload);
    return result.payload;
  };
}

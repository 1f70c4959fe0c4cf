import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * One JSON object per request in the access log: who called (`userArn`: the assumed
 * role's session, `arn:aws:sts::…:assumed-role/SecurePets-{stage}-buyer/{session}`, for the signed
 * methods; `-` for the public GET), what, and how it went. `requestId` is the
 * `requestId` of the Lambda's own request log line; `lambdaRequestId` its
 * `function_request_id`. Never a header, body or token.
 */
export const accessLogFields = {
  requestId: apigateway.AccessLogField.contextRequestId(),
  extendedRequestId: apigateway.AccessLogField.contextExtendedRequestId(),
  requestTime: apigateway.AccessLogField.contextRequestTime(),
  httpMethod: apigateway.AccessLogField.contextHttpMethod(),
  resourcePath: apigateway.AccessLogField.contextResourcePath(),
  protocol: apigateway.AccessLogField.contextProtocol(),
  status: apigateway.AccessLogField.contextStatus(),
  responseLength: apigateway.AccessLogField.contextResponseLength(),
  responseLatency: apigateway.AccessLogField.contextResponseLatency(),
  integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
  integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
  lambdaRequestId: apigateway.AccessLogField.contextAwsEndpointRequestId(),
  errorType: apigateway.AccessLogField.contextErrorResponseType(),
  errorMessage: apigateway.AccessLogField.contextErrorMessage(),
  sourceIp: apigateway.AccessLogField.contextIdentitySourceIp(),
  userAgent: apigateway.AccessLogField.contextIdentityUserAgent(),
  callerAccountId: apigateway.AccessLogField.contextIdentityAccountId(),
  caller: apigateway.AccessLogField.contextIdentityCaller(),
  userArn: apigateway.AccessLogField.contextIdentityUserArn(),
} as const;

/** How long the API's access and execution logs are kept: as long as the Lambdas' logs. */
export const apiLogRetention = logs.RetentionDays.ONE_MONTH;

export function accessLogGroup(scope: Construct): logs.LogGroup {
  return new logs.LogGroup(scope, 'AccessLogs', {
    retention: apiLogRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** The stage's logging: the JSON access log, and execution logs for failures only. */
export function stageLogging(accessLogs: logs.LogGroup) {
  return {
    accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
    accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(accessLogFields)),
    // Execution logs for failures only, and never request or response bodies
    // (they carry ID tokens). The 5XX alarm reads the stage's default metrics.
    loggingLevel: apigateway.MethodLoggingLevel.ERROR,
    dataTraceEnabled: false,
  } satisfies apigateway.StageOptions;
}

/**
 * API Gateway would create the execution log group itself, kept forever; created
 * here first, it has the same retention as the rest and goes with the stack.
 */
export function executionLogGroup(
  scope: Construct,
  restApi: apigateway.RestApi,
  stage: string,
): logs.LogGroup {
  const executionLogs = new logs.LogGroup(scope, 'ExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${restApi.restApiId}/${stage}`,
    retention: apiLogRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  restApi.deploymentStage.node.addDependency(executionLogs);
  return executionLogs;
}

import { RemovalPolicy, Size } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { HandlerName } from '../../api/handlers';
import { api, corsHeaders } from '../../api/http-api';

export interface PetsRestApiProps {
  stage: string;
  functions: Record<HandlerName, lambda.IFunction>;
  /** Stage throttling, from the deploy parameters. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Whether this stack sets API Gateway's account-wide CloudWatch Logs role. */
  cloudWatchRole: boolean;
}

/**
 * One JSON object per request in the access log: who called (`userArn`: the assumed
 * role's session, `arn:aws:sts::…:assumed-role/pets-buyer/{session}`, for the signed
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
 * The REST API, built route by route from api/http-api.ts: Lambda proxy
 * integrations, the definition's auth type per method, a preflight on every
 * resource, and CORS headers on the gateway's own errors (a request refused by IAM
 * never reaches a Lambda, so only a gateway response can add the headers there).
 */
export class PetsRestApi extends Construct {
  readonly restApi: apigateway.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PetsRestApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: apiLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: api.name,
      description: 'Secure Pets: GET /pets is public, every other method needs SigV4 (AWS_IAM).',
      // Regional: the browser calls it directly; an edge-optimized API adds a
      // CloudFront hop the API's responses (never cached) gain nothing from.
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Stage logging (access and execution) needs the account's API Gateway CloudWatch
      // role, one setting per account and region. The role is retained on deletion:
      // other APIs in the account may log through it by then.
      cloudWatchRole: props.cloudWatchRole,
      cloudWatchRoleRemovalPolicy: props.cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      // gzip for clients that accept it, from the size the local gateway uses too.
      minCompressionSize: Size.bytes(api.minimumCompressionSize),
      deployOptions: {
        stageName: props.stage,
        // A ceiling on abuse of the public GET and on cost; well above a pet shop's
        // traffic by default, and set per deployment (-c throttleRateLimit=…).
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(accessLogFields)),
        // Execution logs for failures only, and never request or response bodies
        // (they carry ID tokens). The 5XX alarm reads the stage's default metrics.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
    });
    // API Gateway would create the execution log group itself, kept forever; created
    // here first, it has the same retention as the rest and goes with the stack.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stage}`,
      retention: apiLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    const preflighted = new Set<string>();
    for (const route of api.routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const method = resource.addMethod(
        route.method,
        new apigateway.LambdaIntegration(props.functions[route.handler], {
          // No console test-invoke permission: one invoke permission per method, from this stage's API.
          allowTestInvoke: false,
        }),
        {
          authorizationType:
            route.auth === 'AWS_IAM'
              ? apigateway.AuthorizationType.IAM
              : apigateway.AuthorizationType.NONE,
        },
      );
      suppressMethodFindings(method, route.method, route.path, route.auth === 'NONE');
      if (!preflighted.has(route.path)) {
        preflighted.add(route.path);
        suppressMethodFindings(addPreflight(resource), 'OPTIONS', route.path, true);
      }
    }

    NagSuppressions.addResourceSuppressions(this.restApi, [
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'The Lambdas validate every body, path parameter and query (lambda/pets.ts, ' +
          'lambda/cursor.ts) and answer `{ message }` with the reason the app shows; a gateway ' +
          "validator would answer its own `Invalid request body` first, which the local gateway's " +
          'contract (api/http-api.ts) does not have, so the two tiers would disagree.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.restApi.deploymentStage, [
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL: a regional WAFv2 ACL costs about $5 a month plus rules and requests, ' +
          "more than this shop's API; the stage is throttled (throttleRateLimit, throttleBurstLimit), " +
          'every write needs SigV4 from an Auth0-federated role, and the public GET is read-only and paged.',
      },
    ]);
    if (props.cloudWatchRole) {
      NagSuppressions.addResourceSuppressions(this.restApi.node.findChild('CloudWatchRole'), [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            "API Gateway's account-level CloudWatch role uses the AWS managed policy API Gateway " +
            'documents for it: it writes the execution and access logs of every API in the account ' +
            'and region, whose log groups this stack cannot name.',
          appliesTo: [
            'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
          ],
        },
      ]);
    }

    const errorHeaders = headerMappings(corsHeaders(), '');
    this.restApi.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      responseHeaders: errorHeaders,
    });
    this.restApi.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      responseHeaders: errorHeaders,
    });
  }
}

/**
 * OPTIONS answered by the gateway itself (mock integration) with exactly the
 * definition's preflight headers. Written out instead of CDK's
 * defaultCorsPreflightOptions, which formats the header lists its own way.
 */
function addPreflight(resource: apigateway.IResource): apigateway.Method {
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
 * The findings every method raises that the API's design answers: no Cognito user
 * pool (COG4) anywhere, and no authorization (APIG4) on the methods the definition
 * leaves open, the public GETs and every preflight.
 */
function suppressMethodFindings(
  method: apigateway.Method,
  verb: string,
  path: string,
  open: boolean,
): void {
  const reasons = [
    {
      id: 'AwsSolutions-COG4',
      reason:
        'No Cognito: the signed methods are AWS_IAM (SigV4) with credentials from STS ' +
        'AssumeRoleWithWebIdentity on Auth0 ID tokens, which IAM checks against the roles’ ' +
        'trust policies; the open ones are open by design (api/http-api.ts).',
    },
  ];
  if (open) {
    reasons.push({
      id: 'AwsSolutions-APIG4',
      reason:
        verb === 'OPTIONS'
          ? `CORS preflight for ${path}: browsers send OPTIONS without credentials, so it ` +
            'cannot require SigV4; a mock integration answers the CORS headers only.'
          : `${verb} ${path} is public by design (api/http-api.ts: auth NONE): the catalogue ` +
            'is shown before sign-in. It is read-only, paged, throttled, and its Lambda may only Query.',
    });
  }
  NagSuppressions.addResourceSuppressions(method, reasons);
}

import { RemovalPolicy, Size } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from '../../api/handlers';
import { api } from '../../api/http-api';
import { addCorsGatewayResponses, addPreflight } from './api-cors';
import { suppressApiFindings, suppressMethodFindings } from './api-findings';
import { accessLogGroup, executionLogGroup, stageLogging } from './api-logs';

export interface PetsRestApiProps {
  stage: string;
  functions: Record<HandlerName, lambda.IFunction>;
  /** Stage throttling, from the deploy parameters. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Whether this stack sets API Gateway's account-wide CloudWatch Logs role. */
  cloudWatchRole: boolean;
}

/**
 * The REST API, built route by route from api/http-api.ts: Lambda proxy
 * integrations, the definition's auth type per method, a preflight on every
 * resource, and CORS headers on the gateway's own errors (api-cors.ts); its logs
 * are api-logs.ts's, the findings it answers api-findings.ts's.
 */
export class PetsRestApi extends Construct {
  readonly restApi: apigateway.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PetsRestApiProps) {
    super(scope, id);
    this.accessLogs = accessLogGroup(this);
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: api.name,
      description:
        'Secure Pets: GET /pets and GET /pets/{id} are public, every other method needs SigV4 (AWS_IAM).',
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
        ...stageLogging(this.accessLogs),
      },
    });
    executionLogGroup(this, this.restApi, props.stage);
    this.addMethods(props.functions);
    suppressApiFindings(this.restApi, props.cloudWatchRole);
    addCorsGatewayResponses(this.restApi);
  }

  /** One Lambda proxy method per route, and one preflight per resource. */
  private addMethods(functions: Record<HandlerName, lambda.IFunction>): void {
    const preflighted = new Set<string>();
    for (const route of api.routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const method = resource.addMethod(
        route.method,
        new apigateway.LambdaIntegration(functions[route.handler], {
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
  }
}

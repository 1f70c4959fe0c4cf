import { Size } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { HandlerName } from '../../api/handlers';
import { api, corsHeaders } from '../../api/http-api';

export interface PetsRestApiProps {
  stage: string;
  functions: Record<HandlerName, lambda.IFunction>;
}

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

  constructor(scope: Construct, id: string, props: PetsRestApiProps) {
    super(scope, id);
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: api.name,
      description: 'Secure Pets: GET /pets is public, every other method needs SigV4 (AWS_IAM).',
      // Regional: the browser calls it directly; an edge-optimized API adds a
      // CloudFront hop the API's responses (never cached) gain nothing from.
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      // gzip for clients that accept it, from the size the local gateway uses too.
      minCompressionSize: Size.bytes(api.minimumCompressionSize),
      deployOptions: {
        stageName: props.stage,
        // A ceiling on abuse of the public GET and on cost; well above a pet shop's traffic.
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
    });

    const preflighted = new Set<string>();
    for (const route of api.routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      resource.addMethod(
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
      if (!preflighted.has(route.path)) {
        preflighted.add(route.path);
        addPreflight(resource);
      }
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
function addPreflight(resource: apigateway.IResource): void {
  const headers = corsHeaders(true);
  resource.addMethod(
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

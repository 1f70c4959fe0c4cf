/**
 * A deployment rehearsal without an account. The real stack is synthesized, then
 * "deployed" on paper: every Ref, Fn::GetAtt and Fn::Join of the template is resolved
 * with the physical ids CloudFormation would hand out (a made-up account, region, API
 * id, distribution), so the checks below see the strings AWS would see. Then:
 *
 * - each route of api/http-api.ts, as a concrete request, reaches a method with the
 *   route's auth type, whose function API Gateway may invoke (its Lambda permission);
 * - each role's identity policy names exactly its routes' method ARNs, and IAM (the
 *   local cloud's evaluator, local/aws/iam.ts) allows it those requests and no other;
 * - each preflight answers the definition's CORS headers, declared as method responses;
 * - config.json, built by publish from the template's outputs, is one the app's parser
 *   (api/app-config.ts) accepts, names roles whose trust admits the right users, and
 *   is what CloudFront's Content-Security-Policy was built for;
 * - `publish` runs against recorded AWS clients (aws-sdk-client-mock) fed those
 *   outputs: every object's ContentType and CacheControl, then the invalidation; and
 *   for an S3 website bucket, the same objects and no invalidation.
 *
 * stack.test.ts asserts the template's shape against the definition; this file asserts
 * what a deployed stack would do with requests, and that publish fits the stack.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import {
  GetBucketLocationCommand,
  GetBucketWebsiteCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseAppConfig } from '../../api/app-config-parser';
import { contentSecurityPolicy } from '../../api/csp';
import { handlers, lambdaEnv, type HandlerSpec } from '../../api/handlers';
import { api, corsHeaders, matchRoute, type Route } from '../../api/http-api';
import type { PolicyDocument } from '../../api/policies';
import { roleNames, type RoleName } from '../../api/roles';
import { evaluate } from '../../local/aws/iam';
import { outputNames } from '../lib/outputs';
import { exampleParameters, roleNameFor } from '../lib/parameters';
import { publish } from '../lib/publish';
import { configFromOutputs } from '../lib/publish-plan';
import { fakeBuild } from './build-fixture';
import { synthesize, type Synthesized } from './synth';

type Json = Record<string, unknown>;

/** What CloudFormation would make of the stack in a made-up account. */
const account = '123456789012';
const region = 'eu-west-1';
const restApiId = 'a1b2c3d4e5';
const bucketName = 'securepets-test-sitebucket-1a2b3c4d5e6f';
const distributionId = 'E2EXAMPLE12345';
const distributionDomain = 'd111111abcdef8.cloudfront.net';
const stackUuid = '51af3dc0-da77-11e4-872e-1234567db123';
const stackId = `arn:aws:cloudformation:${region}:${account}:stack/SecurePets-test/${stackUuid}`;

interface TemplateResource {
  Type: string;
  Properties?: Json;
}

/**
 * Resolves the intrinsic functions the stack uses, with the physical ids above. Any
 * other function or resource type fails the test: the rehearsal must not guess.
 */
class PaperDeployment {
  readonly resources: Record<string, TemplateResource>;

  constructor(template: Json) {
    this.resources = template['Resources'] as Record<string, TemplateResource>;
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const o = value as Json;
    if ('Ref' in o) return this.ref(o['Ref'] as string);
    if ('Fn::GetAtt' in o) {
      const [id, attribute] = o['Fn::GetAtt'] as [string, string];
      return this.attribute(id, attribute);
    }
    if ('Fn::Join' in o) {
      const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => this.text(p)).join(separator);
    }
    if ('Fn::Split' in o) {
      const [separator, source] = o['Fn::Split'] as [string, unknown];
      return this.text(source).split(separator);
    }
    if ('Fn::Select' in o) {
      const [index, list] = o['Fn::Select'] as [number, unknown];
      const items = this.resolve(list);
      if (!Array.isArray(items) || items[index] === undefined) throw new Error('Bad Fn::Select');
      return items[index] as unknown;
    }
    const fn = Object.keys(o).find((k) => k.startsWith('Fn::'));
    if (fn) throw new Error(`The rehearsal cannot resolve ${fn}`);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, this.resolve(v)]));
  }

  text(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Not a string: ${JSON.stringify(value)}`);
    return resolved;
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackId': stackId,
    };
    if (pseudo[id]) return pseudo[id];
    const resource = this.resource(id);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::ApiGateway::RestApi':
        return restApiId;
      case 'AWS::ApiGateway::Stage':
        return props['StageName'] as string;
      case 'AWS::IAM::Role':
        // Roles without a RoleName get a generated one; the logical id stands in for it.
        return (props['RoleName'] as string | undefined) ?? id;
      case 'AWS::IAM::OIDCProvider':
        return `arn:aws:iam::${account}:oidc-provider/${(props['Url'] as string).replace(/^https:\/\//, '')}`;
      case 'AWS::S3::Bucket':
        // A bucket the stack names (the photos') has that name; the site's is generated.
        return props['BucketName'] ? this.text(props['BucketName']) : bucketName;
      case 'AWS::CloudFront::Distribution':
        return distributionId;
      default:
        throw new Error(`The rehearsal cannot name a ${resource.Type} (${id})`);
    }
  }

  private attribute(id: string, attribute: string): string {
    const resource = this.resource(id);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${this.ref(id)}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${id}`;
      case 'AWS::CloudFront::Distribution.DomainName':
        return distributionDomain;
      default:
        throw new Error(`The rehearsal cannot resolve ${key} (${id})`);
    }
  }

  private resource(id: string): TemplateResource {
    const resource = this.resources[id];
    if (!resource) throw new Error(`No resource ${id} in the template`);
    return resource;
  }

  ofType(type: string): [string, Json][] {
    return Object.entries(this.resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, r.Properties ?? {}]);
  }

  /** The stack's outputs as DescribeStacks would list them. */
  outputs(template: Json): Output[] {
    const outputs = template['Outputs'] as Record<string, { Value: unknown }>;
    return Object.entries(outputs).map(([OutputKey, { Value }]) => ({
      OutputKey,
      OutputValue: this.text(Value),
    }));
  }
}

/** The full path of each API Gateway resource, by logical id. */
function resourcePaths(deployment: PaperDeployment): Map<string, string> {
  const resources = new Map(deployment.ofType('AWS::ApiGateway::Resource'));
  const pathOf = (id: string): string => {
    const props = resources.get(id);
    if (!props) throw new Error(`No API resource ${id}`);
    const parent = props['ParentId'] as Json;
    return `${'Ref' in parent ? pathOf(parent['Ref'] as string) : ''}/${props['PathPart'] as string}`;
  };
  return new Map([...resources.keys()].map((id) => [id, pathOf(id)]));
}

/** A request a client would make on the route: `{id}` becomes a real pet id. */
const concretePath = (route: Route) => route.path.replace(/\{[^}]+\}/g, '42');

/** How execute-api names a request for IAM: `arn:…:{apiId}/{stage}/{METHOD}/{path}`. */
const requestArn = (route: Route) =>
  `arn:aws:execute-api:${region}:${account}:${restApiId}/${api.stage}/${route.method}${concretePath(route)}`;

describe('deployment rehearsal (the synthesized stack, resolved as CloudFormation would)', () => {
  let s: Synthesized;
  let template: Json;
  let deployment: PaperDeployment;
  let outputs: Output[];
  let outputMap: Record<string, string>;
  before(() => {
    s = synthesize({ example: 'true' });
    template = s.template.toJSON() as Json;
    deployment = new PaperDeployment(template);
    outputs = deployment.outputs(template);
    outputMap = Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue ?? '']));
  });
  after(() => s.dispose());

  /** Each role's identity policies, resolved, by role name. */
  const rolePolicies = (): Record<RoleName, PolicyDocument[]> => {
    const byName = new Map(
      deployment
        .ofType('AWS::IAM::Role')
        .map(([, props]) => [
          props['RoleName'],
          ((props['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []).map(
            (p) => deployment.resolve(p.PolicyDocument) as PolicyDocument,
          ),
        ]),
    );
    return Object.fromEntries(
      roleNames.map((role) => [role, byName.get(roleNameFor(role, api.stage)) ?? []]),
    ) as Record<RoleName, PolicyDocument[]>;
  };

  for (const route of api.routes) {
    it(`${route.method} ${concretePath(route)}: ${route.auth}, reaches ${route.handler}, invokable by ${route.roles.join(' and ') || 'anyone'}`, () => {
      const paths = resourcePaths(deployment);
      const methods = deployment
        .ofType('AWS::ApiGateway::Method')
        .filter(
          ([, m]) =>
            m['HttpMethod'] === route.method &&
            paths.get((m['ResourceId'] as Json)['Ref'] as string) === route.path,
        );
      assert.equal(methods.length, 1, 'one method');
      const [methodId, method] = methods[0]!;
      assert.equal(method['AuthorizationType'], route.roles.length > 0 ? 'AWS_IAM' : 'NONE');
      assert.equal(method['AuthorizationType'], route.auth);

      // The integration calls the route's function, and that function lets this API's
      // stage invoke it for this request (else API Gateway answers 500).
      const uri = deployment.text((method['Integration'] as Json)['Uri']);
      const [functionId] = deployment
        .ofType('AWS::Lambda::Function')
        .find(([id]) => id.startsWith(`Functions${route.handler}`))!;
      const functionArn = `arn:aws:lambda:${region}:${account}:function:${functionId}`;
      assert.equal(
        uri,
        `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
        methodId,
      );
      const permitted = deployment.ofType('AWS::Lambda::Permission').filter(
        ([, p]) =>
          deployment.text(p['FunctionName']) === functionArn &&
          p['Principal'] === 'apigateway.amazonaws.com' &&
          evaluate(
            [
              {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: p['Action'] as string,
                    Resource: deployment.text(p['SourceArn']),
                  },
                ],
              },
            ],
            { action: 'lambda:InvokeFunction', resource: requestArn(route) },
          ) === 'Allow',
      );
      assert.ok(permitted.length > 0, `API Gateway may invoke ${route.handler} for this request`);

      // IAM's answer for each role, on the deployed policies.
      const policies = rolePolicies();
      for (const role of roleNames) {
        const decision = evaluate(policies[role], {
          action: 'execute-api:Invoke',
          resource: requestArn(route),
        });
        assert.equal(decision, route.roles.includes(role) ? 'Allow' : 'ImplicitDeny', role);
      }
    });
  }

  for (const role of roleNames) {
    it(`gives the ${role} role execute-api:Invoke on exactly its routes’ method ARNs, in every stage`, () => {
      const statements = rolePolicies()[role].flatMap((p) => p.Statement);
      assert.ok(
        statements.every((st) => st.Effect === 'Allow' && st.Action === 'execute-api:Invoke'),
      );
      const named = statements.flatMap((st) => ([] as string[]).concat(st.Resource ?? []));
      // Written out from the definition, not through api/policies.ts: `{id}` is `*`
      // because IAM sees the request's real path.
      const expected = api.routes
        .filter((r) => r.roles.includes(role))
        .map(
          (r) =>
            `arn:aws:execute-api:${region}:${account}:${restApiId}/*/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`,
        );
      assert.deepEqual([...named].sort(), [...expected].sort());
      assert.equal(new Set(named).size, named.length, 'no ARN twice');
    });
  }

  it('answers every resource’s preflight with the definition’s CORS headers, declared as method responses', () => {
    const paths = resourcePaths(deployment);
    for (const path of new Set(api.routes.map((r) => r.path))) {
      const preflights = deployment
        .ofType('AWS::ApiGateway::Method')
        .filter(
          ([, m]) =>
            m['HttpMethod'] === 'OPTIONS' &&
            paths.get((m['ResourceId'] as Json)['Ref'] as string) === path,
        );
      assert.equal(preflights.length, 1, `one preflight on ${path}`);
      const method = preflights[0]![1];
      assert.equal(method['AuthorizationType'], 'NONE', `${path}: browsers send no signature`);
      const integration = method['Integration'] as { IntegrationResponses: Json[] };
      const [response] = integration.IntegrationResponses;
      const mapped = response?.['ResponseParameters'] as Record<string, string>;
      // What the browser gets: each mapping's static value, quotes off.
      const sent = Object.fromEntries(
        Object.entries(mapped).map(([k, v]) => [
          k.replace('method.response.header.', ''),
          v.replace(/^'|'$/g, ''),
        ]),
      );
      assert.deepEqual(sent, corsHeaders(true), path);
      const [declared] = method['MethodResponses'] as Json[];
      assert.equal(declared?.['StatusCode'], response?.['StatusCode']);
      assert.deepEqual(
        declared?.['ResponseParameters'],
        Object.fromEntries(Object.keys(mapped).map((k) => [k, true])),
        `${path}: every mapped header is a declared method response header`,
      );
      const methods = sent['Access-Control-Allow-Methods']!.split(', ');
      for (const route of api.routes.filter((r) => r.path === path)) {
        assert.ok(methods.includes(route.method), `${path} allows ${route.method}`);
      }
      // The headers a SigV4-signing browser client sends must all be allowed.
      const allowed = sent['Access-Control-Allow-Headers']!.toLowerCase().split(',');
      for (const header of [
        'authorization',
        'x-amz-date',
        'x-amz-security-token',
        'content-type',
      ]) {
        assert.ok(allowed.includes(header), `${path} allows ${header}`);
      }
      // The browser keeps the answer, so a signed call after the first costs no preflight
      // (Chromium honours up to 7200 s: https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age).
      assert.equal(sent['Access-Control-Max-Age'], '7200', `${path} is cached two hours`);
    }
  });

  it('outputs a config.json the app accepts, naming this stack’s API, region and roles', () => {
    const config = configFromOutputs(outputMap);
    const expected = {
      auth0: { domain: exampleParameters.auth0Domain, clientId: exampleParameters.auth0ClientId },
      api: {
        invokeUrl: `https://${restApiId}.execute-api.${region}.amazonaws.com/${api.stage}`,
        region,
        publicUrl: `https://${distributionDomain}/${api.stage}`,
        // The photos bucket's virtual-hosted endpoint: where the upload form posts.
        photoUploadUrl: `https://photos-${stackUuid}.s3.${region}.amazonaws.com`,
      },
      credentials: {
        mode: 'web-identity',
        roles: {
          admin: `arn:aws:iam::${account}:role/${roleNameFor('admin', api.stage)}`,
          buyer: `arn:aws:iam::${account}:role/${roleNameFor('buyer', api.stage)}`,
        },
      },
    };
    assert.deepEqual(config, expected);
    // The app reads it back from JSON with the same parser.
    assert.deepEqual(parseAppConfig(JSON.parse(JSON.stringify(config))), expected);
    assert.equal(outputMap[outputNames.siteBucket], bucketName);
    assert.equal(outputMap[outputNames.distributionId], distributionId);
    assert.equal(outputMap[outputNames.siteUrl], `https://${distributionDomain}`);
  });

  /**
   * A request to the distribution as CloudFront routes it: the first behavior whose path
   * pattern matches (`*` any characters), its origin, the viewer-request function.
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-values-specify.html#DownloadDistValPathPattern
   */
  const throughDistribution = (method: string, url: URL, headers: Json = {}) => {
    const [, distribution] = deployment.ofType('AWS::CloudFront::Distribution')[0]!;
    const config = distribution['DistributionConfig'] as Json;
    const behavior = ((config['CacheBehaviors'] as Json[] | undefined) ?? []).find((b) =>
      new RegExp(
        `^${(b['PathPattern'] as string).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`,
      ).test(url.pathname),
    );
    if (!behavior) return { behavior: undefined };
    const origin = (config['Origins'] as Json[]).find(
      (o) => o['Id'] === behavior['TargetOriginId'],
    )!;
    const fnId = ((behavior['FunctionAssociations'] as Json[])[0]!['FunctionARN'] as Json)[
      'Fn::GetAtt'
    ] as [string];
    const code = deployment.resources[fnId[0]]!.Properties!['FunctionCode'] as string;
    const handler = new Function(`${code}; return handler;`)() as (e: unknown) => Json;
    const querystring = Object.fromEntries(
      [...url.searchParams].map(([k, v]) => [k, { value: v }]),
    );
    const outcome = handler({
      request: {
        method,
        uri: url.pathname,
        querystring,
        headers: { host: { value: url.host }, ...headers },
      },
    });
    const allowed = (behavior['AllowedMethods'] as string[]).includes(method);
    const originUrl = `https://${deployment.text(origin['DomainName'])}${(origin['OriginPath'] as string | undefined) ?? ''}${url.pathname}`;
    return { behavior, allowed, refused: outcome['statusCode'] as number | undefined, originUrl };
  };

  it('serves the public reads at publicUrl from the API’s own routes, Link host passed on', () => {
    const publicUrl = configFromOutputs(outputMap).api.publicUrl!;
    for (const path of ['/pets?limit=5&cursor=abc', '/pets/42']) {
      const url = new URL(`${publicUrl}${path}`);
      const routed = throughDistribution('GET', url);
      assert.ok(routed.behavior, path);
      assert.equal(routed.allowed, true);
      assert.equal(routed.refused, undefined);
      // The origin request is the invoke URL's request for the same route.
      const invoke = `https://${restApiId}.execute-api.${region}.amazonaws.com/${api.stage}`;
      assert.equal(routed.originUrl, `${invoke}${url.pathname.slice(`/${api.stage}`.length)}`);
      // Whatever the origin answers (a route not defined yet is API Gateway's own
      // refusal), a route there is a public one.
      const route = matchRoute('GET', url.pathname.slice(`/${api.stage}`.length));
      if (route) assert.equal(route.route.auth, 'NONE', path);
    }
  });

  it('lets no signed route through the distribution, whatever the method or signature', () => {
    const publicUrl = configFromOutputs(outputMap).api.publicUrl!;
    for (const route of api.routes.filter((r) => r.auth === 'AWS_IAM')) {
      const url = new URL(`${publicUrl}${concretePath(route)}`);
      const routed = throughDistribution(route.method, url, {
        authorization: { value: 'AWS4-HMAC-SHA256 Credential=…' },
      });
      // The S3 default behavior, a method the behavior does not allow, or the function.
      const through =
        routed.behavior !== undefined && routed.allowed && routed.refused === undefined;
      assert.equal(through, false, `${route.method} ${route.path}`);
      if (routed.behavior && route.method === 'GET') {
        assert.equal(throughDistribution('GET', url).refused, 404, 'unsigned too');
      }
    }
    const presigned = new URL(`${publicUrl}/pets?X-Amz-Signature=abc&X-Amz-Credential=x`);
    assert.equal(throughDistribution('GET', presigned).refused, 400);
  });

  it('names roles in config.json whose trust admits their own users only: the named admins, the social buyers', () => {
    const config = configFromOutputs(outputMap);
    // What STS does with an Auth0 ID token: it finds the provider whose URL is the
    // token's `iss` exactly (Auth0's is `https://TENANT/`, as its discovery document
    // says) and keys the trust conditions by that URL without its scheme.
    const iss = `https://${exampleParameters.auth0Domain}/`;
    // The provider is the provider stack's, deployed in the same account; the roles
    // name it by the ARN IAM gives it, without a cross-stack export.
    assert.deepEqual(deployment.ofType('AWS::IAM::OIDCProvider'), []);
    const providers = new PaperDeployment(s.providerTemplate!.toJSON() as Json);
    const [, provider] = providers.ofType('AWS::IAM::OIDCProvider')[0]!;
    assert.equal(provider['Url'], iss, 'the provider URL is the issuer Auth0 writes in iss');
    const tokenIssuers = deployment
      .ofType('AWS::Lambda::Function')
      .map(([, fn]) => fn['Environment'] as { Variables: Record<string, unknown> } | undefined)
      .map((e) => e?.Variables[lambdaEnv.tokenIssuer])
      .filter((v) => v !== undefined);
    assert.ok(tokenIssuers.length > 0);
    for (const checked of tokenIssuers) {
      assert.equal(checked, provider['Url'], 'the Lambdas and IAM trust one issuer');
    }
    const key = iss.replace('https://', '');
    const providerArn = `arn:aws:iam::${account}:oidc-provider/${key}`;
    const trustOf = (arn: string) => {
      const [, role] = deployment
        .ofType('AWS::IAM::Role')
        .find(([id]) => `arn:aws:iam::${account}:role/${deployment.text({ Ref: id })}` === arn)!;
      return deployment.resolve(role['AssumeRolePolicyDocument']) as PolicyDocument;
    };
    const assume = (arn: string, sub: string, aud: string = config.auth0.clientId) =>
      evaluate([trustOf(arn)], {
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: arn,
        principal: { type: 'Federated', id: providerArn },
        context: { [`${key}:sub`]: sub, [`${key}:aud`]: aud },
      });
    const { admin, buyer } = config.credentials.roles;
    const named = exampleParameters.admins;
    assert.equal(assume(admin, named), 'Allow');
    // Another database user is no admin: the list names them all.
    assert.equal(assume(admin, 'auth0|65a1b2'), 'ImplicitDeny');
    assert.equal(assume(admin, 'amazon|amzn1.account.X'), 'ImplicitDeny');
    assert.equal(assume(buyer, 'amazon|amzn1.account.X'), 'Allow');
    assert.equal(assume(buyer, named), 'ImplicitDeny');
    assert.equal(assume(buyer, 'auth0|65a1b2'), 'ImplicitDeny');
    assert.equal(assume(admin, named, 'another-app'), 'ImplicitDeny');
  });

  it('sends the Content-Security-Policy of exactly the config.json publish writes', () => {
    const [, policy] = deployment.ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const security = (policy['ResponseHeadersPolicyConfig'] as Json)[
      'SecurityHeadersConfig'
    ] as Json;
    const csp = deployment.text(
      (security['ContentSecurityPolicy'] as Json)['ContentSecurityPolicy'],
    );
    assert.equal(csp, contentSecurityPolicy(configFromOutputs(outputMap)));
    assert.match(
      csp,
      new RegExp(`https://${restApiId}\\.execute-api\\.${region}\\.amazonaws\\.com`),
    );
  });

  it('wires the photos: the bucket notifies processPhoto, each function may touch only its prefixes', () => {
    const [, bucket] = deployment
      .ofType('AWS::S3::Bucket')
      .find(([, p]) => p['BucketName'] !== undefined)!;
    const photosBucket = deployment.text(bucket['BucketName']);
    assert.equal(photosBucket, `photos-${stackUuid}`);
    const functions = deployment.ofType('AWS::Lambda::Function');
    const fnOf = (name: string) => functions.find(([id]) => id.startsWith(`Functions${name}`))!;
    const [processId] = fnOf('processPhoto');
    const processArn = `arn:aws:lambda:${region}:${account}:function:${processId}`;
    const notification = deployment.resolve(bucket['NotificationConfiguration']) as {
      LambdaConfigurations: { Event: string; Function: string }[];
    };
    assert.deepEqual(
      notification.LambdaConfigurations.map((c) => [c.Event, c.Function]),
      [['s3:ObjectCreated:*', processArn]],
    );
    // S3 may invoke it for this bucket, from this account.
    const [, permission] = deployment
      .ofType('AWS::Lambda::Permission')
      .find(([, p]) => p['Principal'] === 's3.amazonaws.com')!;
    assert.equal(deployment.text(permission['FunctionName']), processArn);
    assert.equal(deployment.text(permission['SourceArn']), `arn:aws:s3:::${photosBucket}`);
    assert.equal(deployment.text(permission['SourceAccount']), account);

    // Each function's bucket variable names the bucket, and IAM (the local evaluator)
    // allows its role exactly its photo actions on its prefixes.
    // (Their S3 statements: the logs and table ones are stack.test.ts's and runtime.test.ts's.)
    const policiesOf = (fnProps: Json): PolicyDocument[] => {
      const roleId = ((fnProps['Role'] as Json)['Fn::GetAtt'] as string[])[0]!;
      return deployment
        .ofType('AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p['Roles']) === JSON.stringify([{ Ref: roleId }]))
        .map(([, p]) => {
          const document = p['PolicyDocument'] as { Statement: Json[] };
          const s3 = document.Statement.filter((st) =>
            JSON.stringify(st['Action']).includes('"s3:'),
          );
          return deployment.resolve({ ...document, Statement: s3 }) as PolicyDocument;
        });
    };
    const object = (key: string, bucketName = photosBucket) => `arn:aws:s3:::${bucketName}/${key}`;
    const cases: [string, string, string][] = [
      ['s3:GetObject', 'uploads/1/abc', 'processPhoto'],
      ['s3:DeleteObject', 'uploads/1/abc', 'processPhoto'],
      ['s3:PutObject', 'uploads/1/abc', 'photoUpload'],
      ['s3:PutObject', 'photos/1/abc-320.webp', 'processPhoto'],
      ['s3:DeleteObject', 'photos/1/abc-320.webp', 'processPhoto deletePet updatePets'],
      ['s3:GetObject', 'photos/1/abc-320.webp', ''],
      ['s3:PutObject', 'index.html', ''],
    ];
    for (const name of Object.keys(handlers) as (keyof typeof handlers)[]) {
      const [, fnProps] = fnOf(name);
      const variables = (fnProps['Environment'] as { Variables: Json }).Variables;
      const spec: HandlerSpec = handlers[name];
      assert.equal(
        variables[lambdaEnv.photosBucket] && deployment.text(variables[lambdaEnv.photosBucket]),
        spec.photoActions ? photosBucket : undefined,
        name,
      );
      const policies = policiesOf(fnProps);
      for (const [action, key, allowedTo] of cases) {
        const allowed = allowedTo.split(' ').includes(name);
        assert.equal(
          evaluate(policies, { action, resource: object(key) }),
          allowed ? 'Allow' : 'ImplicitDeny',
          `${name} ${action} ${key}`,
        );
        assert.equal(
          evaluate(policies, { action, resource: object(key, bucketName) }),
          'ImplicitDeny',
          `${name} ${action} on the site bucket`,
        );
      }
    }
  });

  describe('publish, against recorded AWS clients fed the template’s outputs', () => {
    const cloudFormation = mockClient(CloudFormationClient);
    const s3 = mockClient(S3Client);
    const cloudFront = mockClient(CloudFrontClient);
    let dir: string;
    const clients = () => ({
      cloudFormation: new CloudFormationClient({ region }),
      s3: new S3Client({ region }),
      cloudFront: new CloudFrontClient({ region: 'us-east-1' }),
    });

    before(() => {
      cloudFormation.on(DescribeStacksCommand, { StackName: s.stack.stackName }).resolves({
        Stacks: [
          {
            StackName: s.stack.stackName,
            StackStatus: 'CREATE_COMPLETE',
            CreationTime: new Date(0),
            Outputs: outputs,
          },
        ],
      });
      s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
      s3.on(GetBucketWebsiteCommand, { Bucket: 'my-pets-site' }).resolves({
        IndexDocument: { Suffix: 'index.html' },
        ErrorDocument: { Key: 'index.html' },
      });
      s3.on(GetBucketLocationCommand, { Bucket: 'my-pets-site' }).resolves({
        LocationConstraint: 'eu-central-1',
      });
      cloudFront.on(CreateInvalidationCommand).resolves({
        Invalidation: {
          Id: 'I2EXAMPLE',
          Status: 'InProgress',
          CreateTime: new Date(0),
          InvalidationBatch: { CallerReference: 'c', Paths: { Quantity: 1, Items: ['/*'] } },
        },
      });
    });
    after(() => {
      cloudFormation.restore();
      s3.restore();
      cloudFront.restore();
    });

    /** Every file of the fixture build with the headers browsers must get for it. */
    const served: Record<string, [contentType: string, cacheControl: string]> = {
      'main-XGWSD47C.js': ['text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      'chunk-NRIY3DKZ.js': [
        'text/javascript; charset=utf-8',
        'public, max-age=31536000, immutable',
      ],
      'styles-5INURTSO.css': ['text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      'media/font-ABCD2345.woff2': ['font/woff2', 'public, max-age=31536000, immutable'],
      'favicon.ico': ['image/vnd.microsoft.icon', 'public, max-age=3600'],
      'index.html': ['text/html; charset=utf-8', 'no-cache'],
      'index.csr.html': ['text/html; charset=utf-8', 'no-cache'],
      'login/index.html': ['text/html; charset=utf-8', 'no-cache'],
      'callback/index.html': ['text/html; charset=utf-8', 'no-cache'],
      'config.json': ['application/json; charset=utf-8', 'no-cache'],
    };

    const puts = (): PutObjectCommandInput[] =>
      s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

    it('uploads every file with its content type and caching to the stack’s bucket, then invalidates the distribution', async () => {
      dir = fakeBuild();
      try {
        s3.resetHistory();
        cloudFront.resetHistory();
        const result = await publish({ stackName: s.stack.stackName, buildDir: dir, ...clients() });
        assert.equal(result.siteUrl, `https://${distributionDomain}`);

        const uploaded = puts();
        assert.deepEqual(
          Object.fromEntries(
            uploaded.map((p) => [p.Key, [p.ContentType, p.CacheControl, p.Bucket]]),
          ),
          Object.fromEntries(
            Object.entries(served).map(([key, headers]) => [key, [...headers, bucketName]]),
          ),
        );
        assert.equal(uploaded.length, Object.keys(served).length, 'each file once');
        // The config.json that went up is the one the template's outputs make.
        const body = uploaded.find((p) => p.Key === 'config.json')?.Body as Buffer;
        assert.deepEqual(
          parseAppConfig(JSON.parse(body.toString('utf8'))),
          configFromOutputs(outputMap),
        );
        assert.deepEqual(body, readFileSync(`${dir}/config.json`));

        const invalidations = cloudFront.commandCalls(CreateInvalidationCommand);
        assert.equal(invalidations.length, 1);
        const request = invalidations[0]!.args[0].input;
        assert.equal(request.DistributionId, distributionId);
        assert.deepEqual(request.InvalidationBatch?.Paths, { Quantity: 1, Items: ['/*'] });
        assert.match(request.InvalidationBatch?.CallerReference ?? '', /\S/);
        // Invalidated after the last upload, so no edge refetches an old page.
        const lastPut = s3.commandCalls(PutObjectCommand).at(-1)!;
        assert.ok(invalidations[0]!.calledAfter(lastPut), 'invalidation after the uploads');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('to an S3 website bucket: the same files and headers, no invalidation', async () => {
      dir = fakeBuild();
      try {
        s3.resetHistory();
        cloudFront.resetHistory();
        const result = await publish({
          stackName: s.stack.stackName,
          buildDir: dir,
          ...clients(),
          websiteBucket: 'my-pets-site',
        });
        assert.equal(result.siteUrl, 'http://my-pets-site.s3-website.eu-central-1.amazonaws.com');
        assert.deepEqual(
          Object.fromEntries(puts().map((p) => [p.Key, [p.ContentType, p.CacheControl, p.Bucket]])),
          Object.fromEntries(
            Object.entries(served).map(([key, headers]) => [key, [...headers, 'my-pets-site']]),
          ),
        );
        assert.equal(cloudFront.calls().length, 0, 'no CloudFront call');
        assert.equal(result.invalidationId, undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

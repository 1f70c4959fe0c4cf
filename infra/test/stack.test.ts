import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  handlerNames,
  handlers,
  lambdaEnv,
  lambdaEnvironment,
  observabilityEnvironment,
  type EnvironmentValues,
  type HandlerName,
  type HandlerSpec,
} from '../../api/handlers';
import { photoStatements } from '../../api/policies';
import {
  contentSecurityPolicy,
  permissionsPolicy,
  referrerPolicy,
  strictTransportSecurity,
} from '../../api/csp';
import { cdnPathPatterns, nonPublicPaths } from '../../api/cdn';
import { api, corsHeaders } from '../../api/http-api';
import { apiArn, rolePolicy, trustPolicy } from '../../api/policies';
import { maxSessionDuration, roleNames } from '../../api/roles';
import { tableSchema } from '../../api/pet-table';
import { addChecks, nagFindings } from '../lib/checks';
import { outputNames } from '../lib/outputs';
import { clientIdsParameter } from '../lib/auth0-provider-stack';
import {
  exampleParameters,
  maxRoleNameLength,
  ParameterError,
  readParameters,
  roleNameFor,
} from '../lib/parameters';
import { accessLogFields } from '../lib/api-logs';
import { petsTable, TableSchemaError, type TableSchema } from '../lib/table';
import { resourcesOf, synthesize, type Resource, type Synthesized } from './synth';

type Json = Record<string, unknown>;

/** The one resource of a type whose properties match, by logical id. */
function only(s: Synthesized, type: string, props: Json = {}): [string, Resource] {
  const found = Object.entries(
    s.template.findResources(type, { Properties: Match.objectLike(props) }),
  );
  assert.equal(found.length, 1, `expected one ${type} matching ${JSON.stringify(props)}`);
  return found[0] as [string, Resource];
}

/** The site's bucket and its pages' headers, beside the photos' (photos.test.ts). */
const siteBucket = { CorsConfiguration: Match.absent() };
const pageHeaders = {
  ResponseHeadersPolicyConfig: {
    SecurityHeadersConfig: { ContentSecurityPolicy: Match.anyValue() },
  },
};

/** The photos bucket's name, as the template writes it (infra/lib/photos.ts): the stack id's UUID. */
const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
const photosBucketName = { 'Fn::Join': ['', ['photos-', stackUuid]] };
/** A photo statement's resource, `${bucketArn}/{prefix}*`, as the template writes it. */
const photoResource = (resource: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':s3:::photos-', stackUuid, resource.replace('BUCKET', '')],
  ],
});

function ref(logicalId: string): Json {
  return { Ref: logicalId };
}

/** Full path of each API Gateway resource, from its PathPart and parents. */
function resourcePaths(s: Synthesized): Map<string, string> {
  const resources = resourcesOf(s.template, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const props = resources[id]?.Properties;
    if (!props) throw new Error(`no resource ${id}`);
    const parent = props['ParentId'] as Json;
    const parentPath = 'Ref' in parent ? pathOf(parent['Ref'] as string) : '';
    return `${parentPath}/${props['PathPart'] as string}`;
  };
  for (const id of Object.keys(resources)) paths.set(id, pathOf(id));
  return paths;
}

/** The logical id of the Lambda function for a handler, found by its construct path. */
function functionId(s: Synthesized, handler: HandlerName): string {
  const fns = s.template.findResources('AWS::Lambda::Function');
  const ids = Object.keys(fns).filter((id) => id.startsWith(`Functions${handler}`));
  assert.equal(ids.length, 1, `one function for ${handler}`);
  return ids[0] as string;
}

describe('the Secure Pets stack (example tenant)', () => {
  let s: Synthesized;
  before(() => {
    s = synthesize({ example: 'true' });
  });
  after(() => s.dispose());

  it('has one method per route of the definition, with its auth type and proxy integration', () => {
    const paths = resourcePaths(s);
    const methods = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Method'));
    const described = methods
      .filter((m) => m.Properties['HttpMethod'] !== 'OPTIONS')
      .map((m) => {
        const resourceRef = m.Properties['ResourceId'] as Json;
        const integration = m.Properties['Integration'] as Json;
        const uri = JSON.stringify(integration['Uri']);
        const handler = handlerNames.find((h) => uri.includes(`"${functionId(s, h)}"`));
        return {
          method: m.Properties['HttpMethod'],
          path: paths.get(resourceRef['Ref'] as string),
          auth: m.Properties['AuthorizationType'],
          handler,
          type: integration['Type'],
        };
      });
    const expected = api.routes.map(({ method, path, auth, handler }) => ({
      method,
      path,
      auth,
      handler,
      type: 'AWS_PROXY',
    }));
    const key = (r: { method: unknown; path: unknown }) => `${String(r.method)} ${String(r.path)}`;
    assert.deepEqual(
      described.sort((a, b) => key(a).localeCompare(key(b))),
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
    // Spelled out, not only compared: every POST needs SigV4 (the issue's demand,
    // whatever the definition says later), and so do the per-pet writes, which go to
    // their own Lambdas through the `{id}` resource.
    const posts = described.filter((m) => m.method === 'POST');
    assert.ok(posts.length >= 2 && posts.every((m) => m.auth === 'AWS_IAM'), 'POSTs are signed');
    for (const [method, handler] of [
      ['PUT', 'putPet'],
      ['DELETE', 'deletePet'],
    ] as const) {
      assert.deepEqual(
        described.filter((m) => m.method === method && m.path === '/pets/{id}'),
        [{ method, path: '/pets/{id}', auth: 'AWS_IAM', handler, type: 'AWS_PROXY' }],
      );
    }
  });

  it('gzips answers from the definition’s minimum compression size', () => {
    const [, restApi] = only(s, 'AWS::ApiGateway::RestApi');
    assert.equal(restApi.Properties['MinimumCompressionSize'], api.minimumCompressionSize);
  });

  it('lets the admin role invoke the per-pet writes on any pet, and the buyer none', () => {
    const [, admin] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor('admin', api.stage) });
    const [, buyer] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor('buyer', api.stage) });
    const resources = (role: Resource) =>
      JSON.stringify((role.Properties['Policies'] as { PolicyDocument: Json }[])[0]);
    for (const method of ['PUT', 'DELETE']) {
      assert.ok(resources(admin).includes(`/*/${method}/pets/*`), `admin ${method}`);
      assert.ok(!resources(buyer).includes(`/${method}/`), `buyer ${method}`);
    }
  });

  it('caps each role’s sessions at the definition’s MaxSessionDuration (1 hour)', () => {
    for (const role of roleNames) {
      const [, resource] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor(role, api.stage) });
      assert.equal(resource.Properties['MaxSessionDuration'], maxSessionDuration[role]);
      assert.equal(resource.Properties['MaxSessionDuration'], 3600);
    }
  });

  it('answers preflights on every resource with the definition’s CORS headers', () => {
    const paths = resourcePaths(s);
    const options = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties['HttpMethod'] === 'OPTIONS',
    );
    const preflighted = options.map((m) =>
      paths.get((m.Properties['ResourceId'] as Json)['Ref'] as string),
    );
    assert.deepEqual(preflighted.sort(), [...new Set(api.routes.map((r) => r.path))].sort());
    assert.ok(preflighted.includes('/pets/{id}'), 'the per-pet resource has a preflight');
    // The browser preflights PUT and DELETE: every route's method must be allowed.
    const allowed = corsHeaders(true)['Access-Control-Allow-Methods']?.split(', ') ?? [];
    assert.deepEqual(
      [...new Set([...api.routes.map((r) => r.method), 'OPTIONS'])].sort(),
      [...allowed].sort(),
    );
    const quoted = Object.fromEntries(
      Object.entries(corsHeaders(true)).map(([k, v]) => [`method.response.header.${k}`, `'${v}'`]),
    );
    for (const m of options) {
      assert.equal(m.Properties['AuthorizationType'], 'NONE');
      const integration = m.Properties['Integration'] as {
        Type: string;
        IntegrationResponses: Json[];
      };
      assert.equal(integration.Type, 'MOCK');
      assert.deepEqual(integration.IntegrationResponses[0]?.['ResponseParameters'], quoted);
      assert.equal(
        quoted['method.response.header.Access-Control-Allow-Headers'],
        `'${api.cors.allowHeaders.join(',')}'`,
      );
    }
  });

  it('lets browsers keep each preflight two hours: the mock answers Access-Control-Max-Age and declares it', () => {
    // Chromium honours at most 7200 s, Firefox 86400 s; absent, a preflight is kept 5 s.
    // https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age
    const header = 'method.response.header.Access-Control-Max-Age';
    const options = Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties['HttpMethod'] === 'OPTIONS',
    );
    assert.ok(options.length > 0);
    for (const m of options) {
      const integration = m.Properties['Integration'] as { IntegrationResponses: Json[] };
      const mapped = integration.IntegrationResponses[0]?.['ResponseParameters'] as Json;
      assert.equal(mapped[header], "'7200'");
      const [declared] = m.Properties['MethodResponses'] as Json[];
      assert.equal((declared?.['ResponseParameters'] as Json)[header], true);
    }
  });

  it('adds CORS headers to the gateway’s own 4XX and 5XX responses', () => {
    const quoted = Object.fromEntries(
      Object.entries(corsHeaders()).map(([k, v]) => [`gatewayresponse.header.${k}`, `'${v}'`]),
    );
    assert.equal(quoted['gatewayresponse.header.Access-Control-Allow-Origin'], "'*'");
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const [, response] = only(s, 'AWS::ApiGateway::GatewayResponse', { ResponseType: type });
      assert.deepEqual(response.Properties['ResponseParameters'], quoted);
    }
  });

  // IAM finds the provider by the token's `iss` exactly, and Auth0 writes it with a
  // trailing slash; without it STS answers every sign-in InvalidIdentityToken "No
  // OpenIDConnect provider found in your account for https://TENANT/". AWS's Auth0
  // sample: `Url: !Sub 'https://${Auth0Domain}/'` (aws-solutions-library-samples/
  // guidance-for-claude-code-with-amazon-bedrock, deployment/infrastructure/bedrock-auth-auth0.yaml).
  it('creates the Auth0 tenant’s OIDC provider at its exact issuer, for the app’s client id', () => {
    // In a stack of its own, shared by the stages: the stage's stack has none.
    assert.deepEqual(resourcesOf(s.template, 'AWS::IAM::OIDCProvider'), {});
    const providerTemplate = s.providerTemplate;
    assert.ok(providerTemplate);
    const providers = Object.values(resourcesOf(providerTemplate, 'AWS::IAM::OIDCProvider'));
    assert.equal(providers.length, 1);
    assert.deepEqual(providers[0]?.Properties, {
      Url: `https://${exampleParameters.auth0Domain}/`,
      ClientIdList: { Ref: clientIdsParameter },
    });
    // The client ids are a parameter that starts as this app's and that later deploys
    // keep (the CLI's previous value), so one stage never drops another's.
    const parameter = providerTemplate.toJSON()['Parameters'][clientIdsParameter] as Json;
    assert.equal(parameter['Type'], 'CommaDelimitedList');
    assert.equal(parameter['Default'], exampleParameters.auth0ClientId);
  });

  it('keeps the provider when a stage goes: deployed first, protected from deletion', () => {
    const providerStack = s.providerStack;
    assert.ok(providerStack);
    assert.ok(s.stack.dependencies.includes(providerStack), 'the stage deploys after it');
    assert.equal(providerStack.terminationProtection, true);
    assert.equal(s.stack.terminationProtection, false, 'a stage may be destroyed');
  });

  for (const role of roleNames) {
    it(`gives the ${role} role the definition’s trust and identity policies, and nothing else`, () => {
      // The provider's ARN as IAM makes it from its URL, in the deploying account.
      const [provider] = Object.values(resourcesOf(s.providerTemplate!, 'AWS::IAM::OIDCProvider'));
      const providerArn = `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${(provider?.Properties['Url'] as string).replace('https://', '')}`;
      const [apiId] = only(s, 'AWS::ApiGateway::RestApi');
      const [, resource] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor(role, api.stage) });
      const domain = `${exampleParameters.auth0Domain}/`;
      const trust = trustPolicy(role, '${provider}', domain, exampleParameters.auth0ClientId, [
        exampleParameters.admins,
      ]);
      const expectedTrust = JSON.parse(
        JSON.stringify(trust).replace('${provider}', providerArn),
      ) as Json;
      const actualTrust = resource.Properties['AssumeRolePolicyDocument'] as {
        Statement: Json[];
      };
      const principal = (document: Json) => (document['Statement'] as Json[])[0]?.['Principal'];
      assert.equal(
        flatten(principal(actualTrust as unknown as Json)),
        flatten(principal(expectedTrust)),
      );
      const withoutPrincipal = (document: unknown): unknown =>
        JSON.parse(
          JSON.stringify(document, (key, value: unknown) =>
            key === 'Principal' ? undefined : value,
          ),
        );
      assert.deepEqual(withoutPrincipal(actualTrust), withoutPrincipal(expectedTrust));
      // The conditions the server relies on, spelled out rather than only compared.
      const condition = (expectedTrust['Statement'] as Json[])[0]?.['Condition'] as Json;
      if (role === 'admin') {
        // Exactly the named admins: no pattern that every database user would match.
        assert.deepEqual(condition, {
          StringEquals: {
            [`${domain}:aud`]: exampleParameters.auth0ClientId,
            [`${domain}:sub`]: [exampleParameters.admins],
          },
        });
      } else {
        assert.deepEqual(condition, {
          StringEquals: { [`${domain}:aud`]: exampleParameters.auth0ClientId },
          StringNotLike: { [`${domain}:sub`]: ['auth0|*'] },
        });
      }

      const policies = resource.Properties['Policies'] as { PolicyDocument: Json }[];
      assert.equal(policies.length, 1);
      const expected = s.stack.resolve(
        rolePolicy(role, apiArn(Aws.REGION, Aws.ACCOUNT_ID, '${api}')),
      ) as Json;
      const expectedJson = JSON.stringify(expected).replaceAll(
        '${api}',
        `",${JSON.stringify(ref(apiId))},"`,
      );
      // Compare the joined ARN pieces: CloudFormation's Fn::Join splits them differently
      // depending on where tokens fall, so flatten both to one string with tokens marked.
      assert.equal(flatten(policies[0]?.PolicyDocument), flatten(JSON.parse(expectedJson)));
      assert.match(flatten(policies[0]?.PolicyDocument), /execute-api:Invoke/);
      assert.equal(resource.Properties['ManagedPolicyArns'], undefined);
      const attached = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties['Roles']).includes(
          `"${only(s, 'AWS::IAM::Role', { RoleName: roleNameFor(role, api.stage) })[0]}"`,
        ),
      );
      assert.deepEqual(attached, []);
    });
  }

  it('builds the table from api/pet-table.ts, on demand, with point-in-time recovery, retained', () => {
    const [, table] = only(s, 'AWS::DynamoDB::Table');
    assert.deepEqual(table.Properties['KeySchema'], tableSchema.KeySchema);
    // The CDK lists the definitions in the order it meets the keys; the schema in its own.
    const byName = (defs: readonly { AttributeName?: string }[]) =>
      [...defs].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));
    assert.deepEqual(
      byName(table.Properties['AttributeDefinitions'] as { AttributeName: string }[]),
      byName(tableSchema.AttributeDefinitions),
    );
    // The same indexes the handlers query, key for key and projection for projection.
    assert.deepEqual(
      (table.Properties['GlobalSecondaryIndexes'] as Json[]).map((index) => ({
        IndexName: index['IndexName'],
        KeySchema: index['KeySchema'],
        Projection: index['Projection'],
      })),
      tableSchema.GlobalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({
        IndexName,
        KeySchema,
        Projection,
      })),
    );
    assert.equal(table.Properties['BillingMode'], 'PAY_PER_REQUEST');
    assert.deepEqual(table.Properties['PointInTimeRecoverySpecification'], {
      PointInTimeRecoveryEnabled: true,
    });
    assert.equal(table.DeletionPolicy, 'Retain');
  });

  it('runs each handler on Node.js 24 with its manifest environment, timeout and memory', () => {
    const [tableId] = only(s, 'AWS::DynamoDB::Table');
    const [secretId] = only(s, 'AWS::SecretsManager::Secret');
    const domain = exampleParameters.auth0Domain;
    // lambdaEnvironment with markers for the two values only CloudFormation knows.
    const values: EnvironmentValues = {
      tableName: '${table}',
      cursorSecretId: '${cursorKey}',
      photos: { bucket: '${photosBucket}' },
      identity: {
        issuer: `https://${domain}/`,
        audience: exampleParameters.auth0ClientId,
        jwksUrl: `https://${domain}/.well-known/jwks.json`,
      },
    };
    const markers: Record<string, Json> = {
      '${table}': ref(tableId),
      '${cursorKey}': ref(secretId),
      '${photosBucket}': photosBucketName,
    };
    for (const handler of handlerNames) {
      const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[functionId(s, handler)];
      assert.equal(fn?.Properties['Runtime'], 'nodejs24.x');
      assert.equal(fn?.Properties['Handler'], 'index.handler');
      const expected = Object.fromEntries(
        Object.entries(lambdaEnvironment(handler, values)).map(([k, v]) => [k, markers[v] ?? v]),
      );
      assert.deepEqual((fn?.Properties['Environment'] as Json)['Variables'], expected, handler);
      const spec = handlers[handler];
      assert.equal(fn?.Properties['Timeout'], spec.timeoutSeconds, `${handler} timeout`);
      assert.equal(fn?.Properties['MemorySize'], spec.memoryMb, `${handler} memory`);
      // A Lambda that may outlive the integration would turn its own timeout (502) into a 504.
      assert.ok(spec.timeoutSeconds * 1000 < api.limits.integrationTimeoutMs, `${handler} < 29 s`);
    }
    // The per-pet writes read neither the cursor key nor the identity provider.
    for (const handler of ['putPet', 'deletePet'] as const) {
      const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[functionId(s, handler)];
      assert.deepEqual((fn?.Properties['Environment'] as Json)['Variables'], {
        PETS_TABLE: ref(tableId),
        ...observabilityEnvironment,
        // A removed pet's photos go with it.
        ...(handler === 'deletePet' && { [lambdaEnv.photosBucket]: photosBucketName }),
      });
    }
  });

  it('generates the cursor key in Secrets Manager, for the functions that sign cursors only', () => {
    const [secretId, secret] = only(s, 'AWS::SecretsManager::Secret');
    // Generated by Secrets Manager at deploy time: the value is in no template or asset.
    assert.deepEqual(secret.Properties['GenerateSecretString'], {
      ExcludePunctuation: true,
      PasswordLength: 64,
    });
    assert.equal(secret.Properties['SecretString'], undefined);
    // Goes with the stack: losing it only sends open cursors back to the first page.
    assert.equal(secret.DeletionPolicy, 'Delete');
    const signers = handlerNames.filter((h) =>
      (handlers[h].needs as readonly string[]).includes('cursorKey'),
    );
    assert.ok(signers.includes('getPets'));
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    const withKey = handlerNames.filter((h) =>
      JSON.stringify(functions[functionId(s, h)]?.Properties['Environment']).includes(
        `"CURSOR_SECRET_ID":${JSON.stringify(ref(secretId))}`,
      ),
    );
    assert.deepEqual(withKey, signers);
    // Exactly the signers' roles may read it, with GetSecretValue.
    const readers = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties['PolicyDocument']).includes(`"${secretId}"`))
      .map((p) => {
        const statements = (p.Properties['PolicyDocument'] as { Statement: Json[] }).Statement;
        assert.ok(
          statements.some(
            (st) =>
              JSON.stringify(st['Resource']) === JSON.stringify(ref(secretId)) &&
              ([] as unknown[]).concat(st['Action']).includes('secretsmanager:GetSecretValue'),
          ),
        );
        return JSON.stringify(p.Properties['Roles']);
      })
      .sort();
    const rolesOf = (h: HandlerName) => {
      const role = functions[functionId(s, h)]?.Properties['Role'] as Json;
      return JSON.stringify([ref((role['Fn::GetAtt'] as string[])[0] as string)]);
    };
    assert.deepEqual(readers, signers.map(rolesOf).sort());
  });

  it('grants each Lambda only its table actions on the table, its secrets and its own log group', () => {
    const [tableId] = only(s, 'AWS::DynamoDB::Table');
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const indexArns = { 'Fn::Join': ['', [tableArn, '/index/*']] };
    const [secretId] = only(s, 'AWS::SecretsManager::Secret');
    for (const handler of handlerNames) {
      const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[functionId(s, handler)];
      const roleId = ((fn?.Properties['Role'] as Json)['Fn::GetAtt'] as string[])[0] as string;
      const role = resourcesOf(s.template, 'AWS::IAM::Role')[roleId];
      assert.equal(
        role?.Properties['ManagedPolicyArns'],
        undefined,
        `${handler}: no managed policies`,
      );
      const statements = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties['Roles']) === JSON.stringify([ref(roleId)]))
        .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Json[] }).Statement);
      const data = statements.filter((st) => JSON.stringify(st['Action']).includes('dynamodb:'));
      assert.deepEqual(data, [
        {
          Effect: 'Allow',
          Action:
            handlers[handler].tableActions.length === 1
              ? handlers[handler].tableActions[0]
              : [...handlers[handler].tableActions],
          Resource: [tableArn, indexArns],
        },
      ]);
      const secrets = statements.filter((st) =>
        JSON.stringify(st['Action']).includes('secretsmanager:'),
      );
      const readsCursorKey = (handlers[handler].needs as readonly string[]).includes('cursorKey');
      assert.deepEqual(
        secrets.map((st) => st['Resource']),
        readsCursorKey ? [ref(secretId)] : [],
        `${handler}: the cursor key only if it signs cursors`,
      );
      const photos = statements.filter((st) => JSON.stringify(st['Action']).includes('"s3:'));
      const spec: HandlerSpec = handlers[handler];
      assert.deepEqual(
        photos as unknown[],
        photoStatements(spec.photoActions ?? {}, 'BUCKET').map(({ Effect, Action, Resource }) => ({
          Action: Action.length === 1 ? Action[0] : Action,
          Effect,
          Resource: photoResource(String(Resource)),
        })),
        `${handler}: its photo actions on their prefixes only`,
      );
      const logs = statements.filter(
        (st) => st !== data[0] && !secrets.includes(st) && !photos.includes(st),
      );
      assert.ok(
        logs.length > 0 && logs.every((st) => JSON.stringify(st['Action']).startsWith('["logs:')),
        `${handler}: only logs actions besides the table's`,
      );
      assert.ok(
        logs.every((st) => JSON.stringify(st['Resource']).includes('Logs')),
        `${handler}: own log group`,
      );
    }
  });

  it('allows no wildcard action, and no wildcard resource on data, in any IAM policy', () => {
    const documents = [
      ...Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).map(
        (p) => p.Properties['PolicyDocument'],
      ),
      ...Object.values(resourcesOf(s.template, 'AWS::IAM::Role')).flatMap((r) =>
        ((r.Properties['Policies'] as { PolicyDocument: Json }[] | undefined) ?? []).map(
          (p) => p.PolicyDocument,
        ),
      ),
      ...Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).map(
        (p) => p.Properties['PolicyDocument'],
      ),
    ] as { Statement: Json[] }[];
    // One policy per Lambda, 2 role inline policies, 2 bucket policies (site, photos).
    assert.equal(documents.length, handlerNames.length + 4, 'every policy document was found');
    // Denies may be broad (the bucket refuses every s3:* action without TLS); allows may not.
    const allows = documents.flatMap((d) => d.Statement).filter((st) => st['Effect'] === 'Allow');
    assert.ok(allows.length >= 6, 'allow statements found');
    for (const statement of allows) {
      const actions = ([] as unknown[]).concat(statement['Action']).map(String);
      for (const action of actions) assert.doesNotMatch(action, /\*/, `wildcard action ${action}`);
      if (actions.some((a) => /^(dynamodb|s3):/.test(a))) {
        assert.ok(!JSON.stringify(statement['Resource']).includes('"*"'), `${actions.join()} on *`);
      }
    }
  });

  it('keeps the site bucket private: readable only by its CloudFront distribution, over TLS', () => {
    const [bucketId, bucket] = only(s, 'AWS::S3::Bucket', siteBucket);
    assert.deepEqual(bucket.Properties['PublicAccessBlockConfiguration'], {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.equal(bucket.Properties['WebsiteConfiguration'], undefined);
    assert.equal(bucket.Properties['AccessControl'], undefined);
    const [, policy] = only(s, 'AWS::S3::BucketPolicy', { Bucket: ref(bucketId) });
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Json[] }).Statement;
    const allows = statements.filter((st) => st['Effect'] === 'Allow');
    assert.equal(allows.length, 1);
    const [distributionId] = only(s, 'AWS::CloudFront::Distribution');
    assert.deepEqual(allows[0]?.['Principal'], { Service: 'cloudfront.amazonaws.com' });
    assert.equal(allows[0]?.['Action'], 's3:GetObject');
    assert.match(
      JSON.stringify(allows[0]?.['Condition']),
      new RegExp(`"AWS:SourceArn".*${distributionId}`),
    );
    const denies = statements.filter((st) => st['Effect'] === 'Deny');
    assert.match(JSON.stringify(denies), /"aws:SecureTransport":"false"/);
    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties['DistributionConfig'] as Json;
    assert.equal(
      (config['DefaultCacheBehavior'] as Json)['ViewerProtocolPolicy'],
      'redirect-to-https',
    );
    assert.equal(
      ((config['Origins'] as Json[])[0]?.['S3OriginConfig'] as Json)['OriginAccessIdentity'],
      '',
    );
  });

  it("sends api/csp.ts's Content-Security-Policy for the deployed config.json, and the security headers", () => {
    const [restApiId] = only(s, 'AWS::ApiGateway::RestApi');
    const [policyId, policy] = only(s, 'AWS::CloudFront::ResponseHeadersPolicy', pageHeaders);
    const config = policy.Properties['ResponseHeadersPolicyConfig'] as Json;
    const security = config['SecurityHeadersConfig'] as Json;
    // The API's origin is only known at deploy time: its id and the region are tokens.
    const expected = contentSecurityPolicy({
      auth0: { domain: exampleParameters.auth0Domain },
      api: {
        invokeUrl: `https://\${${restApiId}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/test`,
        region: '${AWS::Region}',
        // The photos bucket's name is made of the stack's id (photosBucketName); its
        // flattened form has a slash, which originOf would cut, so it goes in after.
        photoUploadUrl: 'https://photos-bucket',
      },
      credentials: { mode: 'web-identity' },
    }).replace(
      'https://photos-bucket',
      'https://photos-{Fn::Select:[2,{Fn::Split:[/,${AWS::StackId}]}]}.s3.${AWS::Region}.${AWS::URLSuffix}',
    );
    const csp = security['ContentSecurityPolicy'] as Json;
    assert.equal(flatten(csp['ContentSecurityPolicy']), expected);
    assert.equal(csp['Override'], true);
    assert.match(
      expected,
      new RegExp(
        `connect-src 'self' https://${exampleParameters.auth0Domain} https://\\$\\{${restApiId}\\}\\.execute-api\\.\\$\\{AWS::Region\\}\\.\\$\\{AWS::URLSuffix\\} https://photos-\\S+\\.s3\\.\\$\\{AWS::Region\\}\\.\\$\\{AWS::URLSuffix\\} https://sts\\.\\$\\{AWS::Region\\}\\.amazonaws\\.com; frame-src https://${exampleParameters.auth0Domain};`,
      ),
    );
    assert.deepEqual(security['ContentTypeOptions'], { Override: true });
    assert.deepEqual(security['FrameOptions'], { FrameOption: 'DENY', Override: true });
    assert.deepEqual(security['ReferrerPolicy'], {
      ReferrerPolicy: referrerPolicy,
      Override: true,
    });
    assert.deepEqual(security['StrictTransportSecurity'], {
      AccessControlMaxAgeSec: strictTransportSecurity.maxAgeSeconds,
      IncludeSubdomains: true,
      Override: true,
    });
    assert.equal(strictTransportSecurity.maxAgeSeconds, 63_072_000);
    assert.equal(security['XSSProtection'], undefined);
    assert.deepEqual(config['CustomHeadersConfig'], {
      Items: [{ Header: 'Permissions-Policy', Value: permissionsPolicy, Override: true }],
    });

    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const behavior = (distribution.Properties['DistributionConfig'] as Json)[
      'DefaultCacheBehavior'
    ] as Json;
    assert.deepEqual(behavior['ResponseHeadersPolicyId'], ref(policyId));
  });

  it('serves a prerendered page for its route, and index.html for the other routes', () => {
    const [functionId, fn] = only(s, 'AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({
        Comment: Match.stringLikeRegexp('^Secure Pets: /route -> /route/index.html'),
      }),
    });
    assert.equal((fn.Properties['FunctionConfig'] as Json)['Runtime'], 'cloudfront-js-2.0');
    const handler = new Function(
      `${fn.Properties['FunctionCode'] as string}; return handler;`,
    )() as (event: { request: { uri: string } }) => { uri: string };
    const uriFor = (uri: string) => handler({ request: { uri } }).uri;
    assert.equal(uriFor('/login'), '/login/index.html');
    assert.equal(uriFor('/login/'), '/login/index.html');
    assert.equal(uriFor('/callback'), '/callback/index.html');
    assert.equal(uriFor('/'), '/index.html');
    assert.equal(uriFor('/main-ABCD2345.js'), '/main-ABCD2345.js');
    assert.equal(uriFor('/media/font-ABCD2345.woff2'), '/media/font-ABCD2345.woff2');
    assert.equal(uriFor('/config.json'), '/config.json');
    // Every pet page is the pet page's frame, a malformed id's too (the app says so).
    for (const uri of ['/pets/42', '/pets/42/', '/pets/abc', '/pets/1.5']) {
      assert.equal(uriFor(uri), '/pets/frame/index.html', uri);
    }
    assert.equal(uriFor('/pets/frame/index.html'), '/pets/frame/index.html');
    assert.equal(uriFor('/pets/42/photo-ABCD2345.webp'), '/pets/42/photo-ABCD2345.webp');

    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties['DistributionConfig'] as Json;
    const behavior = config['DefaultCacheBehavior'] as Json;
    assert.deepEqual(behavior['FunctionAssociations'], [
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    assert.deepEqual(
      (config['CustomErrorResponses'] as Json[]).map((r) => [
        r['ErrorCode'],
        r['ResponseCode'],
        r['ResponsePagePath'],
      ]),
      [
        [403, 200, '/index.html'],
        // A 404 passes as it is (GET /pets/{id} through the CDN); throttles and origin
        // failures are passed on and never cached.
        [429, undefined, undefined],
        [500, undefined, undefined],
        [502, undefined, undefined],
        [503, undefined, undefined],
        [504, undefined, undefined],
      ],
    );
    for (const r of config['CustomErrorResponses'] as Json[]) {
      assert.equal(r['ErrorCachingMinTTL'], 0, String(r['ErrorCode']));
    }
  });

  // The public reads through the CDN (api/cdn.ts). CloudFront's rules they rely on:
  // cache and origin request policies,
  // https://docs---aws.amazon.com.rproxy.goskope.com/AmazonCloudFront/latest/DeveloperGuide/controlling-origin-requests.md
  // API Gateway must get its own Host (so the viewer's goes as X-Forwarded-Host),
  // https://aws.amazon.com/premiumsupport/knowledge-center/configure-cloudfront-to-forward-headers
  // and no Authorization on a cached GET,
  // https://www.repost.aws/knowledge-center/cloudfront-authorization-header
  it('sends GET and HEAD of /test/pets and /test/pets/* to the REST API, and no other path', () => {
    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties['DistributionConfig'] as Json;
    // Every other behavior is the photos' (/photos/*, photos.test.ts).
    const behaviors = (config['CacheBehaviors'] as Json[]).filter(
      (b) => b['PathPattern'] !== '/photos/*',
    );
    assert.deepEqual(
      behaviors.map((b) => b['PathPattern']),
      cdnPathPatterns(s.parameters.stage),
    );
    assert.deepEqual(cdnPathPatterns('test'), ['/test/pets', '/test/pets/*']);
    const originsById = new Map(
      (config['Origins'] as Json[]).map((o) => [o['Id'] as string, o] as const),
    );
    const [restApiId] = only(s, 'AWS::ApiGateway::RestApi');
    const [cachePolicyId] = only(s, 'AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ Comment: Match.stringLikeRegexp('public reads') }),
    });
    const [requestPolicyId] = only(s, 'AWS::CloudFront::OriginRequestPolicy');
    const [functionId] = only(s, 'AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Comment: Match.stringLikeRegexp('public reads') }),
    });
    for (const b of behaviors) {
      const origin = originsById.get(b['TargetOriginId'] as string)!;
      assert.match(JSON.stringify(origin['DomainName']), new RegExp(restApiId));
      assert.match(JSON.stringify(origin['DomainName']), /execute-api/);
      // No origin path: the viewer's path already starts with the stage.
      assert.equal(origin['OriginPath'] ?? '', '');
      assert.equal((origin['CustomOriginConfig'] as Json)['OriginProtocolPolicy'], 'https-only');
      assert.deepEqual(b['AllowedMethods'], ['GET', 'HEAD']);
      assert.equal(b['ViewerProtocolPolicy'], 'redirect-to-https');
      assert.deepEqual(b['CachePolicyId'], ref(cachePolicyId));
      assert.deepEqual(b['OriginRequestPolicyId'], ref(requestPolicyId));
      assert.equal(b['ResponseHeadersPolicyId'], undefined);
      assert.deepEqual(b['FunctionAssociations'], [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
      ]);
    }
  });

  it('keys the public reads’ cache on the allow-listed query strings only, TTLs from the origin', () => {
    const [, policy] = only(s, 'AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ Comment: Match.stringLikeRegexp('public reads') }),
    });
    const config = policy.Properties['CachePolicyConfig'] as Json;
    assert.deepEqual([config['MinTTL'], config['DefaultTTL'], config['MaxTTL']], [0, 0, 10]);
    const key = config['ParametersInCacheKeyAndForwardedToOrigin'] as Json;
    assert.deepEqual(key['QueryStringsConfig'], {
      QueryStringBehavior: 'whitelist',
      QueryStrings: ['limit', 'cursor', 'status', 'type', 'sort'],
    });
    assert.deepEqual(key['HeadersConfig'], { HeaderBehavior: 'none' });
    assert.deepEqual(key['CookiesConfig'], { CookieBehavior: 'none' });
    const [, request] = only(s, 'AWS::CloudFront::OriginRequestPolicy');
    const forwarded = request.Properties['OriginRequestPolicyConfig'] as Json;
    assert.deepEqual(forwarded['QueryStringsConfig'], key['QueryStringsConfig']);
    assert.deepEqual(forwarded['HeadersConfig'], {
      HeaderBehavior: 'whitelist',
      Headers: ['X-Forwarded-Host'],
    });
    assert.deepEqual(forwarded['CookiesConfig'], { CookieBehavior: 'none' });
  });

  it('gives no signed route a way through: its function refuses signatures and their paths', () => {
    const [, fn] = only(s, 'AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Comment: Match.stringLikeRegexp('public reads') }),
    });
    assert.equal((fn.Properties['FunctionConfig'] as Json)['Runtime'], 'cloudfront-js-2.0');
    interface Outcome {
      statusCode?: number;
      headers: Record<string, { value: string }>;
    }
    const handler = new Function(
      `${fn.Properties['FunctionCode'] as string}; return handler;`,
    )() as (event: unknown) => Outcome;
    const run = (uri: string, headers: Json = {}, querystring: Json = {}) =>
      handler({
        request: {
          method: 'GET',
          uri,
          querystring,
          headers: { host: { value: 'shop.example.com' }, ...headers },
        },
      });
    const passed = run('/test/pets', {}, { limit: { value: '5' } });
    assert.equal(passed.statusCode, undefined);
    assert.deepEqual(passed.headers['x-forwarded-host'], { value: 'shop.example.com' });
    assert.equal(run('/test/pets/42').statusCode, undefined);
    const head = handler({
      request: { method: 'HEAD', uri: '/test/pets', querystring: {}, headers: {} },
    });
    assert.equal(head.statusCode, 405);
    assert.equal(
      run('/test/pets', { authorization: { value: 'AWS4-HMAC-SHA256 …' } }).statusCode,
      400,
    );
    assert.equal(run('/test/pets', {}, { 'X-Amz-Signature': { value: 'abc' } }).statusCode, 400);
    for (const route of api.routes.filter((r) => r.auth === 'AWS_IAM')) {
      const uri = `/test${route.path.replace('{id}', '42')}`;
      const public_ = cdnPathPatterns('test').some((p) =>
        new RegExp(`^${p.replace('*', '[^/]+')}$`).test(uri),
      );
      // A signed route on a public read's path (PUT /pets/{id}) differs by method only,
      // and the behaviors allow GET and HEAD alone.
      if (public_ && !nonPublicPaths().includes(route.path)) continue;
      assert.equal(run(uri).statusCode, 404, `${route.method} ${route.path}`);
    }
  });

  it('has no unsuppressed cdk-nag AwsSolutions error or warning, and only the reviewed suppressions', () => {
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    const annotations = Annotations.fromStack(s.stack);
    assert.deepEqual(annotations.findError('*', nag), []);
    assert.deepEqual(annotations.findWarning('*', nag), []);
    const providerAnnotations = Annotations.fromStack(s.providerStack!);
    assert.deepEqual(providerAnnotations.findError('*', nag), []);
    assert.deepEqual(providerAnnotations.findWarning('*', nag), []);
    assert.deepEqual(suppressions(s), {
      'AWS::ApiGateway::Method': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
      'AWS::ApiGateway::RestApi': ['AwsSolutions-APIG2'],
      'AWS::ApiGateway::Stage': ['AwsSolutions-APIG3'],
      'AWS::CloudFront::Distribution': [
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
      ],
      'AWS::IAM::Policy': ['AwsSolutions-IAM5'],
      'AWS::IAM::Role': ['AwsSolutions-IAM4', 'AwsSolutions-IAM5'],
      'AWS::S3::Bucket': ['AwsSolutions-S1'],
      'AWS::SecretsManager::Secret': ['AwsSolutions-SMG4'],
    });
    // APIG4 only where the definition leaves a method open: the public GETs and preflights.
    for (const method of Object.values(resourcesOf(s.template, 'AWS::ApiGateway::Method'))) {
      const ids = nagRules(method);
      assert.equal(
        ids.includes('AwsSolutions-APIG4'),
        method.Properties['AuthorizationType'] === 'NONE',
        JSON.stringify(method.Properties['HttpMethod']),
      );
    }
  });

  it('logs every API request as JSON with the request id and the caller’s role session', () => {
    const [, stage] = only(s, 'AWS::ApiGateway::Stage');
    const setting = stage.Properties['AccessLogSetting'] as {
      DestinationArn: Json;
      Format: string;
    };
    const format = JSON.parse(setting.Format) as Record<string, string>;
    assert.deepEqual(format, accessLogFields);
    assert.equal(format['requestId'], '$context.requestId');
    assert.equal(format['userArn'], '$context.identity.userArn');
    assert.equal(format['caller'], '$context.identity.caller');
    const [logsId] = Object.entries(resourcesOf(s.template, 'AWS::Logs::LogGroup')).find(([id]) =>
      id.startsWith('ApiAccessLogs'),
    ) as [string, Resource];
    assert.deepEqual(setting.DestinationArn, { 'Fn::GetAtt': [logsId, 'Arn'] });
    // Execution logs for errors only, never bodies; the stage's throttling by default.
    assert.deepEqual(stage.Properties['MethodSettings'], [
      {
        DataTraceEnabled: false,
        HttpMethod: '*',
        LoggingLevel: 'ERROR',
        ResourcePath: '/*',
        ThrottlingBurstLimit: 100,
        ThrottlingRateLimit: 50,
      },
    ]);
    // Stage logging needs the account's API Gateway CloudWatch role: set, and kept when the stack goes.
    const [, account] = only(s, 'AWS::ApiGateway::Account');
    assert.equal(account.DeletionPolicy, 'Retain');
  });

  it('keeps every log group a month, the API’s execution log included', () => {
    const groups = resourcesOf(s.template, 'AWS::Logs::LogGroup');
    // One per function, the API's access log and its execution log.
    assert.equal(Object.keys(groups).length, handlerNames.length + 2);
    for (const [id, group] of Object.entries(groups)) {
      assert.equal(group.Properties['RetentionInDays'], 30, id);
      assert.equal(group.DeletionPolicy, 'Delete', id);
    }
    const [restApiId] = only(s, 'AWS::ApiGateway::RestApi');
    only(s, 'AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': ['', ['API-Gateway-Execution-Logs_', ref(restApiId), `/${api.stage}`]],
      },
    });
  });

  it('alarms on any API 5XX and on each Lambda’s errors and throttles', () => {
    const [restApiId] = only(s, 'AWS::ApiGateway::RestApi');
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    const described = alarms.map((a) => {
      const p = a.Properties;
      assert.equal(p['Statistic'], 'Sum');
      assert.equal(p['Period'], 300);
      assert.equal(p['Threshold'], 1);
      assert.equal(p['ComparisonOperator'], 'GreaterThanOrEqualToThreshold');
      assert.equal(p['TreatMissingData'], 'notBreaching');
      assert.equal(p['AlarmActions'], undefined, 'no topic given: console only');
      const dimensions = p['Dimensions'] as { Name: string; Value: unknown }[];
      return `${String(p['Namespace'])}/${String(p['MetricName'])} ${JSON.stringify(dimensions)}`;
    });
    const fnDimension = (h: HandlerName) =>
      JSON.stringify([{ Name: 'FunctionName', Value: ref(functionId(s, h)) }]);
    assert.deepEqual(
      described.sort(),
      [
        `AWS/ApiGateway/5XXError ${JSON.stringify([
          { Name: 'ApiName', Value: api.name },
          { Name: 'Stage', Value: ref(only(s, 'AWS::ApiGateway::Stage')[0]) },
        ])}`,
        ...handlerNames.map((h) => `AWS/Lambda/Errors ${fnDimension(h)}`),
        ...handlerNames.map((h) => `AWS/Lambda/Throttles ${fnDimension(h)}`),
      ].sort(),
    );
    assert.ok(restApiId);
  });

  it('outputs everything config.json and publish need', () => {
    const outputs = s.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    for (const name of Object.values(outputNames)) assert.ok(outputs[name], `output ${name}`);
    assert.equal(outputs[outputNames.auth0Domain]?.Value, exampleParameters.auth0Domain);
    assert.equal(outputs[outputNames.auth0ClientId]?.Value, exampleParameters.auth0ClientId);
    assert.doesNotMatch(flatten(outputs[outputNames.apiInvokeUrl]?.Value), /\/$/);
  });
});

describe('the admins', () => {
  const admins = ['auth0|65f0c0ffee0123456789abcd', 'auth0|65f0c0ffee0123456789abce'];
  const tenant = { auth0Domain: 'pets.eu.auth0.com', auth0ClientId: 'AbC123' };

  it('are the only subjects the admin role trusts, as named at deploy time', () => {
    const s = synthesize({ ...tenant, admins: ` ${admins[0]}, ${admins[1]},${admins[0]}` });
    try {
      const [, role] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor('admin', api.stage) });
      const document = role.Properties['AssumeRolePolicyDocument'] as { Statement: Json[] };
      assert.equal(document.Statement.length, 1);
      assert.deepEqual(document.Statement[0]?.['Condition'], {
        StringEquals: { 'pets.eu.auth0.com/:aud': 'AbC123', 'pets.eu.auth0.com/:sub': admins },
      });
    } finally {
      s.dispose();
    }
  });

  it('must be given, as database users: no stack without an admin, or with a pattern', () => {
    const read = (context: Record<string, string>) => () =>
      readParameters((key) => (({ ...tenant, ...context }) as Record<string, string>)[key]);
    assert.throws(read({}), {
      name: 'ParameterError',
      message: /Name at least one admin.*-c admins=/,
    });
    assert.throws(read({ admins: ' , ' }), { name: 'ParameterError' });
    // Offline synth's example admin is for the example tenant only.
    assert.throws(read({ example: 'true' }), { name: 'ParameterError' });
    assert.deepEqual(
      readParameters((key) => (({ example: 'true' }) as Record<string, string>)[key]).admins,
      [exampleParameters.admins],
    );
    for (const bad of ['auth0|*', 'amazon|amzn1.account.X', 'auth0|a b', 'admin@example.com']) {
      assert.throws(
        read({ admins: bad }),
        { name: 'ParameterError', message: /database users/ },
        bad,
      );
    }
    assert.deepEqual(read({ admins: admins.join(',') })().admins, admins);
  });
});

const alarmTopicArn = 'arn:aws:sns:eu-west-1:123456789012:pets-alarms';
const existingProviderArn = 'arn:aws:iam::123456789012:oidc-provider/example-tenant.us.auth0.com';
const siteCertificateArn =
  'arn:aws:acm:us-east-1:123456789012:certificate/12345678-90ab-cdef-1234-567890abcdef';

describe('the stack with a legacy HS256 secret, another stage and the deployer’s settings', () => {
  let s: Synthesized;
  before(() => {
    s = synthesize({
      example: 'true',
      stage: 'prod',
      legacySecretId: 'secure-pets/legacy-hs256',
      retainData: 'false',
      throttleRateLimit: '5',
      throttleBurstLimit: '10',
      apiGatewayCloudWatchRole: 'false',
      alarmTopicArn,
      oidcProviderArn: existingProviderArn,
      siteDomain: 'Pets.Example.com',
      siteCertificateArn,
    });
  });
  after(() => s.dispose());

  it('passes the legacy secret by name to the token-verifying Lambdas, which may read it', () => {
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    const withSecret = Object.entries(functions).filter(([, fn]) =>
      JSON.stringify(fn.Properties['Environment']).includes(lambdaEnv.legacySecretId),
    );
    const verifiers = handlerNames.filter((name) =>
      (handlers[name].needs as readonly string[]).includes('identity'),
    );
    assert.deepEqual(
      withSecret.map(([id]) => id).sort(),
      verifiers.map((name) => functionId(s, name)).sort(),
    );
    for (const [id, fn] of withSecret) {
      const variables = (fn.Properties['Environment'] as Json)['Variables'] as Json;
      assert.equal(variables[lambdaEnv.legacySecretId], 'secure-pets/legacy-hs256', id);
      // Its role may read that secret (any of the six-character suffixes AWS appends).
      const roleId = ((fn.Properties['Role'] as Json)['Fn::GetAtt'] as string[])[0] as string;
      const statements = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties['Roles']) === JSON.stringify([ref(roleId)]))
        .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Json[] }).Statement);
      assert.ok(
        statements.some(
          (st) =>
            ([] as unknown[]).concat(st['Action']).includes('secretsmanager:GetSecretValue') &&
            flatten(st['Resource']).endsWith(':secret:secure-pets/legacy-hs256-??????'),
        ),
        `${id} may read the legacy secret`,
      );
    }
  });

  it('holds no secret value in any Lambda environment: no dynamic reference, no legacy variable', () => {
    for (const [id, fn] of Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function'))) {
      const environment = JSON.stringify(fn.Properties['Environment'] ?? {});
      assert.doesNotMatch(environment, /\{\{resolve:/, `${id}: a dynamic reference`);
      assert.doesNotMatch(environment, /"LEGACY_HS256_SECRET"/, `${id}: the old variable`);
    }
    assert.doesNotMatch(JSON.stringify(s.template.toJSON()), /resolve:secretsmanager/);
  });

  it('takes the throttling, the CloudWatch role and the alarm topic from context, and passes cdk-nag', () => {
    const [, stage] = only(s, 'AWS::ApiGateway::Stage');
    const [settings] = stage.Properties['MethodSettings'] as Json[];
    assert.equal(settings?.['ThrottlingRateLimit'], 5);
    assert.equal(settings?.['ThrottlingBurstLimit'], 10);
    // The account already has its API Gateway CloudWatch role: none made, none suppressed.
    assert.deepEqual(resourcesOf(s.template, 'AWS::ApiGateway::Account'), {});
    assert.deepEqual(suppressions(s)['AWS::IAM::Role'], ['AwsSolutions-IAM5']);
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 1 + 2 * handlerNames.length);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.Properties['AlarmActions'], [alarmTopicArn]);
      assert.deepEqual(alarm.Properties['OKActions'], [alarmTopicArn]);
    }
    // Each Annotations.fromStack synthesizes the app again: once is enough.
    const annotations = Annotations.fromStack(s.stack);
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    assert.deepEqual(annotations.findError('*', nag), []);
    assert.deepEqual(annotations.findWarning('*', nag), []);
  });

  it('names the stage and the role names after the stack, and lets the table go with the stack', () => {
    only(s, 'AWS::ApiGateway::Stage', { StageName: 'prod' });
    // Named after the stack, so no stage takes another's roles, nor an account's own
    // `pets-admin`.
    only(s, 'AWS::IAM::Role', { RoleName: 'SecurePets-prod-admin' });
    only(s, 'AWS::IAM::Role', { RoleName: 'SecurePets-prod-buyer' });
    assert.equal(only(s, 'AWS::DynamoDB::Table')[1].DeletionPolicy, 'Delete');
  });

  it('trusts an existing OIDC provider when named, and makes none', () => {
    assert.equal(s.providerStack, undefined);
    assert.deepEqual(resourcesOf(s.template, 'AWS::IAM::OIDCProvider'), {});
    for (const role of roleNames) {
      const [, resource] = only(s, 'AWS::IAM::Role', { RoleName: roleNameFor(role, 'prod') });
      const document = resource.Properties['AssumeRolePolicyDocument'] as { Statement: Json[] };
      assert.deepEqual(document.Statement[0]?.['Principal'], { Federated: existingProviderArn });
    }
  });

  it('serves the site on its custom domain with its us-east-1 certificate, TLS 1.2 at least', () => {
    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties['DistributionConfig'] as Json;
    assert.deepEqual(config['Aliases'], ['pets.example.com']);
    assert.deepEqual(config['ViewerCertificate'], {
      AcmCertificateArn: siteCertificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    // The site's origin is the custom domain: publish prints it, and Auth0's URLs use it.
    // CORS (`*`) and the CSP (`'self'`) name no site origin, so they follow as they are.
    const outputs = s.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    assert.equal(outputs[outputNames.siteUrl]?.Value, 'https://pets.example.com');
    assert.equal(corsHeaders()['Access-Control-Allow-Origin'], '*');
    // With its own certificate the distribution meets CFR4 unsuppressed (the nag test
    // above finds no finding in this stack).
    assert.deepEqual(suppressions(s)['AWS::CloudFront::Distribution'], [
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
    ]);
  });
});

describe('names that must fit AWS’s limits', () => {
  const read = (context: Record<string, string>) => () =>
    readParameters((key) => (({ example: 'true', ...context }) as Record<string, string>)[key]);

  it('refuses at synth a stage whose role names IAM would refuse (64 characters)', () => {
    const room = maxRoleNameLength - roleNameFor('admin', '').length;
    const longest = 'x'.repeat(room);
    assert.equal(read({ stage: longest })().stage, longest);
    for (const role of roleNames) {
      assert.ok(roleNameFor(role, longest).length <= maxRoleNameLength, role);
    }
    assert.throws(read({ stage: `${longest}x` }), {
      name: 'ParameterError',
      message: new RegExp(
        `^stage is too long: the role SecurePets-x+-(admin|buyer) would have 65 characters and IAM allows 64; use a stage of at most ${room} characters\\.$`,
      ),
    });
  });

  it('takes a custom site domain only with its certificate, and only one in us-east-1', () => {
    const certificate = { siteCertificateArn };
    assert.deepEqual(read({ siteDomain: 'pets.example.com', ...certificate })().siteDomain, {
      name: 'pets.example.com',
      certificateArn: siteCertificateArn,
    });
    assert.equal(read({})().siteDomain, undefined);
    assert.throws(read({ siteDomain: 'pets.example.com' }), {
      name: 'ParameterError',
      message: /needs both -c siteDomain=.* and -c siteCertificateArn=/,
    });
    assert.throws(read(certificate), { name: 'ParameterError', message: /needs both/ });
    assert.throws(read({ siteDomain: 'https://pets.example.com/', ...certificate }), {
      name: 'ParameterError',
      message: /siteDomain must be a host name/,
    });
    assert.throws(
      read({
        siteDomain: 'pets.example.com',
        siteCertificateArn: siteCertificateArn.replace('us-east-1', 'eu-west-1'),
      }),
      { name: 'ParameterError', message: /must be a certificate in us-east-1.*eu-west-1/ },
    );
    assert.throws(read({ siteDomain: 'pets.example.com', siteCertificateArn: 'arn:aws:acm:x' }), {
      name: 'ParameterError',
      message: /not an ACM certificate ARN/,
    });
  });
});

describe('the deployer’s settings', () => {
  const read = (context: Record<string, string>) =>
    readParameters((key) => (({ example: 'true', ...context }) as Record<string, string>)[key]);

  it('throttles at 50 requests/s, bursts of 100, unless told, and sets the CloudWatch role', () => {
    const parameters = read({});
    assert.deepEqual(parameters.throttle, { rateLimit: 50, burstLimit: 100 });
    assert.equal(parameters.apiGatewayCloudWatchRole, true);
    assert.equal(parameters.alarmTopicArn, undefined);
  });

  it('refuses a throttle that is not a whole number from 1, or a topic that is not an SNS ARN', () => {
    for (const bad of ['0', '-1', '2.5', 'fast', '']) {
      assert.throws(() => read({ throttleRateLimit: bad }), ParameterError, bad);
      assert.throws(() => read({ throttleBurstLimit: bad }), ParameterError, bad);
    }
    assert.throws(
      () => read({ alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' }),
      /alarmTopicArn is not an SNS topic ARN/,
    );
  });
});

describe('the cdk-nag gate of npm run synth', () => {
  it('reports an unsuppressed finding, with its rule and resource', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'pets-nag-')) });
    try {
      const stack = new Stack(app, 'Unchecked');
      new s3.Bucket(stack, 'Plain');
      addChecks(app);
      const findings = nagFindings(app.synth());
      const s1 = findings.find((f) => f.message.startsWith('AwsSolutions-S1:'));
      assert.deepEqual(
        { level: s1?.level, path: s1?.path },
        { level: 'error', path: '/Unchecked/Plain/Resource' },
      );
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});

describe('petsTable, from any schema of the shape api/pet-table.ts uses', () => {
  const build = (schema: TableSchema): Resource => {
    const stack = new Stack(new App(), 'TableOnly');
    petsTable(stack, schema, { retainData: true });
    return Object.values(resourcesOf(Template.fromStack(stack), 'AWS::DynamoDB::Table'))[0]!;
  };
  const base = {
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'N' },
      { AttributeName: 'group', AttributeType: 'S' },
      { AttributeName: 'rank', AttributeType: 'N' },
      { AttributeName: 'label', AttributeType: 'S' },
    ],
  };

  it('keeps each index’s keys (S and N sort keys, or none) and projection', () => {
    const GlobalSecondaryIndexes = [
      {
        IndexName: 'byRank',
        KeySchema: [
          { AttributeName: 'group', KeyType: 'HASH' },
          { AttributeName: 'rank', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
      },
      {
        IndexName: 'byLabel',
        KeySchema: [
          { AttributeName: 'group', KeyType: 'HASH' },
          { AttributeName: 'label', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'byGroup',
        KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ];
    const table = build({ ...base, GlobalSecondaryIndexes });
    assert.deepEqual(
      (table.Properties['GlobalSecondaryIndexes'] as Json[]).map(
        ({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }),
      ),
      GlobalSecondaryIndexes,
    );
    // No projection means ALL, as in CreateTable.
    const [index] = build({
      ...base,
      GlobalSecondaryIndexes: [
        { IndexName: 'byGroupOnly', KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }] },
      ],
    }).Properties['GlobalSecondaryIndexes'] as Json[];
    assert.deepEqual(index?.['Projection'], { ProjectionType: 'ALL' });
  });

  it('refuses an index without a name, or a key without an attribute definition', () => {
    assert.throws(
      () =>
        build({
          ...base,
          GlobalSecondaryIndexes: [{ KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }] }],
        }),
      TableSchemaError,
    );
    assert.throws(
      () =>
        build({
          ...base,
          GlobalSecondaryIndexes: [
            { IndexName: 'x', KeySchema: [{ AttributeName: 'missing', KeyType: 'HASH' }] },
          ],
        }),
      /Key missing of the x has no S, N or B attribute definition/,
    );
  });
});

/**
 * A CloudFormation value as one comparable string: Fn::Join pieces concatenated, Refs
 * as ${id}, keys sorted, one-element lists as their element (IAM reads them alike).
 */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value.length === 1 ? flatten(value[0]) : `[${value.map(flatten).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const o = value as Json;
    if ('Ref' in o) return `\${${String(o['Ref'])}}`;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if ('Fn::GetAtt' in o) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
    return `{${Object.entries(o)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}:${flatten(v)}`)
      .join(',')}}`;
  }
  return String(value);
}

/** The cdk-nag rules suppressed on a resource. */
function nagRules(resource: Resource): string[] {
  const metadata = (
    resource as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }
  ).Metadata;
  const rules = metadata?.cdk_nag?.rules_to_suppress ?? [];
  // Every suppression says why, at some length.
  for (const rule of rules) assert.ok(rule.reason.length >= 80, `${rule.id}: ${rule.reason}`);
  return rules.map((rule) => rule.id);
}

/** The cdk-nag rules suppressed in the template, by resource type. */
function suppressions(s: Synthesized): Record<string, string[]> {
  const byType: Record<string, Set<string>> = {};
  for (const resource of Object.values(
    s.template.toJSON()['Resources'] as Record<string, Resource>,
  )) {
    for (const id of nagRules(resource)) (byType[resource.Type] ??= new Set()).add(id);
  }
  return Object.fromEntries(
    Object.entries(byType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, ids]) => [type, [...ids].sort()]),
  );
}

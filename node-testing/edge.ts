// The local AWS edge (STS + API Gateway) for tests and benches, trusting a test
// token issuer, with handlers that record the events they get.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handlerNames, type HandlerName, type LambdaHandler } from '../api/handlers';
import { CredentialStore } from '../local/aws/credentials';
import type { GatewayLimits } from '../local/aws/gateway-limits';
import { startAwsEdge } from '../local/aws/index';
import type { RolePolicies } from '../local/aws/role-policies';
import type { LocalS3 } from '../local/aws/s3/index';
import type { LocalSecrets } from '../local/aws/secrets';
import { aws, clientId } from '../local/settings';
import type { TokenIssuer } from './token-issuer';

export const ACCOUNT = aws.account;
export const REGION = aws.region;
export const API_ID = aws.apiId;
export const CLIENT_ID = clientId;
/** The admins the test edge's admin role trusts, unless a test names others. */
export const ADMIN_SUBS = ['auth0|admin1'] as const;

export type Calls = { handler: HandlerName; event: APIGatewayProxyEvent }[];

/** Handlers that record their events and echo who called. */
export function recordingHandlers(calls: Calls): Record<HandlerName, LambdaHandler> {
  const make =
    (handler: HandlerName) =>
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      calls.push({ handler, event });
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ handler, user: event.requestContext.identity.userArn }),
      };
    };
  return Object.fromEntries(handlerNames.map((n) => [n, make(n)])) as Record<
    HandlerName,
    LambdaHandler
  >;
}

export async function startTestEdge(options: {
  /** Who issues the ID tokens STS accepts: a test issuer, or the local IdP itself. */
  idp: Pick<TokenIssuer, 'issuer' | 'jwksUrl'>;
  now?: () => number;
  credentials?: CredentialStore;
  handlers?: Partial<Record<HandlerName, LambdaHandler>>;
  /** Small limits and timeouts, so a test need not send 10 MB or wait 29 s. */
  limits?: Partial<GatewayLimits>;
  secrets?: LocalSecrets;
  /** The roles' policies Secrets Manager evaluates (default the browser roles'). */
  policies?: RolePolicies;
  /** The admin role's list (default {@link ADMIN_SUBS}). */
  admins?: readonly string[];
  /** The local S3 the edge serves buckets from (./local/aws/s3/), opened. */
  s3?: LocalS3;
}) {
  const calls: Calls = [];
  const credentials = options.credentials ?? new CredentialStore({ now: options.now });
  const lines: string[] = [];
  const edge = await startAwsEdge({
    port: 0,
    ...aws,
    credentials,
    handlers: { ...recordingHandlers(calls), ...options.handlers },
    identity: {
      issuer: options.idp.issuer,
      jwksUrl: options.idp.jwksUrl,
      audience: clientId,
      admins: options.admins ?? ADMIN_SUBS,
    },
    now: options.now,
    limits: options.limits,
    secrets: options.secrets,
    policies: options.policies,
    s3: options.s3,
    log: (line) => lines.push(line),
  });
  return { edge, calls, credentials, lines };
}

/** Temporary credentials, as the SigV4 signer and aws-api-gateway-client take them. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** AssumeRoleWithWebIdentity with the real SDK client against an edge's STS. */
export async function webIdentityCredentials(
  endpoint: string,
  input: { roleArn: string; token: string; sessionName: string },
): Promise<SessionCredentials> {
  const sts = new STSClient({ region: REGION, endpoint, maxAttempts: 1 });
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        WebIdentityToken: input.token,
      }),
    );
    const c = out.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}

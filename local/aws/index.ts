/**
 * The local AWS edge: STS and Secrets Manager (`POST /`), API Gateway
 * (`/{stage}/…`) and S3 (`/{bucket}/{key}`) on one loopback port, like LocalStack's edge port. See README.md
 * in this folder.
 */
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { configuredHosts } from '../host-check';
import { urls } from '../settings';
import type { CredentialStore } from './credentials';
import { edgeRouter } from './edge-router';
import { listen, type RunningEdge } from './edge-server';
import { Gateway } from './gateway';
import type { GatewayLimits } from './gateway-limits';
import type { Invoke } from './invoke';
import { browserRolePolicies, type RolePolicies } from './role-policies';
import type { LocalS3 } from './s3/index';
import { LocalSecrets } from './secrets';
import { ServiceAuthorizer } from './service-auth';
import { Sts } from './sts';

export { CredentialStore } from './credentials';
export type { StoredCredentials } from './credentials';
export type { RunningEdge } from './edge-server';

export interface AwsEdgeOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  region: string;
  account: string;
  apiId: string;
  credentials: CredentialStore;
  /** Handlers to invoke in this process (tests' stand-ins) unless `invoke` is given. */
  handlers?: Record<HandlerName, LambdaHandler>;
  /** How the gateway invokes a function (see invoke.ts); the local cloud's runs Node 24 processes. */
  invoke?: Invoke;
  /** Overrides of API Gateway's and Lambda's limits (default: the API definition's). */
  limits?: Partial<GatewayLimits>;
  /** The secrets Secrets Manager serves (GetSecretValue); default none. */
  secrets?: LocalSecrets;
  /**
   * The roles' identity policies, which Secrets Manager evaluates for a caller with
   * temporary credentials (role-policies.ts); default the browser roles' only.
   */
  policies?: RolePolicies;
  /**
   * The one OIDC provider STS trusts (the IdP): issuer, JWKS url and client id
   * (audience); and the database users (`sub`s) the admin role trusts.
   */
  identity: { issuer: string; jwksUrl: string; audience: string; admins: readonly string[] };
  now?: () => number;
  /** One line per request: method path -> status, allowed/refused and why. */
  log?: (line: string) => void;
  /** The web origins STS answers (CORS); default the local site's. */
  webOrigins?: readonly string[];
  /** Names besides loopback that reach the edge (host:port); default PETS_ALLOWED_HOSTS. */
  allowedHosts?: readonly string[];
  /** The local S3 (./s3/), opened; without it the edge serves no buckets. */
  s3?: LocalS3;
}

export async function startAwsEdge(options: AwsEdgeOptions): Promise<RunningEdge> {
  const allowedHosts = options.allowedHosts ?? configuredHosts();
  const now = options.now ?? Date.now;
  const sts = new Sts({
    account: options.account,
    credentials: options.credentials,
    identity: options.identity,
    now,
  });
  const gateway = new Gateway({
    region: options.region,
    account: options.account,
    apiId: options.apiId,
    credentials: options.credentials,
    handlers: options.handlers,
    invoke: options.invoke,
    limits: options.limits,
    now,
  });
  const secrets = options.secrets ?? new LocalSecrets(options.account, options.region);
  const webOrigins = new Set(options.webOrigins ?? [new URL(urls.site).origin]);
  const secretsAuth = new ServiceAuthorizer({
    service: 'secretsmanager',
    region: options.region,
    account: options.account,
    credentials: options.credentials,
    policies: options.policies ?? browserRolePolicies(options),
  });
  const serve = edgeRouter({ sts, gateway, secrets, secretsAuth, webOrigins, s3: options.s3 });
  return listen(options.port, serve, options.log ?? (() => undefined), allowedHosts);
}

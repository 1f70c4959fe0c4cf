/**
 * Authentication and authorization for the local data services (DynamoDB, Secrets
 * Manager), as AWS does for a service's own API: the SigV4 signature of the
 * `Authorization` header (the verifier of sigv4.ts, scoped to the service), then the
 * caller's identity policy on each action and resource the call touches (iam.ts).
 * The service credentials (service-credentials.ts) have full access; temporary
 * credentials from the local STS get their role's policy (role-policies.ts).
 */
import type { PolicyDocument } from '../../api/policies';
import type { CredentialStore } from './credentials';
import { EXPIRED_SECURITY_TOKEN, GatewayError } from './errors';
import type { IncomingRequest } from './gateway-request';
import { evaluate } from './iam';
import type { RolePolicies } from './role-policies';
import { serviceCredentialsArn, serviceSigningKey } from './service-credentials';
import { verifySignature } from './sigv4';
import type { SigningKey } from './sigv4-credential';

/** The error types AWS's data services answer a refused call with. */
export type ServiceErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'ExpiredTokenException'
  | 'InvalidSignatureException'
  | 'AccessDeniedException';

/** A call refused before the service did anything; each service serialises it its own way. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly type: ServiceErrorType,
    message: string,
    /** For the log only. */
    readonly reason: string = type,
  ) {
    super(message);
  }
}

/** The verified caller: who it is, and what it may do (undefined: everything). */
export interface ServiceCaller {
  accessKeyId: string;
  /** The assumed-role ARN, or the account root for the service credentials. */
  arn: string;
  policy?: PolicyDocument;
}

export interface ServiceAuthOptions {
  /** The SigV4 service name: `dynamodb`, `secretsmanager`. */
  service: string;
  region: string;
  account: string;
  /** The local STS's credentials; without it only the service credentials are known. */
  credentials?: CredentialStore;
  policies: RolePolicies;
  /**
   * The callers are server-side processes on the real clock (the Lambdas, the
   * developer's tools), so the skew check reads it, not the e2e tests' adjustable one.
   */
  now?: () => number;
  /** S3's SigV4 rules (sigv4-credential.ts), and its 15 minutes of allowed skew. */
  dialect?: 's3';
  maxSkewMs?: number;
}

export class ServiceAuthorizer {
  readonly #options: ServiceAuthOptions;

  constructor(options: ServiceAuthOptions) {
    this.#options = options;
  }

  /** The signature's caller, or a ServiceError (unsigned, unknown key, bad or stale signature). */
  async authenticate(request: IncomingRequest): Promise<ServiceCaller> {
    const { service, region } = this.#options;
    let accessKeyId: string;
    try {
      ({ accessKeyId } = await verifySignature(request, {
        region,
        service,
        now: (this.#options.now ?? Date.now)(),
        dialect: this.#options.dialect,
        maxSkewMs: this.#options.maxSkewMs,
        lookup: (id) => this.signingKey(id),
      }));
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // API Gateway says UnrecognizedClient for an expired key; the data services ExpiredToken.
      const type = error.message === EXPIRED_SECURITY_TOKEN ? 'ExpiredTokenException' : error.type;
      throw new ServiceError(type as ServiceErrorType, error.message, error.reason);
    }
    return this.callerOf(accessKeyId);
  }

  /** The secret (and token, expiry) behind an access key, if the local account knows it. */
  signingKey(accessKeyId: string): SigningKey | undefined {
    return serviceSigningKey(accessKeyId) ?? this.#options.credentials?.lookup(accessKeyId);
  }

  /** Who a verified access key is, and their policy (S3's POST uploads verify their own way). */
  callerOf(accessKeyId: string): ServiceCaller {
    const { account, credentials } = this.#options;
    if (serviceSigningKey(accessKeyId)) return { accessKeyId, arn: serviceCredentialsArn(account) };
    const stored = credentials?.lookup(accessKeyId);
    if (!stored) throw new Error('verified a key the store does not know');
    return {
      accessKeyId,
      arn: stored.assumedRoleArn,
      policy: this.#options.policies.get(stored.roleArn) ?? {
        Version: '2012-10-17',
        Statement: [],
      },
    };
  }

  /** Throws AccessDeniedException unless the caller's policy allows `action` on `resource`. */
  authorize(caller: ServiceCaller, action: string, resource: string): void {
    if (!caller.policy) return;
    const decision = evaluate([caller.policy], { action, resource });
    if (decision === 'Allow') return;
    const why =
      decision === 'ExplicitDeny'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${action} action`;
    throw new ServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
      `${decision} for ${caller.arn}`,
    );
  }
}

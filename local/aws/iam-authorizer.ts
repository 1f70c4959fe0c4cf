/**
 * API Gateway's AWS_IAM authorization of a method: the SigV4 signature (sigv4.ts),
 * then the caller's role policy (api/policies.ts), evaluated as IAM does (iam.ts),
 * must allow execute-api:Invoke on the method's ARN.
 */
import { api, type Route } from '../../api/http-api';
import { apiArn, rolePolicy, type PolicyDocument } from '../../api/policies';
import { roleArn, roleNames } from '../../api/roles';
import type { CredentialStore, StoredCredentials } from './credentials';
import { GatewayError } from './errors';
import { evaluate } from './iam';
import type { IncomingRequest } from './gateway-request';
import { verifySignature } from './sigv4';

export interface IamAuthorizerOptions {
  region: string;
  account: string;
  apiId: string;
  credentials: CredentialStore;
  now: () => number;
}

export class IamAuthorizer {
  readonly #options: IamAuthorizerOptions;
  readonly #policies = new Map<string, PolicyDocument>();
  readonly #apiArn: string;

  constructor(options: IamAuthorizerOptions) {
    this.#options = options;
    this.#apiArn = apiArn(options.region, options.account, options.apiId);
    for (const role of roleNames) {
      this.#policies.set(roleArn(role, options.account), rolePolicy(role, this.#apiArn));
    }
  }

  /**
   * arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}, with the
   * request's real path (`…/PUT/pets/42`): IAM never sees the resource template.
   */
  methodArn(method: string, path: string): string {
    return `${this.#apiArn}/${api.stage}/${method}${path}`;
  }

  /**
   * Signature, then the role's policy on the method ARN of `path` (the request's
   * path below the stage). Returns the caller or throws a GatewayError.
   */
  async authorize(
    request: IncomingRequest,
    route: Route,
    path: string = route.path,
  ): Promise<StoredCredentials> {
    const now = this.#options.now();
    const caller = await verifySignature(request, {
      region: this.#options.region,
      service: 'execute-api',
      now,
      lookup: (id) => this.#options.credentials.lookup(id),
    });
    const stored = this.#options.credentials.lookup(caller.accessKeyId);
    if (!stored) throw new Error('verified a key the store does not know');
    const resource = this.methodArn(route.method, path);
    const policy = this.#policies.get(stored.roleArn);
    const decision = policy
      ? evaluate([policy], { action: 'execute-api:Invoke', resource })
      : 'ImplicitDeny';
    if (decision !== 'Allow') {
      throw new GatewayError(
        'AccessDeniedException',
        `User: ${stored.assumedRoleArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
        `${decision} for ${stored.roleName}`,
      );
    }
    return stored;
  }
}

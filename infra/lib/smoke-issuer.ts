import { GetOpenIDConnectProviderCommand, type IAMClient } from '@aws-sdk/client-iam';
import { type AppConfig, auth0Endpoints } from '../../api/app-config';
import { issuerKey, oidcProviderArn } from '../../api/policies';

/**
 * The smoke test's issuer check: STS finds the IAM OIDC provider by the ID token's
 * `iss`, character for character, so the tenant's discovery `issuer` must be the
 * provider's URL exactly, Auth0's trailing slash included.
 */

/** Reads the URL IAM holds for a provider ARN; absent when IAM cannot be asked. */
export type ProviderUrlLookup = (providerArn: string) => Promise<string>;

const OIDC_PROVIDER_ARN = /^arn:aws[\w-]*:iam::(\d{12}):oidc-provider\/(.+)$/;
const ACCOUNT_OF_ARN = /^arn:aws[\w-]*:iam::(\d{12}):/;

/**
 * The URL IAM knows a provider by, from its ARN: the ARN ends with the URL without
 * its `https://` (`…:oidc-provider/HOST/PATH` → `https://HOST/PATH`), slash and all.
 */
export function providerUrlFromArn(arn: string): string {
  const match = OIDC_PROVIDER_ARN.exec(arn);
  if (!match) throw new Error(`${arn} is not an IAM OIDC provider ARN`);
  return `https://${match[2] as string}`;
}

/**
 * The tenant's provider: config.json's `credentials.principal` when it names an OIDC
 * provider, otherwise the ARN the stack gives it (infra/lib/auth0-provider-stack.ts):
 * in the roles' account, at the tenant's issuer.
 */
export function providerArnOf(raw: unknown, config: AppConfig): string {
  const credentials = (raw as { credentials?: { principal?: unknown } }).credentials;
  const principal = credentials?.principal;
  if (typeof principal === 'string' && OIDC_PROVIDER_ARN.test(principal)) return principal;
  const account = ACCOUNT_OF_ARN.exec(config.credentials.roles.admin)?.[1];
  if (!account) throw new Error(`No account in ${config.credentials.roles.admin}`);
  return oidcProviderArn(
    account,
    config.auth0.issuer ?? auth0Endpoints(config.auth0.domain).issuer,
  );
}

/**
 * GetOpenIDConnectProvider's `Url`, which IAM returns without the scheme
 * (`tenant.auth0.com/`), as the https URL a token's `iss` must equal.
 */
export function iamProviderUrl(iam: IAMClient): ProviderUrlLookup {
  return async (providerArn) => {
    const answer = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }),
    );
    const url = answer.Url ?? '';
    return /^https:\/\//i.test(url) ? url : `https://${url}`;
  };
}

export interface IssuerCheck {
  ok: boolean;
  reason: string;
}

/**
 * Compares the discovery `issuer` with the provider's URL. On loopback the local IdP
 * speaks http and there is no IAM API, so the comparison is of the ARN's key, and the
 * reason says so; elsewhere the URL must match exactly, and IAM confirms it when asked.
 */
export async function compareIssuer(options: {
  issuer: string;
  providerArn: string;
  loopback: boolean;
  lookup?: ProviderUrlLookup;
}): Promise<IssuerCheck> {
  const { issuer, providerArn, loopback, lookup } = options;
  const fromArn = providerUrlFromArn(providerArn);
  if (loopback) {
    const same = issuerKey(issuer) === issuerKey(fromArn);
    return {
      ok: same,
      reason: same
        ? `discovery's issuer ${issuer} is the provider ${providerArn} (compared by the ARN: the local cloud has no IAM API)`
        : `discovery's issuer ${issuer} is not the provider's URL ${fromArn} (from ${providerArn}): STS would find no provider for its tokens`,
    };
  }
  if (issuer !== fromArn) {
    return {
      ok: false,
      reason: `discovery's issuer ${issuer} is not the provider's URL ${fromArn} (from ${providerArn}): STS would answer every sign-in InvalidIdentityToken`,
    };
  }
  if (!lookup) {
    return {
      ok: true,
      reason: `discovery's issuer ${issuer} is the URL of ${providerArn} (from the ARN only: no AWS credentials to ask IAM)`,
    };
  }
  let iamUrl: string;
  try {
    iamUrl = await lookup(providerArn);
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, reason: `IAM GetOpenIDConnectProvider(${providerArn}) failed: ${why}` };
  }
  return iamUrl === issuer
    ? { ok: true, reason: `discovery's issuer ${issuer} is IAM's provider URL (${providerArn})` }
    : {
        ok: false,
        reason: `discovery's issuer ${issuer} is not IAM's provider URL ${iamUrl} (${providerArn})`,
      };
}

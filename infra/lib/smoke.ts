import type { AppConfig } from '../../api/app-config';
import { parseAppConfig } from '../../api/app-config-parser';
import { AppConfigError, auth0Endpoints } from '../../api/app-config';
import { pageHeaders, strictTransportSecurity } from '../../api/csp';
import { compareIssuer, providerArnOf, type ProviderUrlLookup } from './smoke-issuer';

/**
 * `npm run smoke -- <site URL>`: what a deployment must answer before anyone signs in,
 * checked from outside with plain HTTP, as a browser and an attacker see it.
 */

export interface SmokeResult {
  check: string;
  ok: boolean;
  reason: string;
}

export interface SmokeOptions {
  siteUrl: string;
  /** Reads IAM's URL for a provider ARN; absent without AWS credentials. Never used on loopback. */
  lookupProviderUrl?: ProviderUrlLookup;
  timeoutMs?: number;
}

/** The pages CloudFront serves with the response headers policy (the prerendered ones too). */
const pages = ['/', '/login'];

/** What the site's host is when it is this machine: the local cloud, which has no IAM. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]'
  );
}

/** Runs every check in order; a check that needs config.json fails when it is missing. */
export async function smoke(options: SmokeOptions): Promise<SmokeResult[]> {
  const site = options.siteUrl.replace(/\/+$/, '');
  const get = (url: string, init?: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  const attempt = async (
    check: string,
    run: () => Promise<Omit<SmokeResult, 'check'>>,
  ): Promise<SmokeResult> => {
    try {
      return { check, ...(await run()) };
    } catch (error) {
      return { check, ok: false, reason: errorText(error) };
    }
  };

  let raw: unknown;
  let config: AppConfig | undefined;
  const results: SmokeResult[] = [];
  results.push(
    await attempt('config.json', async () => {
      const response = await get(`${site}/config.json`);
      if (!response.ok) {
        return { ok: false, reason: `GET ${site}/config.json answered ${response.status}` };
      }
      raw = JSON.parse(await response.text());
      config = parseAppConfig(raw);
      return {
        ok: true,
        reason: `parses with the app's parser (${config.credentials.mode}, API ${config.api.invokeUrl})`,
      };
    }),
  );

  results.push(await attempt('security headers', () => checkHeaders(site, config, get)));
  const needConfig = (check: string, run: (c: AppConfig) => Promise<Omit<SmokeResult, 'check'>>) =>
    config
      ? attempt(check, () => run(config as AppConfig))
      : Promise.resolve({ check, ok: false, reason: 'not run: it needs a valid config.json' });

  results.push(
    await needConfig('public GET /pets', async (c) => {
      const response = await get(`${c.api.invokeUrl}/pets`);
      const body: unknown = JSON.parse(await response.text());
      return response.status === 200 && Array.isArray(body)
        ? { ok: true, reason: `200, ${body.length} pets on the first page` }
        : {
            ok: false,
            reason: `GET ${c.api.invokeUrl}/pets answered ${response.status}, not a JSON array`,
          };
    }),
  );
  results.push(await needConfig('unsigned write refused', (c) => checkUnsignedWrite(c, get)));
  results.push(
    await needConfig('issuer = IAM provider', async (c) => {
      const discovery = `${auth0Endpoints(c.auth0.domain).rootUrl}/.well-known/openid-configuration`;
      const response = await get(discovery);
      if (!response.ok)
        return { ok: false, reason: `GET ${discovery} answered ${response.status}` };
      const { issuer } = (await response.json()) as { issuer?: unknown };
      if (typeof issuer !== 'string') return { ok: false, reason: `${discovery} has no issuer` };
      const loopback = isLoopback(site);
      return compareIssuer({
        issuer,
        providerArn: providerArnOf(raw, c),
        loopback,
        lookup: loopback ? undefined : options.lookupProviderUrl,
      });
    }),
  );
  return results;
}

/** Every page carries api/csp.ts's headers for this config.json, and HSTS over https. */
async function checkHeaders(
  site: string,
  config: AppConfig | undefined,
  get: (url: string) => Promise<Response>,
): Promise<Omit<SmokeResult, 'check'>> {
  const problems: string[] = [];
  const https = site.startsWith('https:');
  for (const page of pages) {
    const response = await get(`${site}${page}`);
    const headers = response.headers;
    if (!headers.get('content-security-policy')) {
      problems.push(`${page} has no Content-Security-Policy`);
    }
    if (config) {
      for (const [name, value] of Object.entries(pageHeaders(config))) {
        const sent = headers.get(name);
        if (sent === null) problems.push(`${page} has no ${name}`);
        else if (sent !== value) problems.push(`${page}'s ${name} is "${sent}", not "${value}"`);
      }
    }
    const hsts = headers.get('strict-transport-security') ?? '';
    const maxAge = Number(/max-age=(\d+)/i.exec(hsts)?.[1] ?? 0);
    if (
      https &&
      (maxAge < strictTransportSecurity.maxAgeSeconds || !/includeSubDomains/i.test(hsts))
    ) {
      problems.push(`${page}'s Strict-Transport-Security is "${hsts}"`);
    }
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  if (!config)
    return { ok: false, reason: 'CSP present, but its origins need a valid config.json' };
  const count = Object.keys(pageHeaders(config)).length + (https ? 1 : 0);
  return {
    ok: true,
    reason: `${pages.join(' and ')} carry the ${count} headers of api/csp.ts${https ? ' and HSTS' : ' (no HSTS over http)'}`,
  };
}

/**
 * An unsigned write to an IAM route: API Gateway refuses it before any Lambda runs,
 * 403 with `x-amzn-ErrorType: MissingAuthenticationTokenException` and the message
 * "Missing Authentication Token". The body is no valid pet, so even an open route
 * would change nothing.
 */
async function checkUnsignedWrite(
  config: AppConfig,
  get: (url: string, init?: RequestInit) => Promise<Response>,
): Promise<Omit<SmokeResult, 'check'>> {
  const url = `${config.api.invokeUrl}/pets/smoke-test`;
  const response = await get(url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  // API Gateway may append `:http://internal.amazon.com/…` to the type.
  const type = (response.headers.get('x-amzn-errortype') ?? '').split(':')[0];
  const text = await response.text();
  const ok = response.status === 403 && type === 'MissingAuthenticationTokenException';
  return {
    ok,
    reason: ok
      ? `PUT ${new URL(url).pathname} without a signature: 403 ${type}`
      : `PUT ${url} without a signature answered ${response.status} ${type || 'with no x-amzn-ErrorType'}: ${text.slice(0, 200)}`,
  };
}

function errorText(error: unknown): string {
  if (error instanceof AppConfigError) return `${error.message} ${error.problems.join(' ')}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}

/** One line per check, ✓ or ✗ and the reason. */
export function formatResults(results: readonly SmokeResult[]): string {
  return results.map((r) => `${r.ok ? '✓' : '✗'} ${r.check}: ${r.reason}`).join('\n');
}

/** What no unattended check can show: the sign-ins and what each role may do. */
export function nextByHand(siteUrl: string): string[] {
  const site = siteUrl.replace(/\/+$/, '');
  return [
    `Open ${site}: without a session it shows the Log in page.`,
    'Sign in as an admin (a database user named in -c admins) and add a pet: it is listed.',
    'In another browser, sign in as a buyer (a social connection) and buy that pet: it shows as sold.',
    'As the admin, open Sales: the purchase is listed. As the buyer, /sales leads back to the store.',
    'Log out of both: each browser is back on the Log in page.',
  ];
}

import { InjectionToken, type Provider } from '@angular/core';

/** The runtime configuration read from `/config.json` (keys fixed by DESIGN.md). */
export interface AppConfig {
  auth0: {
    /** A host (`tenant.auth0.com`, meaning https://) or a root URL (`http://localhost:4400`). */
    domain: string;
    clientId: string;
    /** Optional: defaults to `https://{domain}/`, or `{domain}/` when the domain is a URL. */
    issuer?: string;
    /** Optional: defaults to `{issuer}.well-known/jwks.json`. */
    jwksUri?: string;
  };
  api: { invokeUrl: string; region: string };
  credentials: {
    mode: 'web-identity' | 'delegation';
    /** Absent means the real regional STS. */
    stsEndpoint?: string;
    roles: { admin: string; buyer: string };
    /** Delegation only: the SAML/OIDC provider ARN. */
    principal?: string;
    /** Web identity: how long STS credentials last, 900–43200 s (default 3600, STS's own). */
    durationSeconds?: number;
  };
}

/** Why `/config.json` could not be used, listing every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

export const APP_CONFIG = new InjectionToken<AppConfig>('APP_CONFIG');

export function provideAppConfig(config: AppConfig): Provider {
  return { provide: APP_CONFIG, useValue: config };
}

const ARN = /^arn:aws[\w-]*:iam::\d{12}:(role|saml-provider|oidc-provider)\/.+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Checks the shape of config.json and reports every problem at once, so whoever
 * deploys a bucket fixes the file in one go. Hand-written rather than a schema
 * library: ten keys do not justify kilobytes in the initial bundle.
 */
export function parseAppConfig(raw: unknown): AppConfig {
  const problems: string[] = [];
  const section = (name: string): Record<string, unknown> => {
    const value = isRecord(raw) ? raw[name] : undefined;
    if (!isRecord(value)) {
      problems.push(`"${name}" must be an object.`);
      return {};
    }
    return value;
  };
  const text = (obj: Record<string, unknown>, path: string, key: string, optional = false) => {
    const value = obj[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`"${path}.${key}" must be a non-empty string.`);
      return '';
    }
    return value.trim();
  };
  const url = (obj: Record<string, unknown>, path: string, key: string, optional = false) => {
    const value = text(obj, path, key, optional);
    if (value && !isHttpUrl(value)) problems.push(`"${path}.${key}" must be an http(s) URL.`);
    return value;
  };
  const arn = (obj: Record<string, unknown>, path: string, key: string) => {
    const value = text(obj, path, key);
    if (value && !ARN.test(value)) problems.push(`"${path}.${key}" must be an IAM ARN.`);
    return value ?? '';
  };

  if (!isRecord(raw)) {
    throw new ConfigError('config.json must hold a JSON object.', ['The file is not an object.']);
  }
  const auth0 = section('auth0');
  const api = section('api');
  const credentials = section('credentials');
  const roles = isRecord(credentials['roles']) ? credentials['roles'] : {};
  if (!isRecord(credentials['roles']) && isRecord(raw['credentials'])) {
    problems.push('"credentials.roles" must be an object.');
  }

  const domain = text(auth0, 'auth0', 'domain') ?? '';
  if (domain && /^https?:/i.test(domain) && !isHttpUrl(domain)) {
    problems.push('"auth0.domain" must be a host name or an http(s) URL.');
  }
  const mode = credentials['mode'];
  if (mode !== 'web-identity' && mode !== 'delegation') {
    problems.push('"credentials.mode" must be "web-identity" or "delegation".');
  }
  const config: AppConfig = {
    auth0: {
      domain: domain.replace(/\/+$/, ''),
      clientId: text(auth0, 'auth0', 'clientId') ?? '',
      issuer: url(auth0, 'auth0', 'issuer', true),
      jwksUri: url(auth0, 'auth0', 'jwksUri', true),
    },
    api: {
      invokeUrl: (url(api, 'api', 'invokeUrl') ?? '').replace(/\/+$/, ''),
      region: text(api, 'api', 'region') ?? '',
    },
    credentials: {
      mode: mode === 'delegation' ? 'delegation' : 'web-identity',
      stsEndpoint: url(credentials, 'credentials', 'stsEndpoint', true),
      roles: {
        admin: arn(roles, 'credentials.roles', 'admin'),
        buyer: arn(roles, 'credentials.roles', 'buyer'),
      },
    },
  };
  const duration = credentials['durationSeconds'];
  if (duration !== undefined) {
    if (
      typeof duration === 'number' &&
      Number.isInteger(duration) &&
      duration >= 900 &&
      duration <= 43200
    ) {
      config.credentials.durationSeconds = duration;
    } else {
      problems.push(
        '"credentials.durationSeconds" must be a whole number of seconds from 900 to 43200.',
      );
    }
  }
  if (mode === 'delegation')
    config.credentials.principal = arn(credentials, 'credentials', 'principal');
  if (problems.length > 0) {
    throw new ConfigError('config.json is not valid.', problems);
  }
  return config;
}

/** Fetches and validates `/config.json`; never cached, so a redeployed file takes effect at once. */
export async function loadAppConfig(
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  url = '/config.json',
): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store' });
  } catch {
    throw new ConfigError('config.json could not be loaded.', [`The request for ${url} failed.`]);
  }
  if (!response.ok) {
    throw new ConfigError('config.json is missing.', [
      `${url} answered ${response.status}; the deployment must publish it next to index.html.`,
    ]);
  }
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError('config.json is not valid.', ['The file is not valid JSON.']);
  }
  return parseAppConfig(raw);
}

/** The Auth0 root URL: auth0-js treats a domain that starts with `http` as one. */
export function auth0RootUrl(config: AppConfig): string {
  const { domain } = config.auth0;
  return /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
}

/**
 * The auth0-js `overrides` needed when the tenant is not `https://{domain}/` (the
 * local IdP, or an explicit issuer in config.json); undefined for a real tenant so
 * auth0-js keeps its own defaults.
 */
export function auth0Overrides(
  config: AppConfig,
): { __tenant: string; __token_issuer: string; __jwks_uri: string } | undefined {
  const { domain, issuer, jwksUri } = config.auth0;
  const isUrl = /^https?:\/\//i.test(domain);
  if (!isUrl && !issuer && !jwksUri) return undefined;
  const tokenIssuer = issuer ?? `${auth0RootUrl(config)}/`;
  return {
    __tenant: isUrl ? new URL(domain).hostname.split('.')[0] : domain.split('.')[0],
    __token_issuer: tokenIssuer,
    __jwks_uri: jwksUri ?? `${tokenIssuer.replace(/\/?$/, '/')}.well-known/jwks.json`,
  };
}

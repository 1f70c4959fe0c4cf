import { InjectionToken, type Provider } from '@angular/core';
import { type AppConfig, AppConfigError, auth0Endpoints, jwksUriOf } from '../../../api/app-config';

export type { AppConfig };

export const APP_CONFIG = new InjectionToken<AppConfig>('APP_CONFIG');

export function provideAppConfig(config: AppConfig): Provider {
  return { provide: APP_CONFIG, useValue: config };
}

/** Fetches and validates `/config.json`; never cached, so a redeployed file takes effect at once. */
export async function loadAppConfig(
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  url = '/config.json',
): Promise<AppConfig> {
  // The parser is a chunk of its own, fetched beside the file: nothing waits for it
  // that would not wait for config.json, and the initial JavaScript is smaller.
  const parser = import('../../../api/app-config-parser');
  parser.catch(() => undefined); // awaited below, unless the file fails first
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store' });
  } catch {
    throw new AppConfigError('config.json could not be loaded.', [
      `The request for ${url} failed.`,
    ]);
  }
  if (!response.ok) {
    throw new AppConfigError('config.json is missing.', [
      `${url} answered ${response.status}; the deployment must publish it next to index.html.`,
    ]);
  }
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new AppConfigError('config.json is not valid.', ['The file is not valid JSON.']);
  }
  return (await parser).parseAppConfig(raw);
}

/** The Auth0 root URL: auth0-js treats a domain that starts with `http` as one. */
export function auth0RootUrl(config: AppConfig): string {
  return auth0Endpoints(config.auth0.domain).rootUrl;
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
  const tokenIssuer = issuer ?? auth0Endpoints(domain).issuer;
  return {
    __tenant: isUrl ? new URL(domain).hostname.split('.')[0] : domain.split('.')[0],
    __token_issuer: tokenIssuer,
    __jwks_uri: jwksUri ?? jwksUriOf(tokenIssuer),
  };
}

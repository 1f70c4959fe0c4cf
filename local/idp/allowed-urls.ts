/**
 * The application's allowed URLs. Its callback URLs are also its allowed logout URLs
 * and web_message targets, as one list; they match exactly as URLs (after
 * normalisation, `http://localhost:4200` equals `http://localhost:4200/`), no
 * wildcards, and their origins are the ones allowed to call the IdP from the browser.
 */
export interface AllowedUrls {
  /** What oidc-provider accepts as redirect_uri: it compares strings, so both spellings. */
  redirectUris: string[];
  /** Normalised (URL.href) returnTo values that /v2/logout may redirect to. */
  returnTo: Set<string>;
  /** Origins that may call /userinfo and /delegation from the browser. */
  origins: Set<string>;
}

export function allowedUrls(redirectUris: readonly string[]): AllowedUrls {
  const returnTo = new Set(redirectUris.map((uri) => normaliseUrl(uri) ?? uri));
  return {
    redirectUris: [...new Set([...redirectUris, ...returnTo])],
    returnTo,
    origins: new Set(redirectUris.map((uri) => new URL(uri).origin)),
  };
}

export function normaliseUrl(value: string): string | undefined {
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

/**
 * config.json: the app's runtime configuration (docs/design.md fixes its keys). One
 * type and one parser (app-config-parser.ts), used by the app that reads the file and
 * by the two that write it (the local cloud, and `npm run publish` from the stack's
 * outputs), so a writer cannot produce a file the reader refuses.
 */
export interface AppConfig {
  auth0: {
    /** A host (`tenant.auth0.com`, meaning https://) or a root URL (`http://localhost:4400`). */
    domain: string;
    clientId: string;
    /** Optional: defaults to the domain's root URL with a trailing slash. */
    issuer?: string;
    /** Optional: defaults to `{issuer}.well-known/jwks.json`. */
    jwksUri?: string;
  };
  api: {
    invokeUrl: string;
    region: string;
    /**
     * Optional: where the public reads (`GET /pets`, `GET /pets/{id}`) are served
     * through the CDN (the site's URL and the stage, api/cdn.ts); absent, the app reads
     * them from invokeUrl.
     */
    publicUrl?: string;
    /**
     * Optional: where the browser posts a pet's photo (the S3 presigned POST's `url`
     * names it: in AWS the photos bucket's own host, locally the AWS edge). Only the
     * Content-Security-Policy reads it, so that connect-src lets the upload through;
     * absent, the page cannot upload.
     */
    photoUploadUrl?: string;
  };
  credentials: {
    mode: 'web-identity' | 'delegation';
    /** Absent means the real regional STS. */
    stsEndpoint?: string;
    roles: { admin: string; buyer: string };
    /** Delegation only: the SAML/OIDC provider ARN. */
    principal?: string;
    /** Web identity: how long STS credentials last (see appSessionDuration). */
    durationSeconds?: number;
  };
}

/** Why a config.json cannot be used, listing every problem found. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * An Auth0 tenant's URLs from its domain: a host means `https://{host}`, a URL is
 * taken as the root. The issuer is the root with a trailing slash (as Auth0 writes
 * `iss`), the key set is below it.
 */
export function auth0Endpoints(domain: string): {
  rootUrl: string;
  issuer: string;
  jwksUri: string;
} {
  const rootUrl = (/^https?:\/\//i.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, '');
  const issuer = `${rootUrl}/`;
  return { rootUrl, issuer, jwksUri: jwksUriOf(issuer) };
}

/** An issuer's JWKS, where Auth0 (and oidc-provider here) publish it. */
export function jwksUriOf(issuer: string): string {
  return `${issuer.replace(/\/?$/, '/')}.well-known/jwks.json`;
}

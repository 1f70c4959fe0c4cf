/**
 * The app's Content-Security-Policy and the other security headers its pages are
 * served with, defined once: the local cloud's static site (local/site.ts) builds them
 * from the config.json it serves, the CDK stack (infra/lib/security-headers.ts, a CloudFront
 * response headers policy) from the values publish writes into config.json.
 *
 * The policy needs no hashes or nonces, so it does not change from build to build:
 * the built pages have no inline script, inline style, style attribute, event-handler
 * attribute or <base> element (`scripts/check-html-csp.mjs` fails the build if one
 * appears), every script is a file of this origin, and every style is in the global
 * stylesheet (component styles would become <style> elements at run time, which
 * style-src 'self' blocks). base-uri 'none' is why index.html has no <base>: the
 * bundles' URLs are absolute (angular.json's deployUrl) and the router's base is
 * APP_BASE_HREF.
 *
 * The browser talks to four other origins, all named by config.json: Auth0 (the
 * /authorize iframe of the silent re-authentication, /userinfo, /delegation and the
 * JWKS that auth0-js fetches to verify ID tokens), API Gateway, STS (web identity
 * only; the regional endpoint when config.json names none, as the AWS SDK picks it),
 * and the photos bucket that an admin's page posts photos to (`api.photoUploadUrl`).
 * Sign-in and logout are top-level navigations, which the policy does not restrict.
 */
import { type AppConfig, auth0Endpoints } from './app-config';

/** What the policy depends on: the parts of config.json that name other origins. */
export interface CspConfig {
  auth0: Pick<AppConfig['auth0'], 'domain' | 'issuer' | 'jwksUri'>;
  api: Pick<AppConfig['api'], 'invokeUrl' | 'region' | 'photoUploadUrl'>;
  credentials: Pick<AppConfig['credentials'], 'mode' | 'stsEndpoint'>;
}

/**
 * The origin (`scheme://host[:port]`) of an http(s) URL. Plain string work rather than
 * `new URL()`, so that the CDK stack can pass values that are still tokens (the API
 * id and the region, `${Token[...]}`), which have no slash in them.
 */
export function originOf(url: string): string {
  const match = /^(https?):\/\/(?:[^/?#@]*@)?([^/?#]+)/i.exec(url);
  if (!match) throw new Error(`Not an http(s) URL: ${url}`);
  return `${(match[1] as string).toLowerCase()}://${match[2] as string}`;
}

/** STS as the app reaches it: config.json's endpoint, or the regional one. */
export function stsOrigin(config: CspConfig): string {
  return originOf(
    config.credentials.stsEndpoint ?? `https://sts.${config.api.region}.amazonaws.com`,
  );
}

/** The other origins the app may fetch from and frame, from config.json. */
export function cspOrigins(config: CspConfig): { connect: string[]; frame: string[] } {
  const auth0 = originOf(auth0Endpoints(config.auth0.domain).rootUrl);
  const connect = [
    auth0,
    ...[config.auth0.issuer, config.auth0.jwksUri].filter((u) => u !== undefined).map(originOf),
    originOf(config.api.invokeUrl),
    ...(config.api.photoUploadUrl !== undefined ? [originOf(config.api.photoUploadUrl)] : []),
    ...(config.credentials.mode === 'web-identity' ? [stsOrigin(config)] : []),
  ];
  return { connect: [...new Set(connect)], frame: [auth0] };
}

/** The Content-Security-Policy header's value for a deployment's config.json. */
export function contentSecurityPolicy(config: CspConfig): string {
  const { connect, frame } = cspOrigins(config);
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['connect-src', "'self'", ...connect],
    ['frame-src', ...frame],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Where a page may send its address: only the origin, and only over https. */
export const referrerPolicy = 'strict-origin-when-cross-origin';

/**
 * Browser features the app never uses, switched off for it and for the Auth0 iframe
 * it embeds. Only names Chromium knows: an unknown one is a console error.
 */
export const permissionsPolicy = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/** HSTS, sent by CloudFront only (browsers ignore it over http): two years, subdomains too. */
export const strictTransportSecurity = {
  maxAgeSeconds: 2 * 365 * 24 * 60 * 60,
  includeSubdomains: true,
};

/**
 * The headers every page gets besides HSTS: the local site sends exactly these, and the
 * stack's response headers policy sets the same values.
 */
export function pageHeaders(config: CspConfig): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(config),
    'Referrer-Policy': referrerPolicy,
    'Permissions-Policy': permissionsPolicy,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

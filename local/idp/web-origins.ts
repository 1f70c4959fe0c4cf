import type { KoaContextWithOIDC } from 'oidc-provider';

type Next = () => Promise<unknown>;

/**
 * The endpoints an application's page calls with XHR/fetch, each of which does work
 * for its caller (a token looked up, credentials issued). Auth0 lets only the
 * application's Allowed Origins (CORS) call them cross-origin.
 */
const crossOriginEndpoints = new Set(['/userinfo', '/delegation', '/oauth/token']);

/**
 * CORS for the application's origins only, as Auth0 gives it. A request from any
 * other page (an `Origin` that is neither the IdP's own nor allowed, `null`
 * included): a preflight gets 403, a call to a cross-origin endpoint gets 403 before
 * any work, and every other answer (pages, discovery, JWKS) loses its
 * Access-Control-* headers, which oidc-provider would otherwise send to any origin.
 * Top-level navigations (sign-in, `/authorize`, logout) are not CORS and are unchanged.
 */
export function webOrigins(allowed: ReadonlySet<string>) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    const origin = ctx.get('Origin');
    // The IdP's own pages (the sign-in forms) post with its own origin. (Koa's
    // `ctx.origin` is the Origin header itself, so it is spelled out here.)
    const own = `${ctx.protocol}://${ctx.host}`;
    if (!origin || origin === own || allowed.has(origin)) {
      await next();
      return;
    }
    if (ctx.method === 'OPTIONS' || crossOriginEndpoints.has(ctx.path)) {
      ctx.status = 403;
      ctx.body = { error: 'access_denied', error_description: 'Origin not allowed' };
      return;
    }
    await next();
    for (const name of Object.keys(ctx.response.headers)) {
      if (name.toLowerCase().startsWith('access-control-')) ctx.remove(name);
    }
  };
}

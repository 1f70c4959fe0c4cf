import type { KoaContextWithOIDC } from 'oidc-provider';
import { BodyError, readFields } from './body';
import { delegate, type DelegationSettings, OAuthError } from './delegation';

export interface DelegationRouteSettings extends DelegationSettings {
  /** Origins that may call it from the browser (CORS). */
  allowedOrigins: Set<string>;
}

type Next = () => Promise<unknown>;

/**
 * `POST /delegation` over HTTP: CORS for the app's origins, its preflight, the form
 * or JSON body, and every refusal as Auth0's `{ error, error_description }`. The
 * decision itself is delegation.ts's.
 */
export function delegationRoute(settings: DelegationRouteSettings) {
  const { allowedOrigins, ...delegation } = settings;
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.path !== '/delegation') {
      await next();
      return;
    }
    const origin = ctx.get('Origin');
    if (origin && allowedOrigins.has(origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Vary', 'Origin');
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'POST');
      ctx.set('Access-Control-Allow-Headers', 'Content-Type, Auth0-Client');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      if (ctx.method !== 'POST') throw new OAuthError(405, 'invalid_request', 'Use POST');
      const fields = await readFields(ctx.req);
      ctx.body = await delegate(fields, delegation);
    } catch (error) {
      const refusal = toDelegationError(error);
      delegation.log(`delegation: refused ${refusal.status} ${refusal.error}: ${refusal.message}`);
      ctx.status = refusal.status;
      ctx.body = { error: refusal.error, error_description: refusal.message };
    }
  };
}

/** STS refusals keep their meaning; anything else is the IdP's own fault. */
function toDelegationError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof BodyError)
    return new OAuthError(error.status, 'invalid_request', error.message);
  const name = (error as { name?: string } | undefined)?.name ?? '';
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new OAuthError(401, 'unauthorized', (error as Error).message);
  }
  return new OAuthError(500, 'server_error', 'Could not get AWS credentials');
}

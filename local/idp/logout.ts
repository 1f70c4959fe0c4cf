import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { normaliseUrl } from './allowed-urls';
import { messagePage, pageHeaders } from './pages';

export interface LogoutSettings {
  clientId: string;
  /** Normalised (URL.href) returnTo values that may be redirected to. */
  allowedReturnTo: Set<string>;
  log: (line: string) => void;
}

type Next = () => Promise<unknown>;

/**
 * Auth0's `/v2/logout?returnTo=&client_id=`: ends the IdP session at once (no
 * confirmation page, unlike OIDC RP-initiated logout) and redirects only to an
 * allowed URL; any other returnTo is refused before the session is touched, so the
 * IdP cannot be used as an open redirector.
 */
export function logout(provider: Provider, settings: LogoutSettings) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.path !== '/v2/logout' || ctx.method !== 'GET') {
      await next();
      return;
    }
    ctx.set(pageHeaders);
    const returnTo = single(ctx.query['returnTo']);
    const clientId = single(ctx.query['client_id']);
    if (clientId !== undefined && clientId !== settings.clientId) {
      settings.log('logout: refused, unknown client_id');
      ctx.status = 400;
      ctx.body = messagePage('Cannot log out', 'Unknown client_id.', true);
      return;
    }
    const target = returnTo === undefined ? undefined : normaliseUrl(returnTo);
    if (returnTo !== undefined && (!target || !settings.allowedReturnTo.has(target))) {
      settings.log('logout: refused, returnTo is not an allowed logout URL');
      ctx.status = 400;
      ctx.body = messagePage(
        'Cannot log out',
        'The returnTo URL is not in the allowed logout URLs of this application.',
        true,
      );
      return;
    }

    const session = await provider.Session.get(ctx);
    const who = session.accountId;
    await session.destroy();
    for (const name of [provider.cookieName('session'), `${provider.cookieName('session')}.sig`]) {
      ctx.cookies.set(name, null, { path: '/' });
    }
    settings.log(`logout: ${who ? `session of ${who} ended` : 'no session'}`);
    if (target) {
      ctx.status = 302;
      ctx.redirect(target);
      return;
    }
    ctx.status = 200;
    ctx.body = messagePage('Signed out', 'You are signed out. You can close this page.');
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

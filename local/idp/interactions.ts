import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { BodyError, readFields } from './body';
import type { LoginBrake } from './brute-force';
import { amazonLogin, databaseLogin } from './connections';
import { amazonPage, loginPage, messagePage, pageHeaders } from './pages';
import type { SocialDirectory, UserStore } from './users';

export interface InteractionSettings {
  appName: string;
  users: UserStore;
  social: SocialDirectory;
  brake: LoginBrake;
  log: (line: string) => void;
}

type Next = () => Promise<unknown>;

const route = /^\/interaction\/([\w-]+)(?:\/(login|amazon))?$/;

/**
 * The login pages oidc-provider sends the browser to (`/interaction/:uid`): the
 * database connection's form and the simulated Login with Amazon. What a submitted
 * form decides is the connection's (connections.ts); this shows the pages and ends
 * the interaction with the account that signed in.
 */
export function interactions(provider: Provider, settings: InteractionSettings) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    const match = route.exec(ctx.path);
    if (!match) return next();
    const [, uid = '', step] = match;
    const render = (status: number, html: string) => {
      ctx.status = status;
      ctx.set(pageHeaders);
      ctx.body = html;
    };

    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      settings.log(`login: expired or unknown interaction`);
      return render(
        400,
        messagePage(
          'Sign-in expired',
          'This sign-in page has expired. Go back to the app and sign in again.',
          true,
        ),
      );
    }
    if (details.uid !== uid)
      return render(400, messagePage('Sign-in expired', 'Start again from the app.', true));

    const page = { action: `/interaction/${uid}`, appName: settings.appName };
    if (ctx.method === 'GET' && !step) {
      // `connection=amazon` on /authorize goes straight to the social sign-in, as Auth0 does.
      if (details.params['connection'] === 'amazon') return render(200, amazonPage(page));
      return render(200, loginPage(page));
    }
    if (ctx.method === 'GET' && step === 'amazon') return render(200, amazonPage(page));
    if (ctx.method !== 'POST' || !step) return next();

    let fields: Record<string, string>;
    try {
      fields = await readFields(ctx.req);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return render(error.status, messagePage('Cannot sign in', error.message, true));
    }
    const email = (fields['email'] ?? '').trim();
    // The socket's address: X-Forwarded-For is not trusted (nothing proxies the IdP).
    const ip = ctx.req.socket.remoteAddress ?? '';
    const signIn =
      step === 'login'
        ? await databaseLogin(email, fields['password'] ?? '', ip, settings)
        : await amazonLogin(email, settings);
    if (!('accountId' in signIn)) {
      const form = step === 'login' ? loginPage : amazonPage;
      return render(signIn.status, form({ ...page, email: signIn.email, error: signIn.error }));
    }
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: signIn.accountId } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    return ctx.redirect(to);
  };
}

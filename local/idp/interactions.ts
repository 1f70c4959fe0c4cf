import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { databaseSub } from '../../api/roles';
import { BodyError, readFields } from './body';
import { blockedMessage, type LoginBrake } from './brute-force';
import { amazonPage, loginPage, messagePage, pageHeaders } from './pages';
import { emailProblem, maxEmailLength, type SocialDirectory, type UserStore } from './users';

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
 * database connection's form and the simulated Login with Amazon.
 */
export function interactions(provider: Provider, settings: InteractionSettings) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    const match = route.exec(ctx.path);
    if (!match) return next();
    const [, uid = '', step] = match;
    const action = `/interaction/${uid}`;
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

    const finish = async (accountId: string) => {
      const to = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { login: { accountId } },
        {
          mergeWithLastSubmission: false,
        },
      );
      ctx.status = 303;
      ctx.redirect(to);
    };
    const page = { action, appName: settings.appName };

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
    if (step === 'login') {
      // Checked before the brake so that nothing is kept for an address no one can have.
      if (email.length > maxEmailLength) {
        const error = emailProblem(email);
        return render(400, loginPage({ ...page, error }));
      }
      const { brake } = settings;
      // The socket's address: X-Forwarded-For is not trusted (nothing proxies the IdP).
      const ip = ctx.req.socket.remoteAddress ?? '';
      const blocked = () => {
        settings.log(`login: database connection, blocked for ${ip} (too many failed attempts)`);
        return render(429, loginPage({ ...page, email, error: blockedMessage }));
      };
      // A blocked pair's password is not even checked, the right one included.
      if (brake.isBlocked(email, ip)) return blocked();
      const user = await settings.users.authenticate(email, fields['password'] ?? '');
      // Guesses sent in parallel were all let in above; those that end after the block
      // began are refused too, so parallelism buys no extra guesses.
      if (brake.isBlocked(email, ip)) return blocked();
      if (!user) {
        if (brake.recordFailure(email, ip)) {
          // Auth0 emails the user a link that unblocks; here the block times out.
          settings.log(`login: database connection, ${ip} blocked for this account`);
        }
        settings.log('login: database connection, wrong email or password');
        // One message for an unknown email and a wrong password: no account enumeration.
        return render(401, loginPage({ ...page, email, error: 'Wrong email or password.' }));
      }
      brake.recordSuccess(email, ip);
      const sub = databaseSub(user.id);
      settings.log(`login: database connection, ${sub}`);
      return finish(sub);
    }
    const problem = emailProblem(email);
    if (problem) {
      // An over-long address is not echoed back into the page.
      const shown = email.length > maxEmailLength ? '' : email;
      return render(400, amazonPage({ ...page, email: shown, error: problem }));
    }
    const sub = await settings.social.remember(email);
    settings.log(`login: social connection (amazon), ${sub}`);
    return finish(sub);
  };
}

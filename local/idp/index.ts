import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { host } from '../settings';
import { jwksUriOf } from '../../api/app-config';
import { databaseSub } from '../../api/roles';
import { MemoryStorage } from './adapter';
import { BodyError, readFields } from './body';
import { LoginBrake } from './brute-force';
import { delegate, OAuthError, type AwsCredentials, type IssueAwsCredentials } from './delegation';
import { interactions } from './interactions';
import { loadOrCreateCookieKeys, loadOrCreateSigningKey, publicJwk } from './keys';
import { logout, normaliseUrl } from './logout';
import { createProvider } from './provider';
import { seededAdmin, SocialDirectory, UserStore } from './users';

export type { AwsCredentials, IssueAwsCredentials };
export { seededAdmin, seededUsers } from './users';

export interface IdpOptions {
  /** `http://localhost:<port>/`, with the trailing slash; derived from the port when absent. */
  issuer?: string;
  /** Listens on 127.0.0.1:port; 0 picks a free port (then leave `issuer` out). */
  port: number;
  /** Keys (jwks.json, cookie-keys.json) and users are kept here; created if missing. */
  dataDir: string;
  clientId: string;
  /**
   * The application's allowed callback URLs, which are also its allowed logout
   * URLs and web_message targets. Matched exactly as URLs (`http://localhost:4200`
   * and `http://localhost:4200/` are the same URL), no wildcards.
   */
  redirectUris: string[];
  /** Default 36000 (Auth0's default ID token lifetime, 10 hours). */
  idTokenTtlSeconds?: number;
  /** /delegation asks the local STS for the role's credentials through this. */
  issueAwsCredentials: IssueAwsCredentials;
  /** For the role ARNs. */
  account: string;
  /**
   * The admin list (api/roles.ts) that delegation applies, given the seeded admin's
   * `sub`, which only exists once the users are loaded. The caller decides it, so the
   * local STS can trust the same list ({@link RunningIdp.admins}).
   */
  admins: (seededAdminSub: string) => readonly string[];
  /** One line per request and per sign-in event; never tokens or passwords. */
  log?: (line: string) => void;
  /**
   * The clock that expires stored sessions and sign-ins and lifts login blocks: the
   * local cloud's adjustable one (local/clock.ts). Default `Date.now`.
   */
  now?: () => number;
}

export interface RunningIdp {
  issuer: string;
  jwksUrl: string;
  /** The admin list delegation applies (from {@link IdpOptions.admins}). */
  admins: readonly string[];
  close(): Promise<void>;
}

type Next = () => Promise<unknown>;

/** Starts the Auth0-compatible identity provider on loopback. */
export async function startIdp(options: IdpOptions): Promise<RunningIdp> {
  const log = options.log ?? ignore;
  await mkdir(options.dataDir, { recursive: true });
  const [signingKey, cookieKeys, users, social] = await Promise.all([
    loadOrCreateSigningKey(options.dataDir),
    loadOrCreateCookieKeys(options.dataDir),
    UserStore.open(options.dataDir),
    SocialDirectory.open(options.dataDir),
  ]);
  const seeded = users.findByEmail(seededAdmin.email);
  if (!seeded) throw new Error(`The seeded admin ${seededAdmin.email} is missing from the users`);
  const admins = options.admins(databaseSub(seeded.id));

  // The provider needs the issuer, which needs the port: listen first, then attach
  // the request handler (startIdp has not returned, so nobody calls before that).
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = options.issuer ?? `http://localhost:${port}/`;

  const now = options.now ?? Date.now;
  const storage = new MemoryStorage({ now });
  const brake = new LoginBrake({ now });
  const allowed = new Set(options.redirectUris.map((uri) => normaliseUrl(uri) ?? uri));
  const allowedOrigins = new Set(options.redirectUris.map((uri) => new URL(uri).origin));
  const provider = createProvider({
    issuer,
    clientId: options.clientId,
    // oidc-provider compares redirect_uri as a string: register both spellings.
    redirectUris: [...new Set([...options.redirectUris, ...allowed])],
    allowedOrigins,
    signingKey,
    cookieKeys,
    idTokenTtlSeconds: options.idTokenTtlSeconds ?? 36000,
    users,
    social,
    storage,
  });
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const responseType = ctx.oidc.params?.['response_type'];
    const mode = ctx.oidc.params?.['response_mode'] ?? 'fragment';
    log(`authorize: issued ${responseType} (${mode}) to ${ctx.oidc.session?.accountId}`);
  });
  provider.on('authorization.error', (_ctx: KoaContextWithOIDC, error: Error) => {
    log(`authorize: ${error.message}`);
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    log(`server error: ${error.stack ?? error.message}`);
  });

  const publicKey = publicJwk(signingKey);
  provider.use(logout(provider, { clientId: options.clientId, allowedReturnTo: allowed, log }));
  provider.use(async (ctx: KoaContextWithOIDC, next: Next) => {
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
      ctx.body = await delegate(fields, {
        issuer,
        clientId: options.clientId,
        account: options.account,
        publicKey,
        admins,
        issueAwsCredentials: options.issueAwsCredentials,
        log,
      });
    } catch (error) {
      const refusal = toDelegationError(error);
      log(`delegation: refused ${refusal.status} ${refusal.error}: ${refusal.message}`);
      ctx.status = refusal.status;
      ctx.body = { error: refusal.error, error_description: refusal.message };
    }
  });
  provider.use(interactions(provider, { appName: 'Secure Pets', users, social, brake, log }));
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.on('finish', () => {
      // The path only: query strings carry nonces, state and return URLs.
      const path = (req.url ?? '').split('?')[0];
      log(
        `${req.method} ${path} -> ${res.statusCode} (${Math.round(performance.now() - started)} ms)`,
      );
    });
    handle(req, res);
  });

  return {
    issuer,
    jwksUrl: jwksUriOf(issuer),
    admins,
    async close() {
      storage.close();
      brake.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
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

function ignore(): void {
  // no log wanted
}

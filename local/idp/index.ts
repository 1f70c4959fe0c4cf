import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configuredHosts, refuseForeignHost } from '../host-check';
import { host } from '../settings';
import { jwksUriOf } from '../../api/app-config';
import { idTokenLifetimeSeconds } from '../../api/id-token';
import { databaseSub } from '../../api/roles';
import { MemoryStorage } from './adapter';
import { allowedUrls } from './allowed-urls';
import { LoginBrake } from './brute-force';
import type { AwsCredentials, IssueAwsCredentials } from './delegation';
import { delegationRoute } from './delegation-route';
import { loggingRequests, logProviderEvents } from './idp-log';
import { interactions } from './interactions';
import { loadOrCreateCookieKeys, loadOrCreateSigningKey, publicJwk } from './keys';
import { logout } from './logout';
import { createProvider } from './provider';
import { seededAdmin, SocialDirectory, UserStore } from './users';
import { webOrigins } from './web-origins';

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
  /** At most, and by default, `idTokenLifetimeSeconds` (3600): what the deploy guide sets in Auth0. */
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
  /** Names besides loopback that reach it (host:port); default PETS_ALLOWED_HOSTS. */
  allowedHosts?: readonly string[];
}

export interface RunningIdp {
  issuer: string;
  jwksUrl: string;
  /** The admin list delegation applies (from {@link IdpOptions.admins}). */
  admins: readonly string[];
  close(): Promise<void>;
}

/** Starts the Auth0-compatible identity provider on loopback. */
export async function startIdp(options: IdpOptions): Promise<RunningIdp> {
  const log = options.log ?? ignore;
  const allowedHosts = options.allowedHosts ?? configuredHosts();
  const { signingKey, cookieKeys, users, social, admins } = await openData(options);

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
  const allowed = allowedUrls(options.redirectUris);
  const provider = createProvider({
    issuer,
    clientId: options.clientId,
    redirectUris: allowed.redirectUris,
    allowedOrigins: allowed.origins,
    signingKey,
    cookieKeys,
    idTokenTtlSeconds: options.idTokenTtlSeconds ?? idTokenLifetimeSeconds,
    users,
    social,
    storage,
  });
  logProviderEvents(provider, log);
  provider.use(webOrigins(allowed.origins));
  provider.use(
    logout(provider, { clientId: options.clientId, allowedReturnTo: allowed.returnTo, log }),
  );
  provider.use(
    delegationRoute({
      issuer,
      clientId: options.clientId,
      account: options.account,
      publicKey: publicJwk(signingKey),
      admins,
      issueAwsCredentials: options.issueAwsCredentials,
      log,
      allowedOrigins: allowed.origins,
    }),
  );
  provider.use(interactions(provider, { appName: 'Secure Pets', users, social, brake, log }));
  const handle = loggingRequests(provider.callback(), log);
  server.on('request', (req, res) => {
    if (refuseForeignHost(req, res, port, allowedHosts)) {
      log(`${req.method} ${(req.url ?? '').split('?')[0]} -> 421 refused (foreign Host)`);
      return;
    }
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

/** The keys and users kept in `dataDir`, and the admin list once the seeded admin is known. */
async function openData(options: IdpOptions) {
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
  return { signingKey, cookieKeys, users, social, admins };
}

function ignore(): void {
  // no log wanted
}

// The local IdP for its tests: a tiny app origin that loads the real auth0-js, an IdP
// pointed at it, and a cookie-keeping HTTP client for sign-ins without a browser.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assumedRoleArn, assumedRoleId } from '../api/credentials';
import { startIdp, type IdpOptions, type RunningIdp } from '../local/idp/index';
import { aws, clientId } from '../local/settings';

const auth0Bundle = resolve(import.meta.dirname, '../node_modules/auth0-js/dist/auth0.min.js');

export const account = aws.account;
export { clientId };

/** Serves `/auth0.min.js`, `/` and `/callback.html`, a page that builds `window.webAuth`. */
export async function startAppOrigin(): Promise<{
  origin: string;
  server: Server;
  setIdp(idp: RunningIdp): void;
}> {
  const script = await readFile(auth0Bundle);
  let page = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/auth0.min.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else if (path === '/' || path === '/callback.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  // localhost, not 127.0.0.1: the app and the IdP must be same-site (as
  // localhost:4200 and localhost:4400 are) for the silent re-authentication iframe.
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    server,
    setIdp(idp) {
      const options = {
        domain: idp.issuer.replace(/\/$/, ''),
        clientID: clientId,
        redirectUri: `${origin}/callback.html`,
        responseType: 'id_token token',
        scope: 'openid email',
        overrides: { __tenant: 'localhost', __token_issuer: idp.issuer, __jwks_uri: idp.jwksUrl },
      };
      page = `<!doctype html><html lang="en"><head><title>app</title><script src="/auth0.min.js"></script></head>
<body><script>window.webAuth = new auth0.WebAuth(${JSON.stringify(options)});</script></body></html>`;
    },
  };
}

export interface TestIdp {
  idp: RunningIdp;
  app: { origin: string };
  dataDir: string;
  lines: string[];
  /** Every issueAwsCredentials call. */
  stsCalls: { roleArn: string; subject: string; sessionName: string }[];
  close(): Promise<void>;
}

/** An app origin plus an IdP on ephemeral ports, with a fresh (or given) data folder. */
export async function startTestIdp(overrides: Partial<IdpOptions> = {}): Promise<TestIdp> {
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'idp-')));
  const app = await startAppOrigin();
  const lines: string[] = [];
  const stsCalls: TestIdp['stsCalls'] = [];
  const idp = await startIdp({
    port: 0,
    dataDir,
    clientId,
    account,
    redirectUris: [app.origin, `${app.origin}/callback.html`],
    // As the local cloud does: the seeded admin is the one admin.
    admins: (seededAdminSub) => [seededAdminSub],
    log: (line) => lines.push(line),
    async issueAwsCredentials(input) {
      stsCalls.push(input);
      const roleName = input.roleArn.split('/').at(-1) ?? '';
      return {
        accessKeyId: `ASIA${stsCalls.length}`,
        secretAccessKey: 'secret',
        sessionToken: `token-for-${input.roleArn}`,
        expiration: new Date(Date.now() + 3600_000),
        assumedRoleArn: assumedRoleArn(account, roleName, input.sessionName),
        assumedRoleId: assumedRoleId(input.roleArn, input.sessionName),
      };
    },
    ...overrides,
  });
  app.setIdp(idp);
  return {
    idp,
    app,
    dataDir,
    lines,
    stsCalls,
    async close() {
      await idp.close();
      await new Promise<void>((done) => {
        app.server.close(() => done());
        app.server.closeAllConnections();
      });
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * fetch that keeps cookies per host:port and never follows redirects. With
 * `localAddress` (another loopback address, `127.0.0.2`) it connects from there, so
 * the IdP sees another client IP.
 */
export function cookieClient(options: { localAddress?: string } = {}) {
  const jar = new Map<string, Map<string, string>>();
  return async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(url);
    const cookies = jar.get(target.host) ?? new Map<string, string>();
    jar.set(target.host, cookies);
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('Cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = options.localAddress
      ? await fetchFrom(options.localAddress, target, init.method ?? 'GET', headers, init.body)
      : await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/expires=Thu, 01 Jan 1970/i.test(line)) cookies.set(name, value);
      else cookies.delete(name);
    }
    return res;
  };
}

// fetch cannot choose the address it connects from; node:http can.
function fetchFrom(
  localAddress: string,
  url: URL,
  method: string,
  headers: Headers,
  body: RequestInit['body'],
): Promise<Response> {
  const sent: Record<string, string> = {};
  headers.forEach((value, name) => (sent[name] = value));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: sent, localAddress, family: 4 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          answer.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
        }
        const status = res.statusCode ?? 500;
        const content = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(content, { status, headers: answer }));
      });
    });
    req.on('error', reject);
    req.end(body == null ? undefined : String(body));
  });
}

/** The app's implicit-flow `/authorize` URL, as auth0-js builds it, plus `extra` parameters. */
export function authorizeUrl(t: TestIdp, extra: Record<string, string>): URL {
  const url = new URL('authorize', t.idp.issuer);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'id_token',
    redirect_uri: `${t.app.origin}/callback.html`,
    scope: 'openid email',
    ...extra,
  }).toString();
  return url;
}

/**
 * Signs in through the login form over plain HTTP (the browser tests cover the
 * pages); returns the fragment the IdP redirected to the app with.
 */
export async function signInOverHttp(
  t: TestIdp,
  credentials: { email: string; password: string } | { amazon: string },
  client = cookieClient(),
): Promise<URLSearchParams> {
  let res = await client(authorizeUrl(t, { nonce: 'nonce-1', state: 'state-1' }));
  const interaction = new URL(res.headers.get('location') ?? '', t.idp.issuer);
  const [path, body] =
    'amazon' in credentials
      ? ['/amazon', { email: credentials.amazon }]
      : ['/login', { email: credentials.email, password: credentials.password }];
  res = await client(new URL(interaction.pathname + path, t.idp.issuer), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  if (res.status !== 303) throw new Error(`sign-in refused: ${res.status}`);
  // The interaction resumes at /authorize/:uid, which redirects to the app.
  res = await client(new URL(res.headers.get('location') ?? '', t.idp.issuer));
  const location = res.headers.get('location') ?? '';
  return new URLSearchParams(new URL(location).hash.slice(1));
}

/*
 * The whole local cloud against the requests a hostile web page can make: one row per
 * listener, each probed the same way. Another listener joins with one more row.
 *
 * - DNS rebinding: a page whose name resolves to 127.0.0.1 sends `Host: rebind.example`;
 *   every listener answers 421 Misdirected Request (RFC 9110, section 15.5.20:
 *   https://www.rfc-editor.org/rfc/rfc9110#name-421-misdirected-request) before any work.
 * - A page on another origin (`Origin: https://evil.example`) gets nothing a browser
 *   lets it read: no Access-Control-Allow-Origin for it and no successful preflight,
 *   or, where the deployed API answers every origin, only what that API gives anyone.
 *   What each deployed service does:
 *   - the site is CloudFront with GET and HEAD only, no CORS: another method gets
 *     403 (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-403-invalid-method.html);
 *   - Auth0 gives CORS only to the application's Allowed Origins
 *     (https://auth0.com/docs/get-started/applications/set-up-cors);
 *   - STS answers CORS for every origin (the SDK's service list marks it `"cors": true`:
 *     https://github.com/aws/aws-sdk-js/blob/master/apis/metadata.json); locally only
 *     the app's page gets it (local/aws/README.md says why);
 *   - API Gateway sends the CORS headers the API configures, here `*`
 *     (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html),
 *     so a page reads only what the public routes give anyone: IAM routes refuse it;
 *   - S3 answers CORS from the bucket's CORS rules, here the app's origin for its
 *     upload; a preflight no rule allows is a 403
 *     (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html), and a
 *     form without a signed policy writes nothing to a private bucket;
 *   - the test clock is not AWS and not for browsers: any Origin is refused.
 * - After all that, each listener still serves its own clients.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalCloud } from './cloud';

const FOREIGN_ORIGIN = 'https://evil.example';
const REBIND_HOST = 'rebind.example';
const LISTED_HOST = 'pets.test';

interface Probe {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Listener {
  name: string;
  port: () => number;
  /** A request that does work when accepted (a token checked, a clock moved, a Lambda run). */
  work: Probe;
  /**
   * `none`: a foreign Origin gets no CORS at all (refused, or answered unreadably);
   * `contract`: the deployed API's `*`, and the work refused for want of credentials.
   */
  cors: 'none' | 'contract';
  /** The status `work` gets with a foreign Origin (4xx, or 200 for a public page). */
  foreignStatus: number;
  /** A request its own client makes, and the status that shows the listener serves. */
  serving: Probe & { status: number };
  /** Nothing in the log may match this after the hostile requests: the work never ran. */
  untouched?: RegExp;
}

/** The Host a legitimate client sends. */
const own = (port: number) => `localhost:${port}`;

/** A raw request, since fetch cannot set Host: the hostile page's view of the port. */
function send(port: number, probe: Probe, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: probe.method,
        path: probe.path,
        headers: { ...probe.headers, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const junkToken = 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln';
const stsForm = new URLSearchParams({
  Action: 'AssumeRoleWithWebIdentity',
  Version: '2011-06-15',
  RoleArn: 'arn:aws:iam::000000000000:role/pets-admin',
  RoleSessionName: 'probe',
  WebIdentityToken: junkToken,
}).toString();
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
/** A multipart boundary as browsers make them (long enough to appear in no value). */
const BOUNDARY = '----WebKitFormBoundary7MA4YWxkTrZu0gW';

describe('the local cloud against a hostile web page', () => {
  let cloud: LocalCloud;
  let dataDir: string;
  const lines: string[] = [];
  const ports = { site: 0, idp: 0, aws: 0, dynamodb: 0, clock: 0 };

  const listeners: Listener[] = [
    {
      name: 'site',
      port: () => ports.site,
      work: { method: 'GET', path: '/config.json' },
      cors: 'none',
      // A page may load it as a resource, as from CloudFront, but never read it.
      foreignStatus: 200,
      serving: { method: 'GET', path: '/', status: 200 },
    },
    {
      name: 'identity provider',
      port: () => ports.idp,
      work: {
        method: 'POST',
        path: '/delegation',
        headers: form,
        body: `client_id=pets-spa&grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&api_type=aws&id_token=${junkToken}`,
      },
      cors: 'none',
      foreignStatus: 403,
      serving: { method: 'GET', path: '/.well-known/openid-configuration', status: 200 },
      untouched: /delegation: /,
    },
    {
      name: 'STS',
      port: () => ports.aws,
      work: { method: 'POST', path: '/', headers: form, body: stsForm },
      cors: 'none',
      foreignStatus: 403,
      // A junk token is checked and refused: STS did its work.
      serving: { method: 'POST', path: '/', headers: form, body: stsForm, status: 400 },
      untouched: /STS /,
    },
    {
      name: 'API Gateway',
      port: () => ports.aws,
      work: { method: 'GET', path: '/test/pets/sales' },
      cors: 'contract',
      foreignStatus: 403,
      serving: { method: 'GET', path: '/test/pets', status: 200 },
      untouched: /GET \/test\/pets\/sales -> 2/,
    },
    {
      name: 'S3',
      port: () => ports.aws,
      // An anonymous upload: a form with no signed policy.
      work: {
        method: 'POST',
        path: '/secure-pets-photos',
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: [
          `--${BOUNDARY}`,
          'Content-Disposition: form-data; name="key"',
          '',
          'uploads/probe',
          `--${BOUNDARY}`,
          'Content-Disposition: form-data; name="file"; filename="x.jpg"',
          'Content-Type: image/jpeg',
          '',
          'x',
          `--${BOUNDARY}--`,
          '',
        ].join('\r\n'),
      },
      cors: 'none',
      foreignStatus: 403,
      // The app's preflight for its upload, which the bucket's CORS rule allows.
      get serving() {
        return {
          method: 'OPTIONS',
          path: '/secure-pets-photos',
          headers: {
            Origin: `http://localhost:${ports.site}`,
            'Access-Control-Request-Method': 'POST',
          },
          status: 200,
        };
      },
      untouched: /S3 PostObject/,
    },
    {
      name: 'test clock',
      port: () => ports.clock,
      work: { method: 'PUT', path: '/clock', body: JSON.stringify({ offsetMs: 86_400_000 }) },
      cors: 'none',
      foreignStatus: 403,
      serving: { method: 'PUT', path: '/clock', body: '{"offsetMs":0}', status: 204 },
    },
  ];

  before(async () => {
    // The settings read the ports from the environment once, at import.
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    process.env['PETS_SITE_PORT'] = String(ports.site);
    process.env['PETS_IDP_PORT'] = String(ports.idp);
    process.env['PETS_AWS_PORT'] = String(ports.aws);
    process.env['PETS_DYNAMODB_PORT'] = String(ports.dynamodb);
    // A name the developer lists (a dev container's, say) is served on each port.
    process.env['PETS_ALLOWED_HOSTS'] = Object.values(ports)
      .map((port) => `${LISTED_HOST}:${port}`)
      .join(',');
    dataDir = await mkdtemp(join(tmpdir(), 'pets-foreign-'));
    const siteRoot = join(dataDir, 'site');
    await mkdir(siteRoot);
    await writeFile(join(siteRoot, 'index.html'), '<!doctype html><title>pets</title>');
    const { startLocalCloud } = await import('./cloud');
    cloud = await startLocalCloud({
      dataDir: join(dataDir, 'data'),
      siteRoot,
      testClockPort: ports.clock,
      log: (line) => lines.push(line),
    });
  });

  after(async () => {
    await cloud?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('Secrets Manager, on the edge’s port, answers no web page, not even the app’s', async () => {
    const secretsCall = {
      method: 'POST',
      path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: 'secure-pets/cursor-key' }),
    };
    // Refused by the edge before Secrets Manager sees them (the Lambdas may fetch
    // their key meanwhile, so the log is counted, not searched).
    const refusals = () => lines.filter((line) => line.includes('403 refused (foreign Origin)'));
    const before = refusals().length;
    for (const origin of [FOREIGN_ORIGIN, `http://localhost:${ports.site}`]) {
      const answer = await send(ports.aws, secretsCall, { Host: own(ports.aws), Origin: origin });
      assert.equal(answer.status, 403, origin);
      assert.doesNotMatch(answer.body, /SecretString/);
    }
    assert.equal(refusals().length, before + 2);
  });

  for (const listener of listeners) {
    describe(listener.name, () => {
      it('refuses a rebinding Host with 421 before any work', async () => {
        const port = listener.port();
        for (const host of [REBIND_HOST, `${REBIND_HOST}:${port}`]) {
          const answer = await send(port, listener.work, { Host: host });
          assert.equal(answer.status, 421, host);
          assert.equal(answer.headers['access-control-allow-origin'], undefined);
        }
        if (listener.untouched) assert.doesNotMatch(lines.join('\n'), listener.untouched);
      });

      it('gives a foreign Origin nothing a browser lets it read', async () => {
        const port = listener.port();
        const answer = await send(port, listener.work, {
          Host: own(port),
          Origin: FOREIGN_ORIGIN,
        });
        assert.equal(answer.status, listener.foreignStatus);
        const preflight = await send(
          port,
          { method: 'OPTIONS', path: listener.work.path },
          {
            Host: own(port),
            Origin: FOREIGN_ORIGIN,
            'Access-Control-Request-Method': listener.work.method,
            'Access-Control-Request-Headers': 'content-type,authorization',
          },
        );
        if (listener.cors === 'none') {
          assert.equal(answer.headers['access-control-allow-origin'], undefined);
          assert.equal(preflight.headers['access-control-allow-origin'], undefined);
          assert.ok(preflight.status >= 400, `preflight answered ${preflight.status}`);
        } else {
          // The API's contract (api/http-api.ts): `*` on every answer, as deployed.
          assert.equal(answer.headers['access-control-allow-origin'], '*');
          assert.doesNotMatch(answer.body, /@/);
        }
        if (listener.untouched) assert.doesNotMatch(lines.join('\n'), listener.untouched);
      });

      it('keeps serving its own clients afterwards, also on a name listed in PETS_ALLOWED_HOSTS', async () => {
        const port = listener.port();
        const { status: expected, ...probe } = listener.serving;
        for (const host of [own(port), `127.0.0.1:${port}`, `${LISTED_HOST}:${port}`]) {
          const answer = await send(port, probe, { Host: host });
          assert.equal(answer.status, expected, `${host}: ${answer.body}`);
        }
      });
    });
  }
});

describe('PETS_ALLOWED_HOSTS', () => {
  it('stops the start with its message when malformed, before anything listens', async () => {
    const saved = process.env['PETS_ALLOWED_HOSTS'];
    process.env['PETS_ALLOWED_HOSTS'] = 'pets.test';
    const dataDir = join(tmpdir(), `pets-malformed-${process.pid}`);
    try {
      const { startLocalCloud } = await import('./cloud');
      await assert.rejects(startLocalCloud({ dataDir, siteRoot: dataDir }), {
        name: 'HostListError',
        message: 'PETS_ALLOWED_HOSTS: "pets.test" is not a host:port pair',
      });
      // Nothing was started: not even the data folder exists.
      await assert.rejects(stat(dataDir), { code: 'ENOENT' });
    } finally {
      process.env['PETS_ALLOWED_HOSTS'] = saved;
    }
  });
});

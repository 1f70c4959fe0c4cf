/*
 * `npm run smoke` against the whole local cloud (as `npm start` runs it, on free ports),
 * as a function and as the CLI, and against sites that get something wrong: each fault
 * gives a ✗ line that names it, and a non-zero exit.
 *
 * The contracts the checks hold a deployment to:
 * - API Gateway answers an unsigned call to an IAM route 403 "Missing Authentication
 *   Token" (https://repost.aws/knowledge-center/api-gateway-authentication-token-errors),
 *   with the gateway response's type in `x-amzn-ErrorType`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html:
 *   MISSING_AUTHENTICATION_TOKEN, 403), as local/aws/gateway.test.ts checks locally;
 * - IAM's GetOpenIDConnectProvider returns the provider's `Url` without its scheme
 *   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html),
 *   and STS finds the provider by the token's `iss` exactly, so Auth0's `https://TENANT/`
 *   needs a provider at `TENANT/` (Auth0's issuer ends with a slash:
 *   https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pageHeaders } from '../../api/csp';
import type { LocalCloud } from '../../local/cloud';
import { isLoopback, smoke, type SmokeResult } from '../lib/smoke';
import { compareIssuer, iamProviderUrl, providerUrlFromArn } from '../lib/smoke-issuer';

const infraDir = fileURLToPath(new URL('..', import.meta.url));
const checks = [
  'config.json',
  'security headers',
  'public GET /pets',
  'unsigned write refused',
  'issuer = IAM provider',
];

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function freePort(): Promise<number> {
  const { server } = await listen(() => undefined);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** `npm --prefix infra run smoke`'s command, as the root's `npm run smoke` runs it. */
function runCli(siteUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', siteUrl], {
      cwd: infraDir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const byCheck = (results: SmokeResult[], check: string): SmokeResult => {
  const result = results.find((r) => r.check === check);
  assert.ok(result, `no result for ${check}`);
  return result;
};

describe('npm run smoke', () => {
  let cloud: LocalCloud;
  let dataDir: string;
  let siteUrl: string;

  before(async () => {
    // The settings read the ports from the environment once, at import.
    process.env['PETS_SITE_PORT'] = String(await freePort());
    process.env['PETS_IDP_PORT'] = String(await freePort());
    process.env['PETS_AWS_PORT'] = String(await freePort());
    process.env['PETS_DYNAMODB_PORT'] = String(await freePort());
    dataDir = await mkdtemp(join(tmpdir(), 'pets-smoke-'));
    const siteRoot = join(dataDir, 'site');
    await mkdir(siteRoot);
    await writeFile(join(siteRoot, 'index.html'), '<!doctype html><title>pets</title>');
    const { startLocalCloud } = await import('../../local/cloud');
    cloud = await startLocalCloud({ dataDir: join(dataDir, 'data'), siteRoot });
    siteUrl = `http://localhost:${process.env['PETS_SITE_PORT']}`;
  });

  after(async () => {
    await cloud?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('against the local cloud', () => {
    it('passes every check, comparing the issuer by the provider ARN since there is no IAM API', async () => {
      const results = await smoke({ siteUrl });
      assert.deepEqual(
        results.map((r) => r.check),
        checks,
      );
      for (const result of results) assert.ok(result.ok, `${result.check}: ${result.reason}`);
      assert.match(byCheck(results, 'public GET /pets').reason, /^200, \d+ pets/);
      assert.match(
        byCheck(results, 'unsigned write refused').reason,
        /403 MissingAuthenticationTokenException/,
      );
      const issuer = byCheck(results, 'issuer = IAM provider').reason;
      assert.match(issuer, /oidc-provider\/localhost:\d+\//);
      assert.match(issuer, /the local cloud has no IAM API/);
    });

    it('as the CLI: one ✓ line per check, the steps to try by hand, exit code 0', async () => {
      const { code, stdout, stderr } = await runCli(siteUrl);
      assert.equal(code, 0, stdout + stderr);
      for (const check of checks) assert.match(stdout, new RegExp(`^✓ ${check}: `, 'm'));
      assert.doesNotMatch(stdout, /✗/);
      assert.match(stdout, /Next, by hand:\n {2}1\. /);
      assert.match(stdout, /Sign in as an admin/);
      assert.match(stdout, /sign in as a buyer/);
    });

    it('as the CLI without a URL: usage and exit code 2', async () => {
      const { code, stderr } = await runCli('');
      assert.equal(code, 2);
      assert.match(stderr, /Usage: npm run smoke -- <site URL>/);
    });
  });

  describe('against a site that gets something wrong', () => {
    let stub: Server | undefined;
    after(() => close(stub));

    /** A site on loopback that serves `config` (or 404) and pages with `headers`. */
    async function site(config: unknown, headers: Record<string, string>): Promise<string> {
      await close(stub);
      const started = await listen((req, res) => {
        if (req.url === '/config.json') {
          if (config === undefined) res.writeHead(404).end('Not Found');
          else
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(config));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end('<!doctype html>');
      });
      stub = started.server;
      return started.url;
    }

    it('fails the headers check of a site without a Content-Security-Policy', async () => {
      const withoutCsp: Record<string, string> = { ...pageHeaders(cloud.config) };
      delete withoutCsp['Content-Security-Policy'];
      const url = await site(cloud.config, withoutCsp);
      const results = await smoke({ siteUrl: url });
      const headers = byCheck(results, 'security headers');
      assert.equal(headers.ok, false);
      assert.match(headers.reason, /\/ has no Content-Security-Policy/);
      assert.match(headers.reason, /\/login has no Content-Security-Policy/);
      // The other checks still run, and pass.
      for (const check of checks.filter((c) => c !== 'security headers')) {
        assert.ok(byCheck(results, check).ok, check);
      }
      const cli = await runCli(url);
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /^✗ security headers: \/ has no Content-Security-Policy/m);
      assert.match(cli.stderr, /1 of 5 checks failed/);
    });

    it('fails a header that differs from api/csp.ts', async () => {
      const url = await site(cloud.config, {
        ...pageHeaders(cloud.config),
        'X-Frame-Options': 'SAMEORIGIN',
      });
      const headers = byCheck(await smoke({ siteUrl: url }), 'security headers');
      assert.equal(headers.ok, false);
      assert.match(headers.reason, /X-Frame-Options is "SAMEORIGIN", not "DENY"/);
    });

    it('fails a missing config.json, and says which checks could not run without it', async () => {
      const url = await site(undefined, pageHeaders(cloud.config));
      const results = await smoke({ siteUrl: url });
      assert.equal(byCheck(results, 'config.json').ok, false);
      assert.match(byCheck(results, 'config.json').reason, /config\.json answered 404/);
      for (const check of checks.slice(2)) {
        assert.deepEqual(byCheck(results, check), {
          check,
          ok: false,
          reason: 'not run: it needs a valid config.json',
        });
      }
      const cli = await runCli(url);
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /^✗ config\.json: GET .*\/config\.json answered 404$/m);
    });

    it('fails a config.json the app would refuse, with the parser’s problems', async () => {
      const url = await site({ ...cloud.config, api: { region: 'us-east-1' } }, {});
      const config = byCheck(await smoke({ siteUrl: url }), 'config.json');
      assert.equal(config.ok, false);
      assert.match(config.reason, /"api\.invokeUrl" must be a non-empty string/);
    });

    it('fails a provider ARN without the issuer’s trailing slash', async () => {
      const issuerHost = new URL(cloud.config.auth0.domain).host;
      const slashless = `arn:aws:iam::000000000000:oidc-provider/${issuerHost}`;
      const config = {
        ...cloud.config,
        credentials: { ...cloud.config.credentials, principal: slashless },
      };
      const url = await site(config, pageHeaders(cloud.config));
      const results = await smoke({ siteUrl: url });
      const issuer = byCheck(results, 'issuer = IAM provider');
      assert.equal(issuer.ok, false);
      assert.match(issuer.reason, /is not the provider's URL https:\/\/localhost:\d+ \(from arn:/);
      const cli = await runCli(url);
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /^✗ issuer = IAM provider: discovery's issuer http:\/\/localhost/m);
    });
  });
});

describe('the issuer against IAM (a deployed site)', () => {
  const issuer = 'https://tenant.eu.auth0.com/';
  const providerArn = 'arn:aws:iam::123456789012:oidc-provider/tenant.eu.auth0.com/';

  it('derives the provider URL from its ARN, slash and path kept', () => {
    assert.equal(providerUrlFromArn(providerArn), issuer);
    assert.equal(
      providerUrlFromArn('arn:aws:iam::123456789012:oidc-provider/example.com/tenants/a/'),
      'https://example.com/tenants/a/',
    );
    assert.throws(
      () => providerUrlFromArn('arn:aws:iam::123456789012:saml-provider/auth0'),
      /not an IAM OIDC provider ARN/,
    );
  });

  it('tells loopback sites from deployed ones', () => {
    for (const url of ['http://localhost:4200', 'http://127.0.0.1:1', 'http://[::1]:4200']) {
      assert.equal(isLoopback(url), true, url);
    }
    for (const url of ['https://d111111abcdef8.cloudfront.net', 'https://pets.example.com']) {
      assert.equal(isLoopback(url), false, url);
    }
  });

  it('needs the issuer exactly, slash included, when the site is deployed', async () => {
    const slashless = await compareIssuer({
      issuer,
      providerArn: 'arn:aws:iam::123456789012:oidc-provider/tenant.eu.auth0.com',
      loopback: false,
    });
    assert.equal(slashless.ok, false);
    assert.match(slashless.reason, /InvalidIdentityToken/);
    const fromArn = await compareIssuer({ issuer, providerArn, loopback: false });
    assert.equal(fromArn.ok, true);
    assert.match(fromArn.reason, /from the ARN only: no AWS credentials/);
  });

  describe('through the real IAM client', () => {
    let iamServer: Server;
    let iam: IAMClient;
    const urls: Record<string, string> = {
      [providerArn]: 'tenant.eu.auth0.com/',
      'arn:aws:iam::123456789012:oidc-provider/other.eu.auth0.com/': 'other.eu.auth0.com',
    };

    before(async () => {
      // IAM's query protocol: a form POST, an XML answer (the API reference's example).
      const started = await listen((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const arn = new URLSearchParams(body).get('OpenIDConnectProviderArn') ?? '';
          const url = urls[arn];
          res.setHeader('Content-Type', 'text/xml');
          if (url === undefined) {
            res
              .writeHead(404)
              .end(
                `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>OpenIDConnect Provider not found for arn ${arn}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
              );
            return;
          }
          res.end(
            `<GetOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetOpenIDConnectProviderResult><Url>${url}</Url><ClientIDList><member>abcDEF123</member></ClientIDList><ThumbprintList/><CreateDate>2026-01-01T00:00:00Z</CreateDate></GetOpenIDConnectProviderResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetOpenIDConnectProviderResponse>`,
          );
        });
      });
      iamServer = started.server;
      iam = new IAMClient({
        endpoint: started.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
    });

    after(async () => {
      iam.destroy();
      await close(iamServer);
    });

    it('passes when IAM holds the issuer’s URL', async () => {
      const check = await compareIssuer({
        issuer,
        providerArn,
        loopback: false,
        lookup: iamProviderUrl(iam),
      });
      assert.deepEqual(check, {
        ok: true,
        reason: `discovery's issuer ${issuer} is IAM's provider URL (${providerArn})`,
      });
    });

    it('fails when IAM has no such provider, with IAM’s error', async () => {
      const check = await compareIssuer({
        issuer: 'https://missing.eu.auth0.com/',
        providerArn: 'arn:aws:iam::123456789012:oidc-provider/missing.eu.auth0.com/',
        loopback: false,
        lookup: iamProviderUrl(iam),
      });
      assert.equal(check.ok, false);
      assert.match(check.reason, /GetOpenIDConnectProvider\(.*\) failed: NoSuchEntity/);
    });

    it('fails when IAM’s URL differs from the issuer', async () => {
      const check = await compareIssuer({
        issuer: 'https://other.eu.auth0.com/',
        providerArn: 'arn:aws:iam::123456789012:oidc-provider/other.eu.auth0.com/',
        loopback: false,
        lookup: async () => 'https://other.eu.auth0.com',
      });
      assert.equal(check.ok, false);
      const real = await compareIssuer({
        issuer: 'https://other.eu.auth0.com/',
        providerArn: 'arn:aws:iam::123456789012:oidc-provider/other.eu.auth0.com/',
        loopback: false,
        lookup: iamProviderUrl(iam),
      });
      assert.equal(real.ok, false);
      assert.match(real.reason, /is not IAM's provider URL https:\/\/other\.eu\.auth0\.com \(/);
    });
  });
});

// STS against the real @aws-sdk/client-sts, unchanged but for its endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  InvalidIdentityTokenException,
  STSClient,
} from '@aws-sdk/client-sts';
import { generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT, ADMIN_SUBS, CLIENT_ID, REGION, startTestEdge } from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';
import { JWKS_COOLDOWN_MS } from './sts';

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;

describe('STS AssumeRoleWithWebIdentity', () => {
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let sts: STSClient;

  before(async () => {
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp });
    sts = new STSClient({ region: REGION, endpoint: edge.edge.url, maxAttempts: 1 });
  });
  after(async () => {
    sts.destroy();
    await edge.edge.close();
    await idp.close();
  });

  const assume = (
    token: string,
    RoleArn: string,
    extra: { DurationSeconds?: number; RoleSessionName?: string } = {},
  ) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn,
        RoleSessionName: 'session-1',
        WebIdentityToken: token,
        ...extra,
      }),
    );

  it('gives an admin (database user) the admin role', async () => {
    const token = await idp.token({ sub: 'auth0|admin1', email: 'admin@example.com' });
    // STS reports Expiration to the second, so count from the second the call started.
    const before = Math.floor(Date.now() / 1000) * 1000;
    const out = await assume(token, ADMIN);
    const creds = out.Credentials!;
    assert.match(creds.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(creds.SecretAccessKey!.length, 40);
    assert.ok(creds.SessionToken);
    const lifetime = creds.Expiration!.getTime() - before;
    assert.ok(lifetime >= 3600_000 && lifetime < 3602_000, `default 3600 s, got ${lifetime} ms`);
    assert.equal(out.SubjectFromWebIdentityToken, 'auth0|admin1');
    assert.equal(out.Audience, CLIENT_ID);
    assert.equal(
      out.AssumedRoleUser?.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/pets-admin/session-1`,
    );
    assert.match(out.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA\w+:session-1$/);
    assert.match(out.Provider ?? '', /oidc-provider\/127\.0\.0\.1:\d+\/$/);
    assert.ok(out.$metadata.requestId);
    const stored = edge.credentials.lookup(creds.AccessKeyId!);
    assert.equal(stored?.roleArn, ADMIN);
    assert.equal(stored?.subject, 'auth0|admin1');
  });

  it('gives a buyer (social user) the buyer role, for the duration asked', async () => {
    const token = await idp.token({ sub: 'amazon|buyer1', email: 'b@example.com' });
    const out = await assume(token, BUYER, { DurationSeconds: 900 });
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 890_000 && lifetime <= 900_000, `${lifetime}`);
  });

  it('refuses a buyer asking for the admin role, and an admin asking for the buyer role', async () => {
    const buyer = await idp.token({ sub: 'amazon|buyer1' });
    await assert.rejects(
      assume(buyer, ADMIN),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
        assert.equal(e.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    const admin = await idp.token({ sub: 'auth0|admin1' });
    await assert.rejects(assume(admin, BUYER), { name: 'AccessDenied' });
  });

  it('refuses the admin role to a database user who is not on the admin list, and the buyer role too', async () => {
    // A database user who signed up on their own (or one the store owner did not name).
    const stranger = await idp.token({ sub: 'auth0|signed-up-1', email: 'new@example.com' });
    await assert.rejects(
      assume(stranger, ADMIN),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
        assert.equal(e.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    await assert.rejects(assume(stranger, BUYER), { name: 'AccessDenied' });
    assert.ok(!(ADMIN_SUBS as readonly string[]).includes('auth0|signed-up-1'));
  });

  it('refuses a role it does not know', async () => {
    const admin = await idp.token({ sub: 'auth0|admin1' });
    await assert.rejects(assume(admin, `arn:aws:iam::${ACCOUNT}:role/root-ish`), {
      name: 'AccessDenied',
    });
    await assert.rejects(assume(admin, 'not-an-arn-at-all-really'), {
      name: 'ValidationError',
      message: 'Request ARN is invalid',
    });
  });

  it('refuses an expired token', async () => {
    const iat = Math.floor(Date.now() / 1000) - 7200;
    const token = await idp.token({ sub: 'auth0|admin1' }, { iat, exp: iat + 3600 });
    await assert.rejects(assume(token, ADMIN), (e: Error) => {
      assert.ok(e instanceof ExpiredTokenException, e.name);
      assert.match(
        e.message,
        /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
      );
      return true;
    });
  });

  // IAM finds the OIDC provider by the token's `iss`, character for character: Auth0
  // writes `https://TENANT/`, and a provider registered as `https://TENANT` is another
  // provider, so STS answers InvalidIdentityToken "No OpenIDConnect provider found in
  // your account for https://TENANT/" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
  // InvalidIdentityToken; AWS's Auth0 sample registers `Url: https://${Auth0Domain}/`).
  it('finds the provider by the token’s exact issuer: with and without the slash are two issuers', async () => {
    const withSlash = idp.issuer.replace(/\/?$/, '/');
    const without = withSlash.replace(/\/$/, '');
    for (const [provider, iss] of [
      [without, withSlash],
      [withSlash, without],
    ]) {
      const spelled = await startTestEdge({ idp: { issuer: provider!, jwksUrl: idp.jwksUrl } });
      const client = new STSClient({ region: REGION, endpoint: spelled.edge.url, maxAttempts: 1 });
      try {
        const token = await idp.token({ sub: 'auth0|admin1' }, { issuer: iss });
        await assert.rejects(
          client.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: ADMIN,
              RoleSessionName: 'session-1',
              WebIdentityToken: token,
            }),
          ),
          (e: Error) => {
            assert.ok(e instanceof InvalidIdentityTokenException, e.name);
            assert.equal(e.message, `No OpenIDConnect provider found in your account for ${iss}`);
            return true;
          },
        );
        // Spelled as the token spells it, the same provider and trust admit the admin.
        const same = await idp.token({ sub: 'auth0|admin1' }, { issuer: provider });
        const out = await client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: ADMIN,
            RoleSessionName: 'session-1',
            WebIdentityToken: same,
          }),
        );
        assert.ok(out.Credentials?.AccessKeyId);
      } finally {
        client.destroy();
        await spelled.edge.close();
      }
    }
  });

  it('refuses a token from another issuer, for another audience, or with a bad signature', async () => {
    const other = await idp.token({ sub: 'auth0|admin1' }, { issuer: 'https://evil.example/' });
    await assert.rejects(assume(other, ADMIN), (e: Error) => {
      assert.ok(e instanceof InvalidIdentityTokenException, e.name);
      assert.equal(
        e.message,
        'No OpenIDConnect provider found in your account for https://evil.example/',
      );
      return true;
    });
    const aud = await idp.token({ sub: 'auth0|admin1' }, { audience: 'another-app' });
    await assert.rejects(assume(aud, ADMIN), {
      name: 'InvalidIdentityTokenException',
      message: 'Incorrect token audience',
    });
    const foreign = await generateKeyPair('RS256');
    const forged = await idp.token({ sub: 'auth0|admin1' }, { key: foreign.privateKey });
    await assert.rejects(assume(forged, ADMIN), { name: 'InvalidIdentityTokenException' });
    const [h, p, s] = (await idp.token({ sub: 'amazon|1' })).split('.');
    const swapped = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'auth0|1' })).toString('base64url')}.${s}`;
    await assert.rejects(assume(swapped, ADMIN), { name: 'InvalidIdentityTokenException' });
    await assert.rejects(assume('not.a.jwt', ADMIN), { name: 'InvalidIdentityTokenException' });
  });

  it('refuses durations outside 900..43200 and bad session names with ValidationError', async () => {
    const token = await idp.token({ sub: 'auth0|admin1' });
    await assert.rejects(assume(token, ADMIN, { DurationSeconds: 899 }), {
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
    await assert.rejects(assume(token, ADMIN, { DurationSeconds: 43201 }), {
      name: 'ValidationError',
      message: /Member must have value less than or equal to 43200/,
    });
    await assert.rejects(assume(token, ADMIN, { RoleSessionName: 'has space' }), {
      name: 'ValidationError',
      message: /roleSessionName.*regular expression pattern/,
    });
  });

  it('refuses a DurationSeconds above the role’s MaxSessionDuration, as AWS does', async () => {
    const admin = await idp.token({ sub: 'auth0|admin1' });
    const buyer = await idp.token({ sub: 'amazon|buyer1' });
    for (const [token, role] of [
      [admin, ADMIN],
      [buyer, BUYER],
    ] as const) {
      const out = await assume(token, role, { DurationSeconds: 3600 });
      const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
      assert.ok(lifetime > 3590_000 && lifetime <= 3600_000, `${lifetime}`);
      for (const DurationSeconds of [3601, 43200]) {
        await assert.rejects(
          assume(token, role, { DurationSeconds }),
          (e: Error & { $metadata?: { httpStatusCode?: number }; Type?: string }) => {
            assert.equal(e.name, 'ValidationError');
            assert.equal(
              e.message,
              'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
            );
            assert.equal(e.$metadata?.httpStatusCode, 400);
            return true;
          },
        );
      }
    }
    // The same refusal on the wire: STS's XML ErrorResponse, a Sender fault.
    const raw = await fetch(edge.edge.url, {
      method: 'POST',
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: ADMIN,
        RoleSessionName: 'raw',
        WebIdentityToken: admin,
        DurationSeconds: '3601',
      }),
    });
    assert.equal(raw.status, 400);
    assert.match(
      await raw.text(),
      /<Error>\s*<Type>Sender<\/Type>\s*<Code>ValidationError<\/Code>\s*<Message>The requested DurationSeconds exceeds the MaxSessionDuration set for this role\.<\/Message>/,
    );
    // A caller the role does not trust is told only that, whatever the duration.
    await assert.rejects(assume(buyer, ADMIN, { DurationSeconds: 43200 }), {
      name: 'AccessDenied',
    });
  });

  it('writes XML and errors as AWS does, over POST and GET, with CORS', async () => {
    const token = await idp.token({ sub: 'auth0|admin1' });
    const form = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ADMIN,
      RoleSessionName: 'raw',
      WebIdentityToken: token,
    });
    const ok = await fetch(`${edge.edge.url}/?${form}`, {
      headers: { Origin: 'http://localhost:4200' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    const xml = await ok.text();
    assert.match(
      xml,
      /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/,
    );
    assert.match(
      xml,
      /<AssumeRoleWithWebIdentityResult>[\s\S]*<Credentials>[\s\S]*<AccessKeyId>ASIA/,
    );
    assert.match(xml, /<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>/);

    form.set('RoleArn', `arn:aws:iam::${ACCOUNT}:role/pets-buyer`);
    const denied = await fetch(edge.edge.url, { method: 'POST', body: form });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), '*');
    assert.match(
      await denied.text(),
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>AccessDenied<\/Code>\s*<Message>Not authorized to perform sts:AssumeRoleWithWebIdentity<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    );

    const preflight = await fetch(edge.edge.url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:4200',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers':
          'amz-sdk-invocation-id,amz-sdk-request,content-type,x-amz-user-agent',
      },
    });
    assert.equal(preflight.status, 200);
    const allowed =
      preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(',') ?? [];
    for (const h of [
      'amz-sdk-invocation-id',
      'amz-sdk-request',
      'content-type',
      'x-amz-user-agent',
    ]) {
      assert.ok(allowed.includes(h), h);
    }
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);

    const unknown = await fetch(edge.edge.url, {
      method: 'POST',
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /<Code>InvalidAction<\/Code>/);
  });

  it('logs one line per call and never the token or a secret', async () => {
    const token = await idp.token({ sub: 'auth0|admin1' });
    const out = await assume(token, ADMIN);
    const log = edge.lines.join('\n');
    assert.match(log, /POST \/ -> 200 STS issued credentials/);
    assert.ok(!log.includes(token));
    assert.ok(!log.includes(out.Credentials!.SecretAccessKey!));
    assert.ok(!log.includes(out.Credentials!.SessionToken!));
  });
});

describe('STS when the identity provider is down', () => {
  it('answers InvalidIdentityToken, as AWS does when it cannot fetch the keys', async () => {
    const idp = await startTokenIssuer();
    const token = await idp.token({ sub: 'auth0|admin1' });
    const edge = await startTestEdge({ idp });
    await idp.close();
    const sts = new STSClient({ region: REGION, endpoint: edge.edge.url, maxAttempts: 1 });
    try {
      await assert.rejects(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: ADMIN,
            RoleSessionName: 'x1',
            WebIdentityToken: token,
          }),
        ),
        { name: 'InvalidIdentityTokenException', message: /Couldn't retrieve verification key/ },
      );
    } finally {
      sts.destroy();
      await edge.edge.close();
    }
  });
});

describe('STS and the identity provider’s key set', () => {
  it('fetches the JWKS at most once per cooldown, however many unknown kids arrive', async () => {
    assert.ok(JWKS_COOLDOWN_MS >= 30_000);
    const idp = await startTokenIssuer();
    // The issuer's key set, served from a server that counts its fetches.
    const keys = await (await fetch(idp.jwksUrl)).text();
    let fetches = 0;
    const jwks = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(keys);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const counted = {
      ...idp,
      jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/`,
    };
    const edge = await startTestEdge({ idp: counted });
    const sts = new STSClient({ region: REGION, endpoint: edge.edge.url, maxAttempts: 1 });
    const assume = (WebIdentityToken: string) =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ADMIN,
          RoleSessionName: 'kid-burst',
          WebIdentityToken,
        }),
      );
    try {
      const junk = await Promise.all(
        Array.from({ length: 20 }, (_, i) => idp.token({ sub: 'auth0|x' }, { kid: `junk-${i}` })),
      );
      for (const token of junk) {
        await assert.rejects(assume(token), { name: 'InvalidIdentityTokenException' });
      }
      assert.equal(fetches, 1, 'one fetch for twenty unknown kids');
      // The known key is still served from that one fetch.
      const ok = await assume(await idp.token({ sub: 'auth0|admin1' }));
      assert.ok(ok.Credentials?.AccessKeyId);
      assert.equal(fetches, 1);
    } finally {
      sts.destroy();
      await edge.edge.close();
      jwks.closeAllConnections();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
      await idp.close();
    }
  });
});

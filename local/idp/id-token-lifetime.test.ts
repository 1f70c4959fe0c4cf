// How long the local IdP's ID tokens live. Auth0's default is 36000 s (10 hours); the
// application's "ID Token Expiration" setting shortens it, and the deploy guide makes
// it 3600: https://auth0.com/docs/secure/tokens/id-tokens/update-id-token-lifetime
// STS AssumeRoleWithWebIdentity refuses a token only once it is past `exp`
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html),
// so the lifetime is how long a leaked token can be traded for credentials.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { idTokenLifetimeSeconds } from '../../api/id-token';
import { signInOverHttp, startTestIdp, type TestIdp } from '../../node-testing/idp';
import { seededAdmin } from './users';

async function lifetimeOf(t: TestIdp, who: Parameters<typeof signInOverHttp>[1]) {
  const claims = decodeJwt((await signInOverHttp(t, who)).get('id_token') ?? '');
  assert.equal(typeof claims.iat, 'number');
  return (claims.exp ?? Infinity) - (claims.iat ?? 0);
}

const admin = { email: seededAdmin.email, password: seededAdmin.password };

describe('ID token lifetime', () => {
  let t: TestIdp;
  before(async () => {
    t = await startTestIdp();
  });
  after(() => t.close());

  it('is at most an hour, for an admin and for a buyer', async () => {
    assert.ok(idTokenLifetimeSeconds <= 3600);
    assert.equal(await lifetimeOf(t, admin), idTokenLifetimeSeconds);
    assert.equal(await lifetimeOf(t, { amazon: 'lifetime@example.com' }), idTokenLifetimeSeconds);
  });

  it('cannot be lengthened to Auth0’s default by an option, only shortened', async () => {
    const long = await startTestIdp({ idTokenTtlSeconds: 36000 });
    const short = await startTestIdp({ idTokenTtlSeconds: 600 });
    try {
      assert.equal(await lifetimeOf(long, admin), idTokenLifetimeSeconds);
      assert.equal(await lifetimeOf(short, admin), 600);
    } finally {
      await Promise.all([long.close(), short.close()]);
    }
  });
});

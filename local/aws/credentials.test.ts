import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CredentialRequestError, CredentialStore } from './credentials';

const roleArn = 'arn:aws:iam::000000000000:role/pets-buyer';

describe('CredentialStore', () => {
  it('issues AWS-shaped temporary credentials and remembers who they are for', () => {
    const now = Date.parse('2026-01-01T00:00:00.500Z');
    const store = new CredentialStore({ now: () => now });
    const issued = store.issue({ roleArn, subject: 'amazon|42', sessionName: 'buyer-42' });
    assert.match(issued.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(issued.secretAccessKey.length, 40);
    assert.ok(issued.sessionToken.length > 100);
    assert.equal(issued.expiration.toISOString(), '2026-01-01T01:00:00.000Z');
    const stored = store.lookup(issued.accessKeyId);
    assert.equal(stored?.roleArn, roleArn);
    assert.equal(stored?.subject, 'amazon|42');
    assert.equal(
      stored?.assumedRoleArn,
      'arn:aws:sts::000000000000:assumed-role/pets-buyer/buyer-42',
    );
    assert.match(stored?.assumedRoleId ?? '', /^AROA[A-Z2-7]{17}:buyer-42$/);
    assert.equal(stored?.sessionToken, issued.sessionToken);
    assert.equal(store.lookup('ASIAUNKNOWN000000000'), undefined);
  });

  it('gives every call fresh keys but a stable role id', () => {
    const store = new CredentialStore();
    const a = store.issue({ roleArn, subject: 's', sessionName: 'one' });
    const b = store.issue({ roleArn, subject: 's', sessionName: 'two' });
    assert.notEqual(a.accessKeyId, b.accessKeyId);
    assert.notEqual(a.secretAccessKey, b.secretAccessKey);
    assert.equal(
      store.lookup(a.accessKeyId)?.assumedRoleId.split(':')[0],
      store.lookup(b.accessKeyId)?.assumedRoleId.split(':')[0],
    );
  });

  it('takes durations from 900 to 43200 seconds only', () => {
    let now = 0;
    const store = new CredentialStore({ now: () => now });
    assert.equal(
      store
        .issue({ roleArn, subject: 's', sessionName: 'ss', durationSeconds: 900 })
        .expiration.getTime(),
      900_000,
    );
    now = 10_000;
    assert.equal(
      store
        .issue({ roleArn, subject: 's', sessionName: 'ss', durationSeconds: 43200 })
        .expiration.getTime(),
      10_000 + 43_200_000,
    );
    for (const durationSeconds of [899, 43201, 1000.5, Number.NaN]) {
      assert.throws(
        () => store.issue({ roleArn, subject: 's', sessionName: 'ss', durationSeconds }),
        CredentialRequestError,
      );
    }
    assert.throws(
      () => store.issue({ roleArn: 'pets-admin', subject: 's', sessionName: 'ss' }),
      CredentialRequestError,
    );
    assert.throws(
      () => store.issue({ roleArn, subject: 's', sessionName: 'has space' }),
      CredentialRequestError,
    );
  });
});

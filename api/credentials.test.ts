import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appSessionDuration,
  assumedRoleArn,
  assumedRoleId,
  isAppSessionDuration,
  isSessionDuration,
  roleIdFor,
  sessionDuration,
  sessionNameFor,
  sessionNamePattern,
} from './credentials';
import { maxSessionDuration } from './roles';

describe('credential rules', () => {
  it('bounds durations as STS does, the default inside them', () => {
    const { minSeconds, maxSeconds, defaultSeconds } = sessionDuration;
    assert.ok(isSessionDuration(minSeconds) && isSessionDuration(maxSeconds));
    assert.ok(isSessionDuration(defaultSeconds));
    for (const bad of [minSeconds - 1, maxSeconds + 1, 1000.5, '900', undefined]) {
      assert.ok(!isSessionDuration(bad), String(bad));
    }
  });

  it('lets the app ask for no more than every role’s MaxSessionDuration', () => {
    assert.equal(appSessionDuration.maxSeconds, Math.min(...Object.values(maxSessionDuration)));
    assert.equal(appSessionDuration.maxSeconds, 3600);
    assert.ok(isAppSessionDuration(sessionDuration.defaultSeconds));
    assert.ok(isAppSessionDuration(appSessionDuration.maxSeconds));
    assert.ok(!isAppSessionDuration(appSessionDuration.maxSeconds + 1));
    assert.ok(!isAppSessionDuration(sessionDuration.maxSeconds));
  });

  it('turns any sub into a session name STS accepts', () => {
    for (const sub of ['auth0|abc', 'amazon|amzn1.account.X', 'x', `a|${'b'.repeat(100)}`, 'é ü']) {
      assert.match(sessionNameFor(sub), sessionNamePattern, sub);
    }
    assert.equal(sessionNameFor('auth0|abc'), 'auth0-abc');
    assert.equal(sessionNameFor('x'), 'x-');
  });

  it('names the assumed role and derives one stable role id per role', () => {
    const role = 'arn:aws:iam::000000000000:role/pets-admin';
    assert.equal(
      assumedRoleArn('000000000000', 'pets-admin', 's1'),
      'arn:aws:sts::000000000000:assumed-role/pets-admin/s1',
    );
    assert.match(roleIdFor(role), /^AROA[A-Z2-7]{17}$/);
    assert.equal(roleIdFor(role), roleIdFor(role));
    assert.notEqual(roleIdFor(role), roleIdFor(role.replace('admin', 'buyer')));
    assert.equal(assumedRoleId(role, 's1'), `${roleIdFor(role)}:s1`);
  });
});

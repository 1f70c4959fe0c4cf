import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionOf, databaseSub, databaseUserId, roleArn, roleOf, trustedSubs } from './roles';

describe('roles', () => {
  it('makes database users admins and every social user a buyer', () => {
    assert.equal(roleOf(databaseSub('abc')), 'admin');
    assert.equal(roleOf('amazon|amzn1.account.X'), 'buyer');
    assert.equal(roleOf('google-oauth2|auth0|x'), 'buyer');
    assert.equal(connectionOf('Auth0|abc'), 'social', 'the prefix is case-sensitive, as IAM is');
  });

  it('reads the user id back out of a database sub only', () => {
    assert.equal(databaseUserId(databaseSub('u-1')), 'u-1');
    assert.equal(databaseUserId('amazon|u-1'), undefined);
  });

  it('trusts the database users for admin and everyone else for buyer', () => {
    const admin = trustedSubs('admin');
    const buyer = trustedSubs('buyer');
    assert.deepEqual(admin.like, buyer.notLike);
    assert.equal(admin.notLike, undefined);
    assert.equal(buyer.like, undefined);
    assert.ok(
      admin.like?.every((p) => p.endsWith('*') && roleOf(p.slice(0, -1) + 'x') === 'admin'),
    );
  });

  it('names role ARNs in the account', () => {
    assert.equal(roleArn('buyer', '123456789012'), 'arn:aws:iam::123456789012:role/pets-buyer');
  });
});

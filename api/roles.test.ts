import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdminListError,
  checkAdmins,
  connectionOf,
  databaseSub,
  databaseUserId,
  grantedRole,
  parseAdmins,
  roleArn,
  roleOf,
  trustedSubs,
} from './roles';

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

  it('trusts the named admins for admin and everyone but database users for buyer', () => {
    const admins = [databaseSub('a1'), databaseSub('a2')];
    assert.deepEqual(trustedSubs('admin', admins), { equals: admins });
    assert.deepEqual(trustedSubs('buyer', admins), { notLike: ['auth0|*'] });
    assert.ok(admins.every((sub) => roleOf(sub) === 'admin'));
  });

  it('grants admin to listed database users only, buyer to social users, nothing to the rest', () => {
    const admins = [databaseSub('a1')];
    assert.equal(grantedRole(databaseSub('a1'), admins), 'admin');
    assert.equal(grantedRole(databaseSub('signed-up'), admins), undefined);
    assert.equal(grantedRole('amazon|x', admins), 'buyer');
    assert.equal(grantedRole('amazon|x', ['amazon|x']), 'buyer');
  });

  it('refuses an empty admin list or one naming anything but database users', () => {
    assert.throws(() => checkAdmins([]), AdminListError);
    assert.throws(() => trustedSubs('admin', []), AdminListError);
    for (const bad of ['auth0|*', 'auth0|a?', 'amazon|x', 'auth0|', 'auth0|a,b', 'Auth0|a']) {
      assert.throws(() => checkAdmins([bad]), AdminListError, bad);
    }
    assert.deepEqual(parseAdmins(' auth0|a , auth0|b,,auth0|a '), ['auth0|a', 'auth0|b']);
    assert.throws(() => parseAdmins(' , '), AdminListError);
  });

  it('names role ARNs in the account', () => {
    assert.equal(roleArn('buyer', '123456789012'), 'arn:aws:iam::123456789012:role/pets-buyer');
  });
});

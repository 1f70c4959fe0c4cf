// The IdP's user files: one per user, and data folders from before that migrated.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  EmailError,
  hashPassword,
  seededAdmin,
  seededUsers,
  SocialDirectory,
  socialSub,
  UserStore,
} from './users';

describe('IdP user files', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-users-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('migrates users.json and social-users.json to one file per user, then removes them', async () => {
    const admin = {
      id: 'a'.repeat(24),
      email: seededAdmin.email,
      passwordHash: await hashPassword(seededAdmin.password),
    };
    await writeFile(join(dataDir, 'users.json'), JSON.stringify([admin]));
    const bloated = `${'x'.repeat(60 * 1024)}@example.com`;
    await writeFile(
      join(dataDir, 'social-users.json'),
      JSON.stringify({
        [socialSub('kept@example.com')]: 'kept@example.com',
        [socialSub(bloated)]: bloated,
        [socialSub('other@example.com')]: 'forged@example.com',
      }),
    );

    const users = await UserStore.open(dataDir);
    const social = await SocialDirectory.open(dataDir);

    const names = await readdir(dataDir);
    assert.ok(!names.includes('users.json') && !names.includes('social-users.json'));
    // The admin keeps their id (so their sub), and the unverified test user is added.
    assert.equal((await users.authenticate(seededAdmin.email, seededAdmin.password))?.id, admin.id);
    assert.equal(users.findById(admin.id)?.emailVerified, undefined, 'verified, as before');
    assert.equal(users.findByEmail(seededUsers.unverified.email)?.emailVerified, false);
    const userFiles = await readdir(join(dataDir, 'users'));
    assert.equal(userFiles.length, 2);
    assert.ok(userFiles.includes(`${admin.id}.json`));
    // Only identities a sign-in could make today are kept.
    assert.equal(await social.emailOf(socialSub('kept@example.com')), 'kept@example.com');
    assert.equal(await social.emailOf(socialSub(bloated)), undefined);
    assert.equal(await social.emailOf(socialSub('other@example.com')), undefined);
    assert.equal((await readdir(join(dataDir, 'social'))).length, 1);

    // Opening again finds the same users and writes nothing new.
    const again = await UserStore.open(dataDir);
    assert.equal(again.findByEmail(seededAdmin.email)?.id, admin.id);
    assert.deepEqual((await readdir(join(dataDir, 'users'))).sort(), userFiles.sort());
  });

  it('writes a sign-up as its own private file and never more than the cap allows', async () => {
    const social = await SocialDirectory.open(dataDir);
    const sub = await social.remember(' Buyer@Example.com ');
    assert.equal(sub, socialSub('buyer@example.com'));
    const [file] = await readdir(join(dataDir, 'social'));
    assert.ok(file);
    const path = join(dataDir, 'social', file);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {
      sub,
      email: 'buyer@example.com',
    });
    await assert.rejects(social.remember(`${'a'.repeat(243)}@example.com`), EmailError);
    await assert.rejects(social.remember('not-an-email'), EmailError);
    assert.equal((await readdir(join(dataDir, 'social'))).length, 1, 'nothing stored');
    assert.equal(await social.emailOf('amazon|../../users'), undefined);
  });
});

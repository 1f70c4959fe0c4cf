// The IdP's in-memory storage: expired entries go on a timer, not only when read.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { AdjustableClock } from '../clock';
import { MemoryStorage } from './adapter';

describe('IdP memory storage', () => {
  let clock: AdjustableClock;
  let storage: MemoryStorage;
  beforeEach(() => {
    // Only the sweep's interval is faked; the stored times follow the adjustable clock.
    mock.timers.enable({ apis: ['setInterval'] });
    clock = new AdjustableClock();
    storage = new MemoryStorage({ now: clock.now, sweepEveryMs: 60_000, maxInteractions: 3 });
  });
  afterEach(() => {
    storage.close();
    mock.timers.reset();
  });

  it('drops expired interactions, sessions and tokens on its timer, unread', async () => {
    const interactions = storage.adapter('Interaction');
    const sessions = storage.adapter('Session');
    const tokens = storage.adapter('AccessToken');
    await interactions.upsert('i1', { uid: 'u1', exp: 0 }, 60);
    await sessions.upsert('s1', { uid: 'su1' }, 3600);
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await tokens.upsert('t2', { grantId: 'g1' }, 7200);

    clock.offsetMs = 61_000;
    assert.deepEqual(storage.sizes, { Interaction: 1, Session: 1, AccessToken: 2 });
    mock.timers.tick(60_000);
    assert.deepEqual(storage.sizes, { Interaction: 0, Session: 1, AccessToken: 1 });
    assert.equal(await interactions.findByUid?.('u1'), undefined);
    assert.deepEqual(await sessions.findByUid?.('su1'), { uid: 'su1' });

    clock.offsetMs = 3601_000;
    mock.timers.tick(60_000);
    assert.deepEqual(storage.sizes, { Interaction: 0, Session: 0, AccessToken: 1 });
    await tokens.revokeByGrantId?.('g1');
    assert.deepEqual(storage.sizes, { Interaction: 0, Session: 0, AccessToken: 0 });
  });

  it('still refuses an expired entry read before the timer runs', async () => {
    const grants = storage.adapter('Grant');
    await grants.upsert('g', { accountId: 'a' }, 10);
    assert.deepEqual(await grants.find('g'), { accountId: 'a' });
    clock.offsetMs = 10_000;
    assert.equal(await grants.find('g'), undefined);
  });

  it('keeps at most maxInteractions sign-ins in progress, dropping the oldest', async () => {
    const interactions = storage.adapter('Interaction');
    for (const id of ['a', 'b', 'c', 'd', 'e']) await interactions.upsert(id, { uid: id }, 3600);
    assert.equal(storage.sizes['Interaction'], 3);
    assert.equal(await interactions.find('a'), undefined);
    assert.equal(await interactions.find('b'), undefined);
    assert.deepEqual(await interactions.find('e'), { uid: 'e' });
  });
});

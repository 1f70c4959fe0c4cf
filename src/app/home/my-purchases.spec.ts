import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { Auth } from '../auth/auth';
import { MyPurchases } from './my-purchases';

describe('MyPurchases', () => {
  let f: ReturnType<typeof fakes>;
  const mine = () => f.apig.callsOf('POST', '/test/pets/mine');

  function start(token: string): MyPurchases {
    signIn(f.storage, token);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    return TestBed.inject(MyPurchases);
  }

  beforeEach(() => {
    f = fakes();
    f.apig.pets[0] = { ...f.apig.pets[0]!, isSold: true, soldTo: 'pat@example.com' };
  });

  it("loads a buyer's purchases once, however often it is asked", async () => {
    const purchases = start(idToken('amazon|p', 'pat@example.com'));
    const [a, b] = [purchases.load(), purchases.load()];
    expect(purchases.loading()).toBeTrue();
    await Promise.all([a, b]);
    await purchases.load();
    expect(mine().length).toBe(1);
    expect([...purchases.ids()]).toEqual([1]);
    expect(purchases.loading()).toBeFalse();
    expect(purchases.error()).toBeNull();
  });

  it('asks nothing for an admin, and remembers no purchase for one', async () => {
    const purchases = start(idToken('auth0|a', 'admin@example.com'));
    await purchases.load();
    purchases.add(2);
    expect(mine().length).toBe(0);
    expect(purchases.ids().size).toBe(0);
    expect(purchases.loading()).toBeFalse();
  });

  it('forgets them at logout: the next user never sees them', async () => {
    const purchases = start(idToken('amazon|p', 'pat@example.com'));
    await purchases.load();
    purchases.add(2);
    expect([...purchases.ids()].sort()).toEqual([1, 2]);
    await TestBed.inject(Auth).logout();
    await settle();
    expect(purchases.ids().size).toBe(0);
    await purchases.load();
    expect(mine().length).toBe(1);
  });

  it('drops an answer that arrives after the buyer signed out', async () => {
    f.apig.hold = true;
    const purchases = start(idToken('amazon|p', 'pat@example.com'));
    const loading = purchases.load();
    await settle();
    await TestBed.inject(Auth).logout();
    f.apig.release();
    await loading;
    expect(purchases.ids().size).toBe(0);
    expect(purchases.loading()).toBeFalse();
  });
});

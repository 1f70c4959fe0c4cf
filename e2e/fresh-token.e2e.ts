import { idTokenMaxAgeSeconds } from '../api/id-token';
import {
  expect,
  filterByType,
  sessionStorageOf,
  setCloudClockOffset,
  signInAsBuyer,
  stockPets,
  storageKeys,
  test,
  uniqueType,
} from './support';

test('a buyer whose ID token is too old to send still buys: the app renews it silently first', async ({
  page,
  person,
}) => {
  const type = uniqueType('tortoise');
  await stockPets(await person(), [[type, '42']]);

  await page.clock.install();
  // The home page asks for the buyer's purchases after sign-in: the clocks may only
  // move once that signed call is answered, or the gateway sees it 61 minutes stale.
  const ownPurchases = page.waitForResponse((r) => r.url().endsWith('/pets/mine'));
  await signInAsBuyer(page, `steady-${Date.now()}@example.com`);
  expect((await ownPurchases).status()).toBe(200);
  const { idToken: signedIn } = JSON.parse(
    (await sessionStorageOf(page))[storageKeys.session] ?? '{}',
  ) as { idToken?: string };
  expect(signedIn).toEqual(expect.any(String));

  // Silent renewals: auth0-js's checkSession, an /authorize answered by web_message.
  const renewals: number[] = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/authorize' && url.searchParams.get('response_mode') === 'web_message') {
      renewals.push(r.status());
    }
  });
  const sentTokens: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/pets/purchase')) {
      sentTokens.push((JSON.parse(r.postData() ?? '{}') as { authToken: string }).authToken);
    }
  });

  // Four minutes short of the Lambdas' maximum token age, on both sides (SigV4 refuses
  // more than 5 minutes of skew; STS and the gateway read the cloud's clock): past the
  // app's own limit, five minutes short, so it renews before it sends. ID tokens live
  // no longer than that age (idTokenLifetimeSeconds), so an older one has expired, and
  // the local IdP's tokens follow the real clock: a later time would be past their exp.
  const later = (idTokenMaxAgeSeconds - 4 * 60) * 1000;
  await setCloudClockOffset(later);
  try {
    await page.clock.fastForward(later);
    await filterByType(page, type);
    await page.getByRole('button', { name: `Buy ${type} for $42.00` }).click();
    await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(renewals).toEqual([200]);
    expect(sentTokens).toHaveLength(1);
    expect(sentTokens[0]).not.toBe(signedIn);
    const { idToken: stored } = JSON.parse(
      (await sessionStorageOf(page))[storageKeys.session] ?? '{}',
    ) as { idToken?: string };
    expect(stored).toBe(sentTokens[0]);
  } finally {
    await setCloudClockOffset(0);
  }
});

import { idTokenMaxAgeSeconds } from '../api/id-token';
import {
  expect,
  filterByType,
  setCloudClockOffset,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

test('a buyer whose silent renewal fails is told so, logs in again and is back on the same page to buy', async ({
  page,
  person,
}) => {
  const type = uniqueType('ferret');
  const email = `returning-${Date.now()}@example.com`;
  await stockPets(await person(), [[type, '17']]);

  await page.clock.install();
  // The home page asks for the buyer's purchases after sign-in: the clocks may only
  // move once that signed call is answered, or the gateway sees it 56 minutes stale.
  const ownPurchases = page.waitForResponse((r) => r.url().endsWith('/pets/mine'));
  await signInAsBuyer(page, email);
  expect((await ownPurchases).status()).toBe(200);

  // Silent renewals: auth0-js's checkSession, an /authorize answered by web_message.
  const renewals: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/authorize') {
      renewals.push(url.searchParams.get('prompt') ?? 'login');
    }
  });
  const purchases: number[] = [];
  page.on('response', (r) => {
    const request = r.request();
    if (request.method() === 'POST' && new URL(r.url()).pathname.endsWith('/pets/purchase')) {
      purchases.push(r.status());
    }
  });

  // The identity provider's session cookie is gone, as Safari, Firefox and Brave
  // withhold it from the renewal's third-party iframe: prompt=none answers
  // login_required.
  await page.context().clearCookies();

  // As in fresh-token.e2e.ts: past the app's limit for a token it sends, so Buy renews
  // first; both clocks move, as SigV4 refuses more than 5 minutes of skew.
  const later = (idTokenMaxAgeSeconds - 4 * 60) * 1000;
  await setCloudClockOffset(later);
  try {
    await page.clock.fastForward(later);
    await filterByType(page, type);
    const where = page.url();
    await page.getByRole('button', { name: `Buy ${type} for $17.00` }).click();

    // The page stays and says why; nothing was bought, nothing else is alarming.
    const alert = page.getByRole('alert');
    await expect(alert).toHaveText('Your session has ended. Log in again to continue.');
    await expect(alert).toHaveCount(1);
    expect(renewals).toEqual(['none']);
    expect(purchases).toEqual([]);
    expect(page.url()).toBe(where);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${email}`);
    await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Buy/ })).toHaveCount(0);

    // Log in again, through the identity provider's page, as the same buyer.
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Continue with Amazon' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back on the same page, signed in, and the purchase goes through.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${email}`);
    expect(page.url()).toBe(where);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await filterByType(page, type);
    await page.getByRole('button', { name: `Buy ${type} for $17.00` }).click();
    await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(purchases).toEqual([200]);
  } finally {
    await setCloudClockOffset(0);
  }
});

import type { Page } from '@playwright/test';
import {
  endpoints,
  expect,
  filterByType,
  petItem,
  screenshot,
  stockPets,
  storageKeys,
  submitNewPet,
  test,
  uniqueType,
} from './support';

/** Every request a page sends to the local STS (the AWS edge's root, as the SDK posts). */
function watchSts(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === endpoints.aws && url.pathname === '/')
      calls.push(`${r.method()} ${r.url()}`);
  });
  return calls;
}

/** The console errors of a page, but Chromium's own line for a request that failed. */
function watchConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Through the simulated social connection, from the IdP's page the app sent the browser to. */
async function signInAtIdp(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue with Amazon' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${email}`);
}

test('a signed-out visitor sees the catalogue, one Log in and no Buy, and never calls STS', async ({
  page,
  person,
}) => {
  const type = uniqueType('shopfront');
  await stockPets(await person(), [[type, '12']]);
  const sts = watchSts(page);

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Secure Pets');
  await expect(page.getByRole('listitem').first()).toBeVisible();
  for (const label of ['Filter by type', 'Sort by', 'Show']) {
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Log in' })).toHaveCount(1);
  await expect(page.getByRole('button', { name: /^Buy/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  await screenshot(page, 'store-front');

  await filterByType(page, type);
  await expect(petItem(page, type)).toContainText('$12.00');
  await expect(petItem(page, type).getByRole('button')).toHaveCount(0);

  expect(sts).toEqual([]);
  const storage = await page.evaluate(() => Object.keys(sessionStorage));
  expect(storage).not.toContain(storageKeys.session);
  expect(storage).not.toContain(storageKeys.credentials);
});

test('signing in from a filtered, sorted list comes back to it, where the buyer can buy', async ({
  page,
  person,
}) => {
  const type = uniqueType('return');
  const admin = await person();
  await stockPets(admin, [[type, '5']]);
  await submitNewPet(admin, type, '7'); // the same type again: addPet expects one row of it
  await expect(admin.getByRole('status')).toContainText(`Added the ${type} for $7.00`);
  await page.goto('/');
  await filterByType(page, type);
  await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
  await expect(page).toHaveURL(`/?type=${type}&sort=-price`);
  await expect(page.getByRole('listitem').first()).toContainText('$7.00');

  await page.getByRole('button', { name: 'Log in' }).click();
  await signInAtIdp(page, `returning-${Date.now()}@example.com`);

  await expect(page).toHaveURL(`/?type=${type}&sort=-price`);
  await expect(page.getByLabel('Filter by type')).toHaveValue(type);
  await expect(page.getByLabel('Sort by')).toHaveValue('-price');
  // A move inside the app (the callback page to this one): focus is on the main heading.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const rows = page.getByRole('listitem');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('$7.00');
  await page.getByRole('button', { name: `Buy ${type} for $7.00` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type} for $7.00`);
});

for (const hostile of [
  '//evil.example',
  'https://evil.example',
  '/\\evil.example',
  'javascript:alert(1)',
]) {
  test(`a hostile returnTo (${hostile}) lands on the store front`, async ({ page }) => {
    await page.goto(`/login?returnTo=${encodeURIComponent(hostile)}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await signInAtIdp(page, `hostile-${Date.now()}@example.com`);
    await expect(page).toHaveURL('/');
    expect(new URL(page.url()).origin).toBe(new URL(test.info().project.use.baseURL!).origin);
  });
}

test('with the API down the store front says so in an alert, and Try again loads it', async ({
  page,
}) => {
  const errors = watchConsoleErrors(page);
  // The public list, through the CDN (the site's origin) or from the API itself.
  const publicList = (url: URL) => url.pathname === '/test/pets';
  await page.route(publicList, (route) => route.abort('connectionrefused'));

  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('could not be reached');
  await expect(page.getByText('The pets could not be loaded.')).toBeVisible();

  await page.unroute(publicList);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('listitem').first()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a signed-in user's reload never paints the signed-out store front", async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Log in' }).click();
  await signInAtIdp(page, `reload-${Date.now()}@example.com`);

  // Before every frame from the start of the document: is a signed-out part on screen?
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { signedOutSeen: string[] }).signedOutSeen = seen;
    const started = performance.now();
    const look = () => {
      for (const element of Array.from(document.querySelectorAll('button, h1'))) {
        const text = element.textContent?.trim() ?? '';
        if (
          (text === 'Log in' || text === 'Secure Pets') &&
          element.checkVisibility({ visibilityProperty: true })
        ) {
          seen.push(`${text} at ${Math.round(performance.now() - started)} ms`);
        }
      }
      if (performance.now() - started < 3000) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome, reload-/);
  await page.waitForTimeout(500);
  expect(
    await page.evaluate(() => (window as unknown as { signedOutSeen: string[] }).signedOutSeen),
  ).toEqual([]);
});

test('Log in clicked before the app has started still takes the visitor to sign in', async ({
  page,
}) => {
  // The app's entry script held back, as on a slow phone: the prerendered store front
  // is all there is when the visitor clicks.
  let release: (() => void) | undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/main-[A-Z0-9]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/', { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('app-root[ng-server-context]')).toHaveCount(1);
  expect(page.url()).toMatch(/\/$/);

  release?.();
  await expect(page.getByRole('button', { name: 'Continue with Amazon' })).toBeVisible();
});

import type { Page, Response } from '@playwright/test';
import { publicCache } from '../api/cdn-cache';
import {
  countRequests,
  expect,
  filterByType,
  petItem,
  screenshot,
  signInAsBuyer,
  signOut,
  stockPets,
  test,
  uniqueType,
} from './support';

/** Collects the bodies of the public list's answers (`GET /pets`) a page receives. */
function publicAnswers(page: Page): () => Promise<string[]> {
  const bodies: Promise<string>[] = [];
  page.on('response', (r: Response) => {
    if (r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/pets')) {
      bodies.push(r.text().catch(() => ''));
    }
  });
  return () => Promise.all(bodies);
}

test('a buyer buys a pet and sees it as theirs in a new session; another buyer sees it sold, and no email', async ({
  page,
  person,
}) => {
  const type = uniqueType('puppy');
  await stockPets(await person(), [[type, '99.99']]);

  const buyer = 'pat@example.com';
  await signInAsBuyer(page, buyer);
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add pet' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Sales' })).toHaveCount(0);
  await filterByType(page, type);
  const loads = countRequests(page, 'GET', '/pets');
  await page.getByRole('button', { name: `Buy ${type} for $99.99` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
  const soldAt = Date.now();
  await expect(petItem(page, type)).toContainText('Sold');
  await expect(petItem(page, type)).toContainText('Bought by you');
  // The purchase's answer updated the row: the catalogue was not downloaded again.
  expect(loads()).toBe(0);

  // Another day, a new session: the public list does not say who bought a pet, so the
  // app asks for the buyer's own purchases, once for the sign-in, not per page.
  await signOut(page);
  const mine = countRequests(page, 'POST', '/pets/mine');
  await signInAsBuyer(page, buyer);
  await filterByType(page, type);
  await expect(petItem(page, type)).toContainText('Sold');
  await expect(petItem(page, type)).toContainText('Bought by you');
  await expect(petItem(page, type)).not.toContainText('@');
  await filterByType(page, '');
  expect(mine()).toBe(1);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await screenshot(page, 'buyer-home');

  const other = await person();
  // Others read the catalogue through the CDN, where a sale shows within max-age
  // (docs/design.md "Public reads through the CDN"): this page was cached before it.
  await other.waitForTimeout(Math.max(0, soldAt + publicCache.maxAgeSeconds * 1000 - Date.now()));
  const answers = publicAnswers(other);
  const otherEmail = `second-${Date.now()}@example.com`;
  await signInAsBuyer(other, otherEmail);
  await filterByType(other, type);
  await expect(petItem(other, type)).toContainText('Sold');
  await expect(petItem(other, type)).not.toContainText('Bought by you');
  await expect(other.getByRole('button', { name: new RegExp(`^Buy ${type}`) })).toHaveCount(0);
  // No email address anywhere on the page but the buyer's own, in the greeting...
  const shown = (await other.locator('body').innerText()).replaceAll(otherEmail, '');
  expect(shown).not.toContain('@');
  expect(await other.content()).not.toContain(buyer);
  // ...nor in what the public list sent to the browser.
  const bodies = await answers();
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) expect(body).not.toContain('@');
});

test('two buyers race for one pet: exactly one gets it', async ({ person }) => {
  const type = uniqueType('kitten');
  await stockPets(await person(), [[type, '10']]);

  const buyers = [`racer-a-${Date.now()}@example.com`, `racer-b-${Date.now()}@example.com`];
  const pages = [await person(), await person()];
  for (const [i, page] of pages.entries()) {
    await signInAsBuyer(page, buyers[i]!);
    await filterByType(page, type);
  }
  await Promise.all(
    pages.map((page) => page.getByRole('button', { name: `Buy ${type} for $10.00` }).click()),
  );

  const outcomes = await Promise.all(
    pages.map(async (page) => {
      const bought = page.getByRole('status').filter({ hasText: `You bought the ${type}` });
      const refused = page.getByRole('alert').filter({ hasText: 'no longer available' });
      await expect(bought.or(refused)).toBeVisible();
      return (await bought.count()) > 0 ? 'bought' : 'refused';
    }),
  );
  expect([...outcomes].sort()).toEqual(['bought', 'refused']);

  for (const [i, page] of pages.entries()) {
    // Both rows show the pet sold, with no Buy button; only the winner's says whose it is.
    await expect(petItem(page, type)).toContainText('Sold');
    await expect(page.getByRole('button', { name: new RegExp(`^Buy ${type}`) })).toHaveCount(0);
    const mine = petItem(page, type).getByText('Bought by you');
    await expect(mine).toHaveCount(outcomes[i] === 'bought' ? 1 : 0);
    await expect(petItem(page, type)).not.toContainText('@');
  }
});

import type { Page, Request } from '@playwright/test';
import {
  endpoints,
  expect,
  filterByType,
  petItem,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

/** The public list's requests (`GET …/pets`) a page makes from now on, with their answers. */
function publicReads(page: Page): Request[] {
  const reads: Request[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname.endsWith('/pets')) reads.push(r);
  });
  return reads;
}

test('the app reads the catalogue through the CDN; a buyer’s own purchase shows at once, others’ within seconds', async ({
  page,
  person,
}) => {
  const type = uniqueType('kitten');
  await stockPets(await person(), [[type, '42.00']]);
  const site = new URL(test.info().project.use.baseURL!).origin;

  const reads = publicReads(page);
  await signInAsBuyer(page, `cdn-${Date.now()}@example.com`);
  await filterByType(page, type);
  // Every page so far came from the site's CDN path (config.json api.publicUrl).
  expect(reads.length).toBeGreaterThan(0);
  for (const r of reads)
    expect(new URL(r.url()).origin + new URL(r.url()).pathname).toBe(`${site}/test/pets`);
  const answer = await reads.at(-1)!.response();
  expect(answer?.headers()['x-cache']).toMatch(/^(Hit|Miss) from cloudfront$/);
  expect(answer?.headers()['cache-control']).toBe('public, max-age=5');

  // The same page from the CDN again holds the pet unsold; after buying, the buyer's
  // own reads skip the CDN, so the page shows the sale whatever the cache holds.
  const viewer = await person();
  await signInAsBuyer(viewer, `cdn-viewer-${Date.now()}@example.com`);
  await filterByType(viewer, type);
  await expect(viewer.getByRole('button', { name: `Buy ${type} for $42.00` })).toBeVisible();
  await page.getByRole('button', { name: `Buy ${type} for $42.00` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
  const before = reads.length;
  await filterByType(page, '');
  await filterByType(page, type);
  await expect(petItem(page, type)).toContainText('Sold');
  const after = reads.slice(before);
  expect(after.length).toBeGreaterThan(0);
  for (const r of after) expect(new URL(r.url()).origin).toBe(endpoints.aws);

  // Someone else reads through the CDN: the sale shows once the cached page expires.
  await expect
    .poll(
      async () => {
        await filterByType(viewer, '');
        await filterByType(viewer, type);
        return petItem(viewer, type).textContent();
      },
      { timeout: 15_000, intervals: [1_000] },
    )
    .toContain('Sold');
});

import type { Page } from '@playwright/test';
import {
  expect,
  filterByType,
  pageSize,
  seedStore,
  seriousAccessibilityViolations,
  signInAsBuyer,
  test,
} from './support';

/** A store big enough that nobody would want it in one list. */
const storeSize = 10_000;

const priceOf = (text: string) => Number(/\$([\d,]+\.\d\d)/.exec(text)![1]!.replace(/,/g, ''));

/**
 * The prices of the rows, once they are a full page in this order: right after a
 * control changes the old rows may still show, and they are not in the new order.
 */
async function sortedPrices(page: Page, order: 1 | -1): Promise<number[]> {
  const prices = async () => (await page.getByRole('listitem').allTextContents()).map(priceOf);
  await expect
    .poll(async () => {
      const p = await prices();
      return p.length === pageSize && p.every((x, i) => i === 0 || (x - p[i - 1]!) * order >= 0);
    })
    .toBe(true);
  return prices();
}

/** Records the most pet rows the page ever held, from every change to the DOM. */
async function watchRowCount(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { maxRows: number };
    w.maxRows = document.querySelectorAll('li').length;
    new MutationObserver(() => {
      w.maxRows = Math.max(w.maxRows, document.querySelectorAll('li').length);
    }).observe(document.body, { childList: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { maxRows: number }).maxRows);
}

test('a buyer browses 10,000 pets a page at a time', async ({ page }) => {
  test.setTimeout(300_000);
  await seedStore(storeSize);

  await signInAsBuyer(page, `browser-${Date.now()}@example.com`);
  const rows = page.getByRole('listitem');
  const next = page.getByRole('button', { name: 'Next page' });
  const previous = page.getByRole('button', { name: 'Previous page' });
  const listHeading = page.getByRole('heading', { level: 2, name: /^Pets/ });
  const pageNumber = (n: number) => page.getByText(`Page ${n}`, { exact: true });
  await expect(rows).toHaveCount(pageSize);
  const maxRows = await watchRowCount(page);

  // Newest first, forward three pages and back: each page is new, and back is as before.
  await expect(page.getByLabel('Sort by')).toHaveValue('-id');
  await expect(previous).toBeDisabled();
  const seen = [await rows.allTextContents()];
  for (let n = 2; n <= 4; n++) {
    await next.click();
    await expect(pageNumber(n)).toBeVisible();
    await expect(listHeading).toBeFocused();
    await expect(rows).toHaveCount(pageSize);
    const texts = await rows.allTextContents();
    expect(seen).not.toContainEqual(texts);
    seen.push(texts);
  }
  for (let n = 3; n >= 1; n--) {
    await previous.click();
    await expect(pageNumber(n)).toBeVisible();
    await expect(rows).toHaveCount(pageSize);
    expect(await rows.allTextContents()).toEqual(seen[n - 1]);
  }
  await expect(previous).toBeDisabled();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  // One type, cheapest first: every row is that type, in order, across pages too.
  await filterByType(page, 'hamster');
  await page.getByLabel('Sort by').selectOption({ label: 'Price: low to high' });
  let lastPrice = 0;
  for (let n = 1; n <= 3; n++) {
    if (n > 1) await next.click();
    await expect(pageNumber(n)).toBeVisible();
    const prices = await sortedPrices(page, 1);
    await expect(rows.filter({ hasNotText: 'hamster' })).toHaveCount(0);
    expect(prices[0]).toBeGreaterThanOrEqual(lastPrice);
    lastPrice = prices.at(-1)!;
  }

  // Dearest first over the whole store, and a type that no pet has.
  await filterByType(page, '');
  await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
  await expect(pageNumber(1)).toBeVisible();
  await sortedPrices(page, -1);
  await filterByType(page, 'unicorn');
  await expect(page.getByText('No pets match')).toBeVisible();
  await expect(next).toBeDisabled();

  expect(await maxRows()).toBeLessThanOrEqual(pageSize);
});

test('a buyer who pages finds the next page read ahead, and a pointer on Next page reads it too', async ({
  page,
}) => {
  await seedStore(storeSize);
  await signInAsBuyer(page, `reader-${Date.now()}@example.com`);
  const next = page.getByRole('button', { name: 'Next page' });
  const pageReads: string[] = [];
  const answered = new Set<string>();
  page.on('request', (r) => {
    if (/\/pets\?/.test(r.url())) pageReads.push(r.url());
  });
  page.on('response', (r) => {
    if (r.ok()) answered.add(r.url());
  });
  const read = (url: string) => expect.poll(() => answered.has(url)).toBe(true);
  await expect(page.getByRole('listitem')).toHaveCount(pageSize);

  // A pointer reaching the button asks for page 2 before the click, and only once.
  const asked = pageReads.length;
  await next.hover();
  await expect.poll(() => pageReads.length).toBe(asked + 1);
  const page2 = pageReads.at(-1)!;
  expect(page2).toContain('cursor=');
  await read(page2);
  await next.click();
  await expect(page.getByText('Page 2', { exact: true })).toBeVisible();

  // Now paging: page 3 is read before its click, and the click asks for nothing.
  await expect.poll(() => pageReads.length).toBe(asked + 2);
  await read(pageReads.at(-1)!);
  const rowsOf2 = await page.getByRole('listitem').allTextContents();
  await next.click();
  await expect(page.getByText('Page 3', { exact: true })).toBeVisible();
  await expect(page.getByRole('listitem')).toHaveCount(pageSize);
  expect(await page.getByRole('listitem').allTextContents()).not.toEqual(rowsOf2);
  // Page 4 read ahead in turn; no page was read twice.
  await expect.poll(() => pageReads.length).toBeGreaterThanOrEqual(asked + 3);
  await read(pageReads.at(-1)!);
  const since = pageReads.slice(asked);
  expect(since).toHaveLength(3);
  expect(new Set(since).size).toBe(3);
});

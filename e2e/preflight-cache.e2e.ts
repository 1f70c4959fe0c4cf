import type { Page } from '@playwright/test';
import { api } from '../api/http-api';
import {
  endpoints,
  expect,
  filterByType,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

interface Sent {
  preflights: number;
  others: number;
}

/**
 * Counts the requests a page sends to the API (below the stage), preflights apart.
 * Playwright keeps CORS preflights out of page.on('request') (its own test "should not
 * expose preflight OPTIONS request", microsoft/playwright#39213), so they are read where
 * Chromium's DevTools shows them: the protocol's Network.requestWillBeSent.
 */
async function apiRequests(page: Page): Promise<() => Sent> {
  const session = await page.context().newCDPSession(page);
  await session.send('Network.enable');
  const apiPrefix = `${endpoints.aws}/${api.stage}/`;
  let sent: Sent = { preflights: 0, others: 0 };
  session.on('Network.requestWillBeSent', ({ request, initiator }) => {
    if (!request.url.startsWith(apiPrefix)) return;
    if (initiator.type === 'preflight' || request.method === 'OPTIONS') sent.preflights++;
    else sent.others++;
  });
  // Each call reads what was sent since the previous one.
  return () => {
    const counted = sent;
    sent = { preflights: 0, others: 0 };
    return counted;
  };
}

async function buy(page: Page, type: string, price: string): Promise<void> {
  await page.getByRole('button', { name: `Buy ${type} for $${price}` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
}

/**
 * Without Access-Control-Max-Age a browser keeps a preflight's answer 5 s (the Fetch
 * standard's default; Chromium's too), so the second purchase comes later than that.
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age
 */
const beyondDefaultPreflightCacheMs = 6_000;

test("a buyer's second purchase sends no preflight: the browser kept the first one's", async ({
  page,
  person,
}) => {
  const [first, second] = [uniqueType('finch'), uniqueType('finch')];
  await stockPets(await person(), [
    [first, '12'],
    [second, '13'],
  ]);
  await signInAsBuyer(page, `twice-${Date.now()}@example.com`);
  const sentSinceLastRead = await apiRequests(page);

  await filterByType(page, first);
  sentSinceLastRead();
  await buy(page, first, '12.00');
  const firstPurchase = sentSinceLastRead();

  await page.waitForTimeout(beyondDefaultPreflightCacheMs);
  await filterByType(page, second);
  sentSinceLastRead();
  await buy(page, second, '13.00');
  const secondPurchase = sentSinceLastRead();

  // Printed so that each run shows what one purchase costs in requests.
  console.log(
    `API requests: first purchase ${JSON.stringify(firstPurchase)}, second ${JSON.stringify(secondPurchase)}`,
  );
  expect(firstPurchase).toEqual({ preflights: 1, others: 1 });
  expect(secondPurchase).toEqual({ preflights: 0, others: 1 });
});

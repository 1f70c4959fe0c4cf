import { expect, petItem, screenshot, signInAsBuyer, stockPets, test, uniqueType } from './support';

test('a buyer buys a pet and another buyer sees it sold', async ({ page, person }) => {
  const type = uniqueType('puppy');
  await stockPets(await person(), [[type, '99.99']]);

  const buyer = 'pat@example.com';
  await signInAsBuyer(page, buyer);
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add pet' })).toHaveCount(0);
  await page.getByRole('button', { name: `Buy ${type} for $99.99` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
  await expect(petItem(page, type)).toContainText(`Sold to ${buyer}`);
  await screenshot(page, 'buyer-home');

  const other = await person();
  await signInAsBuyer(other, `second-${Date.now()}@example.com`);
  await expect(petItem(other, type)).toContainText(`Sold to ${buyer}`);
  await expect(other.getByRole('button', { name: new RegExp(`^Buy ${type}`) })).toHaveCount(0);
});

test('two buyers race for one pet: exactly one gets it', async ({ person }) => {
  const type = uniqueType('kitten');
  await stockPets(await person(), [[type, '10']]);

  const buyers = [`racer-a-${Date.now()}@example.com`, `racer-b-${Date.now()}@example.com`];
  const pages = [await person(), await person()];
  for (const [i, page] of pages.entries()) await signInAsBuyer(page, buyers[i]);
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

  const winner = buyers[outcomes.indexOf('bought')];
  for (const page of pages) {
    // The loser's list was refreshed: the pet shows as sold to the winner, with no Buy button.
    await expect(petItem(page, type)).toContainText(`Sold to ${winner}`);
    await expect(page.getByRole('button', { name: new RegExp(`^Buy ${type}`) })).toHaveCount(0);
  }
});

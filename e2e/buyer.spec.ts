import {
  expect,
  filterByType,
  petItem,
  screenshot,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

test('a buyer buys a pet and another buyer sees it sold', async ({ page, person }) => {
  const type = uniqueType('puppy');
  await stockPets(await person(), [[type, '99.99']]);

  const buyer = 'pat@example.com';
  await signInAsBuyer(page, buyer);
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add pet' })).toHaveCount(0);
  await filterByType(page, type);
  const loads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname.endsWith('/pets')) loads.push(r.url());
  });
  await page.getByRole('button', { name: `Buy ${type} for $99.99` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${type}`);
  await expect(petItem(page, type)).toContainText('Sold');
  await expect(petItem(page, type)).toContainText('Bought by you');
  // The purchase's answer updated the row: the catalogue was not downloaded again.
  expect(loads).toEqual([]);
  await filterByType(page, '');
  await screenshot(page, 'buyer-home');

  const other = await person();
  await signInAsBuyer(other, `second-${Date.now()}@example.com`);
  await filterByType(other, type);
  await expect(petItem(other, type)).toContainText('Sold');
  await expect(petItem(other, type)).not.toContainText('Bought by you');
  await expect(petItem(other, type)).not.toContainText(buyer);
  await expect(other.getByRole('button', { name: new RegExp(`^Buy ${type}`) })).toHaveCount(0);
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
  }
});

import {
  addPet,
  admin,
  expect,
  filterByType,
  petItem,
  screenshot,
  seriousAccessibilityViolations,
  showSale,
  signInAsAdmin,
  signInAsBuyer,
  stockPets,
  submitNewPet,
  test,
  uniqueType,
} from './support';

test('an admin adds a pet and removes another', async ({ page }) => {
  await signInAsAdmin(page);
  await expect(page.getByRole('list').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Buy/ })).toHaveCount(0);

  const kept = uniqueType('parrot');
  const removed = uniqueType('hamster');
  await addPet(page, kept, '42.50');
  await addPet(page, removed, '12');
  await expect(petItem(page, kept)).toContainText('$42.50');

  await filterByType(page, removed);
  await page.getByRole('button', { name: `Remove ${removed} for $12.00` }).click();
  await expect(page.getByRole('status')).toContainText(`Removed the ${removed}`);
  await expect(petItem(page, removed)).toHaveCount(0);
  await expect(page.getByText('No pets match')).toBeVisible();

  // What the admin sees is what is stored: a fresh load shows the same.
  await page.reload();
  await filterByType(page, kept);
  await expect(petItem(page, kept)).toBeVisible();
  await filterByType(page, removed);
  await expect(petItem(page, removed)).toHaveCount(0);
  await filterByType(page, '');
  await screenshot(page, 'admin-home');
});

test('an added pet shows at the top of page 1 under the filter for its type', async ({ page }) => {
  await signInAsAdmin(page);
  const type = uniqueType('ferret');
  await filterByType(page, type);
  await expect(page.getByText('No pets match')).toBeVisible();
  await addPet(page, type, '7');
  await expect(page.getByRole('listitem')).toHaveCount(1);

  // In another order the view stays as the admin chose it, and the message says where the
  // new pet went; a filter for another type hides it, and the message says that too.
  await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
  await filterByType(page, '');
  const other = uniqueType('ferret');
  await submitNewPet(page, other, '8');
  await expect(page.getByRole('status')).toHaveText(
    `Added the ${other} for $8.00. Sort by Newest first to see it at the top.`,
  );
  await expect(page.getByLabel('Sort by')).toHaveValue('-price');
  await filterByType(page, type);
  const third = uniqueType('ferret');
  await submitNewPet(page, third, '9');
  await expect(page.getByRole('status')).toHaveText(
    `Added the ${third} for $9.00. The filters you chose hide it.`,
  );
  await filterByType(page, other);
  await expect(petItem(page, other)).toContainText('$8.00');
});

test('the add form explains invalid input and saves nothing', async ({ page }) => {
  await signInAsAdmin(page);
  const type = uniqueType('ghost');
  await submitNewPet(page, type, '-3');
  await expect(page.getByLabel('Price')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(petItem(page, type)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await filterByType(page, type);
  await expect(petItem(page, type)).toHaveCount(0);
});

test('an admin sees who bought a pet on the Sales page, and the catalogue does not say', async ({
  page,
  person,
}) => {
  const type = uniqueType('lamb');
  await stockPets(page, [[type, '55']]);
  const buyer = `shopper-${Date.now()}@example.com`;
  const shopper = await person();
  await signInAsBuyer(shopper, buyer);
  await filterByType(shopper, type);
  await shopper.getByRole('button', { name: `Buy ${type} for $55.00` }).click();
  await expect(shopper.getByRole('status')).toContainText(`You bought the ${type}`);

  // The catalogue is public: it says the pet is sold, not to whom.
  await filterByType(page, type);
  await expect(petItem(page, type)).toContainText('Sold');
  await expect(petItem(page, type)).not.toContainText('@');

  await page.getByRole('link', { name: 'Sales' }).click();
  await expect(page).toHaveURL(/\/sales$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sales');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByRole('link', { name: 'Sales' })).toHaveAttribute('aria-current', 'page');
  await showSale(page, type);
  await expect(petItem(page, type)).toContainText('$55.00');
  await expect(petItem(page, type)).toContainText(`Sold to ${buyer}`);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'admin-sales');

  // A reload keeps the page; Pets leads back to the catalogue.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sales');
  await page.getByRole('link', { name: 'Pets' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${admin.email}`);

  // A buyer has no Sales page: the address leads home, and nothing asks for the sales.
  let asked = 0;
  shopper.on('request', (r) => (asked += r.url().includes('/pets/sales') ? 1 : 0));
  await shopper.goto('/sales');
  await expect(shopper.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${buyer}`);
  await expect(shopper).toHaveURL(/\/$/);
  expect(asked).toBe(0);
});

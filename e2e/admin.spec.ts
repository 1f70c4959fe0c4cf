import {
  addPet,
  expect,
  petItem,
  screenshot,
  signInAsAdmin,
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

  await page.getByRole('button', { name: `Remove ${removed} for $12.00` }).click();
  await expect(page.getByRole('status')).toContainText(`Removed the ${removed}`);
  await expect(petItem(page, removed)).toHaveCount(0);

  // What the admin sees is what is stored: a fresh load shows the same list.
  await page.reload();
  await expect(petItem(page, kept)).toBeVisible();
  await expect(petItem(page, removed)).toHaveCount(0);
  await screenshot(page, 'admin-home');
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
  await expect(petItem(page, type)).toHaveCount(0);
});

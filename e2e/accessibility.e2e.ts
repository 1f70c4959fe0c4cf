import {
  expect,
  seriousAccessibilityViolations,
  signInAsAdmin,
  signInAsBuyer,
  test,
} from './support';

test('the login page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("the admin's home has no serious accessibility violations", async ({ page }) => {
  await signInAsAdmin(page);
  await expect(page.getByRole('button', { name: 'Add pet' })).toBeVisible();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Add pet' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("the buyer's home has no serious accessibility violations", async ({ page }) => {
  await signInAsBuyer(page, `axe-${Date.now()}@example.com`);
  await expect(page.getByRole('listitem').first()).toBeVisible();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

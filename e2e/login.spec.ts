import { expect, test } from '@playwright/test';

test('the production build opens on the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});

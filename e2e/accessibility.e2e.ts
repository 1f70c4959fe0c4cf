import type { Page } from '@playwright/test';
import {
  expect,
  seriousAccessibilityViolations,
  signInAsAdmin,
  signInAsBuyer,
  test,
} from './support';

// Each page is checked on a desktop screen and at a phone's 390 px.
const screens = [
  { name: 'desktop', size: { width: 1280, height: 720 } },
  { name: '390 px wide', size: { width: 390, height: 844 } },
];

for (const screen of screens) {
  test.describe(`on ${screen.name}`, () => {
    test.use({ viewport: screen.size });

    test('the signed-out store front has no serious accessibility violations', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
      await expect(page.getByRole('listitem').first()).toBeVisible();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });

    test('the login page has no serious accessibility violations', async ({ page }) => {
      await page.goto('/login');
      await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });

    test("the admin's home and Sales page have no serious accessibility violations", async ({
      page,
    }) => {
      await signInAsAdmin(page);
      await expect(page.getByRole('button', { name: 'Add pet' })).toBeVisible();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Add pet' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('link', { name: 'Sales' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Sales' })).toBeFocused();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });

    test("the buyer's home has no serious accessibility violations", async ({ page }) => {
      await signInAsBuyer(page, `axe-${Date.now()}@example.com`);
      await expect(page.getByRole('listitem').first()).toBeVisible();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });

    test('the store front says when the pets cannot be loaded, accessibly', async ({ page }) => {
      await failPublicList(page);
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });
  });
}

async function failPublicList(page: Page): Promise<void> {
  await page.route(
    // Through the CDN (the site's origin) or from the API itself.
    (url) => url.pathname === '/test/pets',
    (route) => route.abort('connectionrefused'),
  );
}

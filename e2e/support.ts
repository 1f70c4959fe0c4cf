import AxeBuilder from '@axe-core/playwright';
import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** The e2e local cloud's endpoints (playwright.config.ts sets the ports). */
export const endpoints = {
  aws: `http://localhost:${process.env['PETS_AWS_PORT']}`,
  clock: `http://127.0.0.1:${process.env['PETS_TEST_CLOCK_PORT']}`,
};
export const admin = { email: 'admin@example.com', password: 'Pets-admin-1' };
export const storageKeys = {
  session: 'secure-pets.session',
  credentials: 'secure-pets.credentials',
};

/** A pet type no other test uses, so tests do not depend on each other's data. */
let counter = 0;
export function uniqueType(kind: string): string {
  return `${kind}-${process.pid % 1000}${Date.now() % 100000}${counter++}`;
}

/**
 * Fails the test when the app opens any window.alert/confirm/prompt: every message
 * must be in the page (role="alert"/"status"). Covers every page of the context.
 */
function forbidDialogs(context: BrowserContext, seen: string[]): void {
  const watch = (page: Page) =>
    page.on('dialog', (dialog) => {
      seen.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  context.pages().forEach(watch);
  context.on('page', watch);
}

interface Fixtures {
  /** Opens another browser context (another person), dialog-guarded like `page`. */
  person: () => Promise<Page>;
}

export const test = base.extend<Fixtures & { dialogs: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  dialogs: async ({}, use) => {
    const seen: string[] = [];
    await use(seen);
    expect(seen, 'window dialogs opened by the app').toEqual([]);
  },
  context: async ({ context, dialogs }, use) => {
    forbidDialogs(context, dialogs);
    await use(context);
  },
  person: async ({ browser, dialogs }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await newContext(browser);
      forbidDialogs(context, dialogs);
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});
export { expect };

async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: test.info().project.use.baseURL });
}

/** From the app's login page through the identity provider's database login. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${admin.email}`);
}

/** Through the simulated social connection: any email is a buyer. */
export async function signInAsBuyer(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Continue with Amazon' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${email}`);
}

/** The list item of a pet, by its (unique) type. */
export function petItem(page: Page, type: string) {
  return page.getByRole('listitem').filter({ hasText: type });
}

/** An admin opens the add form, fills it in and presses Save, whatever comes of it. */
export async function submitNewPet(page: Page, type: string, price: string): Promise<void> {
  await page.getByRole('button', { name: 'Add pet' }).click();
  await page.getByLabel('Type').fill(type);
  await page.getByLabel('Price').fill(price);
  await page.getByRole('button', { name: 'Save' }).click();
}

/** An admin adds a pet through the form and sees it listed. */
export async function addPet(page: Page, type: string, price: string): Promise<void> {
  await submitNewPet(page, type, price);
  await expect(page.getByRole('status')).toContainText(`Added the ${type}`);
  await expect(petItem(page, type)).toBeVisible();
}

/** Adds pets for a buyer test in a separate admin session, so buyers get fresh ones. */
export async function stockPets(adminPage: Page, pets: [string, string][]): Promise<void> {
  await signInAsAdmin(adminPage);
  for (const [type, price] of pets) await addPet(adminPage, type, price);
}

export async function sessionStorageOf(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => ({ ...sessionStorage }));
}

/** axe-core's serious and critical findings (WCAG 2 A/AA) on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Saved on every run (git-ignored); README shows a copy. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

/** Moves the local cloud's clock (STS and gateway) by this much from real time. */
export async function setCloudClockOffset(offsetMs: number): Promise<void> {
  const res = await fetch(`${endpoints.clock}/clock`, {
    method: 'PUT',
    body: JSON.stringify({ offsetMs }),
  });
  expect(res.status).toBe(204);
}

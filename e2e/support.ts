import AxeBuilder from '@axe-core/playwright';
import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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

/**
 * Fails the test on any Content-Security-Policy violation, in every page and frame of
 * the context (the IdP's silent-renewal iframe included): the `securitypolicyviolation`
 * event, and the console errors Chromium logs for blocked resources.
 */
async function forbidCspViolations(context: BrowserContext, seen: string[]): Promise<void> {
  await context.exposeBinding('reportCspViolation', ({ frame }, text: string) => {
    seen.push(`${frame.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(text: string): void })
        .reportCspViolation;
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const watch = (page: Page) =>
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        seen.push(`${page.url()}: ${message.text()}`);
      }
    });
  context.pages().forEach(watch);
  context.on('page', watch);
}

/** Everything a test must never see: window dialogs, CSP violations. */
async function guard(context: BrowserContext, problems: Problems): Promise<void> {
  forbidDialogs(context, problems.dialogs);
  await forbidCspViolations(context, problems.cspViolations);
}

interface Problems {
  dialogs: string[];
  cspViolations: string[];
}

interface Fixtures {
  /** Opens another browser context (another person), guarded like `page`. */
  person: () => Promise<Page>;
}

export const test = base.extend<Fixtures & { problems: Problems }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  problems: async ({}, use) => {
    const problems: Problems = { dialogs: [], cspViolations: [] };
    await use(problems);
    expect(problems.dialogs, 'window dialogs opened by the app').toEqual([]);
    expect(problems.cspViolations, 'Content-Security-Policy violations').toEqual([]);
  },
  context: async ({ context, problems }, use) => {
    await guard(context, problems);
    await use(context);
    if (test.info().status !== test.info().expectedStatus) await describePages(context);
  },
  person: async ({ browser, problems }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await newContext(browser);
      await guard(context, problems);
      contexts.push(context);
      return context.newPage();
    });
    if (test.info().status !== test.info().expectedStatus) {
      for (const context of contexts) await describePages(context);
    }
    for (const context of contexts) await context.close();
  },
});

/** Prints where each page was when a test failed: CI keeps the output, not the trace. */
async function describePages(context: BrowserContext): Promise<void> {
  for (const page of context.pages()) {
    const snapshot = await page
      .locator('body')
      .ariaSnapshot({ timeout: 2_000 })
      .catch((error: unknown) => String(error));
    console.log(`A page at ${page.url()}:\n${snapshot}`);
  }
}
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

/** Logs out through the app: the session ends and the login page shows. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
}

/** Counts the requests a page makes to one route of the API from now on. */
export function countRequests(page: Page, method: string, pathEnd: string): () => number {
  let count = 0;
  page.on('request', (r) => {
    if (r.method() === method && new URL(r.url()).pathname.endsWith(pathEnd)) count++;
  });
  return () => count;
}

/**
 * An admin on the Sales page pages forward until the sale of a pet (by its unique type)
 * shows: the tests share one store, so other sales may come first.
 */
export async function showSale(page: Page, type: string): Promise<void> {
  const item = petItem(page, type);
  const next = page.getByRole('button', { name: 'Next page' });
  await expect(page.getByRole('listitem').first()).toBeVisible();
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  for (let n = 2; (await item.count()) === 0; n++) {
    await expect(next, `the sale of ${type} is on no page`).toBeEnabled();
    await next.click();
    await expect(page.getByText(`Page ${n}`, { exact: true })).toBeVisible();
    await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  }
  await expect(item).toBeVisible();
}

/** The list item of a pet, by its (unique) type. */
export function petItem(page: Page, type: string) {
  return page.getByRole('listitem').filter({ hasText: type });
}

/** The pets a page shows at most (src/app/home/pet-pages.ts). */
export const pageSize = 50;

/**
 * Shows only the pets of one exact type ('' for all), as a user does: type it in
 * `Filter by type` and press Enter. The tests share one store, so each finds its own
 * pets by their unique type; waits until the list (or its empty message) shows it.
 */
export async function filterByType(page: Page, type: string): Promise<void> {
  // Once the list has loaded, as a user would: until then the page may be the one the
  // build prerendered, which the app's own replaces without what was typed into it.
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  const filter = page.getByLabel('Filter by type');
  await filter.fill(type);
  await filter.press('Enter');
  const rows = page.getByRole('listitem');
  // Every row of the type (the old page's rows are gone), or none at all.
  if (type !== '') await expect(rows.filter({ hasNotText: type })).toHaveCount(0);
  await expect(rows.first().or(page.getByText('No pets match'))).toBeVisible();
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
}

/** An admin opens the add form, fills it in and presses Save, whatever comes of it. */
export async function submitNewPet(page: Page, type: string, price: string): Promise<void> {
  await page.getByRole('button', { name: 'Add pet' }).click();
  // Exact labels: until the form renders, `Filter by type` is on the page, and a
  // substring lookup would type into it.
  await page.getByLabel('Type', { exact: true }).fill(type);
  await page.getByLabel('Price', { exact: true }).fill(price);
  await page.getByRole('button', { name: 'Save' }).click();
}

/**
 * An admin adds a pet through the form and sees it listed: newest first (the default
 * order) puts it at the top of page 1.
 */
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

/**
 * Tops the e2e local cloud's store up to `count` pets with `npm run seed`'s script,
 * through the DynamoDB port of the cloud Playwright started (playwright.config.ts
 * puts its ports in the environment).
 */
export async function seedStore(count: number): Promise<void> {
  const port = process.env['PETS_DYNAMODB_PORT'];
  if (!port) throw new Error('PETS_DYNAMODB_PORT is not set: run the tests through Playwright.');
  const root = dirname(test.info().config.configFile ?? `${process.cwd()}/playwright.config.ts`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/seed.ts', '--pets', String(count)], {
      cwd: root,
      env: { ...process.env, PETS_DATA_DIR: process.env['PETS_E2E_DATA_DIR'] },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seeding failed (exit ${code}):\n${output}`)),
    );
  });
}

/** Moves the local cloud's clock (STS and gateway) by this much from real time. */
export async function setCloudClockOffset(offsetMs: number): Promise<void> {
  const res = await fetch(`${endpoints.clock}/clock`, {
    method: 'PUT',
    body: JSON.stringify({ offsetMs }),
  });
  expect(res.status).toBe(204);
}

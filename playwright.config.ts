import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionDuration } from './api/credentials';

// The e2e run starts its own local cloud, on ports of its own (so it never talks to
// one someone left running with `npm start`) and with fresh data every run.
const e2ePorts = {
  PETS_SITE_PORT: '4210',
  PETS_IDP_PORT: '4410',
  PETS_AWS_PORT: '4576',
  PETS_DYNAMODB_PORT: '4577',
  PETS_TEST_CLOCK_PORT: '4578',
};
Object.assign(process.env, e2ePorts);
process.env['PETS_E2E_DATA_DIR'] ??= mkdtempSync(join(tmpdir(), 'pets-e2e-'));

export default defineConfig({
  testDir: './e2e',
  // Playwright's files are *.e2e.ts: *.spec.ts is Karma's (src/), *.test.ts node:test's.
  testMatch: '**/*.e2e.ts',
  outputDir: './test-results',
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${e2ePorts.PETS_SITE_PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
      // As root on a machine without outside network: no sandbox, and no
      // background connections that the closed network would refuse.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'npx tsx local/main.ts',
    url: `http://localhost:${e2ePorts.PETS_SITE_PORT}/config.json`,
    // The shortest credentials STS gives, so that the renewal test can outlive them.
    env: {
      ...e2ePorts,
      PETS_DATA_DIR: process.env['PETS_E2E_DATA_DIR'],
      PETS_CREDENTIAL_SECONDS: String(sessionDuration.minSeconds),
    },
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    timeout: 60_000,
  },
});

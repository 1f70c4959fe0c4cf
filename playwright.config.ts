import { defineConfig, devices } from '@playwright/test';

// The e2e run gets ports of its own so that it never talks to a local cloud
// someone left running with `npm start`.
const sitePort = 4210;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${sitePort}`,
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
    url: `http://localhost:${sitePort}/`,
    env: { PETS_SITE_PORT: String(sitePort) },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalCloud } from './cloud';
import { HostListError } from './host-check';
import { urls } from './settings';

// `npm start`: the whole system on loopback. PETS_DATA_DIR moves the data (the e2e
// tests use a fresh one per run); `npm run reset` deletes the default one.
const siteRoot = resolve(import.meta.dirname, '../dist/secure-pets/browser');
const dataDir = resolve(
  process.env['PETS_DATA_DIR'] ?? resolve(import.meta.dirname, '../.local-cloud'),
);
if (!existsSync(siteRoot)) {
  console.error(`No build at ${siteRoot}: run \`npm run build\` first.`);
  process.exit(1);
}
const mode = process.env['PETS_CREDENTIALS_MODE'] === 'delegation' ? 'delegation' : 'web-identity';

function optionalNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    console.error(`${name} must be a whole number, got ${value}`);
    process.exit(1);
  }
  return Number(value);
}

const started = Date.now();
const cloud = await startLocalCloud({
  dataDir,
  siteRoot,
  credentialsMode: mode,
  credentialSeconds: optionalNumber('PETS_CREDENTIAL_SECONDS'),
  testClockPort: optionalNumber('PETS_TEST_CLOCK_PORT'),
  log: (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`),
}).catch((error: unknown) => {
  if (!(error instanceof HostListError)) throw error;
  console.error(error.message);
  process.exit(1);
});

console.log(`
Secure Pets local cloud is up (${Date.now() - started} ms), on loopback only:

  App               ${urls.site}
  Identity provider ${urls.issuer}  (Auth0-compatible)
  AWS edge          ${urls.aws}  (STS, Secrets Manager, S3; API stage: ${urls.aws}/test)
  DynamoDB          ${urls.dynamodb}
  Data              ${dataDir}  (npm run reset deletes it)
  Credentials       ${mode}

Sign in as the seeded admin: admin@example.com / Pets-admin-1
Sign in as a buyer: "Continue with Amazon" with any email address.
Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping the local cloud…');
    void cloud.close().then(() => process.exit(0));
  });
}

import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { host, ports } from './settings';
import { startSite } from './site';

// `npm start`: serves the production build. The rest of the local cloud (identity
// provider, STS, API Gateway, DynamoDB) joins here as it is built.
const root = resolve(import.meta.dirname, '../dist/secure-pets/browser');
if (!existsSync(root)) {
  console.error(`No build at ${root}: run \`npm run build\` first.`);
  process.exit(1);
}

const site = await startSite({ root, port: ports.site, config: {} });
console.log(`Secure Pets is at http://localhost:${ports.site} (listening on ${host})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    site.close();
    process.exit(0);
  });
}

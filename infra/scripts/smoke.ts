/**
 * npm run smoke -- <site URL>: checks a deployment without a user (infra/README.md,
 * step 6), one ✓/✗ line per check, then what to try by hand. Exits non-zero on any ✗.
 * With the deployer's AWS credentials it asks IAM for the OIDC provider's URL; without
 * them, or against the local cloud (npm start), the provider ARN is the check.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { formatResults, isLoopback, nextByHand, smoke } from '../lib/smoke';
import { iamProviderUrl, type ProviderUrlLookup } from '../lib/smoke-issuer';

/** IAM through the default credential chain, or nothing when the chain finds no credentials. */
async function iamLookup(): Promise<ProviderUrlLookup | undefined> {
  // IAM is global; any commercial region's client reaches it.
  const iam = new IAMClient({ region: process.env['AWS_REGION'] ?? 'us-east-1' });
  try {
    await iam.config.credentials();
    return iamProviderUrl(iam);
  } catch {
    iam.destroy();
    return undefined;
  }
}

const siteUrl = process.argv[2];
if (!siteUrl || !/^https?:\/\//i.test(siteUrl)) {
  console.error(
    'Usage: npm run smoke -- <site URL>   (e.g. https://d111111abcdef8.cloudfront.net)',
  );
  process.exit(2);
}
const loopback = isLoopback(siteUrl);
console.log(`Smoke test of ${siteUrl}`);
const results = await smoke({
  siteUrl,
  lookupProviderUrl: loopback ? undefined : await iamLookup(),
});
console.log(formatResults(results));
console.log('\nNext, by hand:');
for (const [i, step] of nextByHand(siteUrl).entries()) console.log(`  ${i + 1}. ${step}`);
const failed = results.filter((r) => !r.ok).length;
if (failed > 0) {
  console.error(`\n${failed} of ${results.length} checks failed.`);
  process.exitCode = 1;
}

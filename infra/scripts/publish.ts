/**
 * npm run publish: config.json from the deployed stack's outputs, then the build to S3
 * and a CloudFront invalidation. Stage and region as for deploy:
 *   npm run publish -- --stage prod --region eu-west-1   (or PETS_STAGE, AWS_REGION)
 * Or to an S3 website bucket of your own instead of CloudFront (infra/README.md):
 *   npm run publish -- --website-bucket my-pets-site     (or PETS_WEBSITE_BUCKET)
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { api } from '../../api/http-api';
import { stackName } from '../lib/parameters';
import { publish } from '../lib/publish';

const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    'build-dir': { type: 'string' },
    'website-bucket': { type: 'string' },
  },
});
const stage = values.stage ?? process.env['PETS_STAGE'] ?? api.stage;
const region = values.region ?? process.env['AWS_REGION'] ?? process.env['CDK_DEFAULT_REGION'];
const websiteBucket = values['website-bucket'] ?? process.env['PETS_WEBSITE_BUCKET'];
const buildDir =
  values['build-dir'] ?? fileURLToPath(new URL('../../dist/secure-pets/browser', import.meta.url));

try {
  const result = await publish({
    stackName: stackName(stage),
    buildDir,
    cloudFormation: new CloudFormationClient({ region }),
    // A website bucket of your own may be in another region than the stack.
    s3: new S3Client({ region, followRegionRedirects: true }),
    // CloudFront is global; its API lives in us-east-1.
    cloudFront: new CloudFrontClient({ region: 'us-east-1' }),
    websiteBucket,
    log: (line) => console.log(line),
  });
  console.log(`Published ${result.uploaded.length} files. The app: ${result.siteUrl}`);
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exitCode = 1;
}

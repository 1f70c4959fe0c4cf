// The photos' part of the stack: the private bucket and its upload CORS and lifecycle,
// S3's event notification to processPhoto, processPhoto's least privilege and its
// native bundle (sharp for Linux arm64), and CloudFront's /photos/* behavior.
import { Match } from 'aws-cdk-lib/assertions';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { handlers } from '../../api/handlers';
import { photoHeaders, photoRules } from '../../api/photos';
import { resourcesOf, synthesize, type Resource, type Synthesized } from './synth';

type Json = Record<string, unknown>;

function only(s: Synthesized, type: string, props: Json = {}): [string, Resource] {
  const found = Object.entries(
    s.template.findResources(type, { Properties: Match.objectLike(props) }),
  );
  assert.equal(found.length, 1, `expected one ${type} matching ${JSON.stringify(props)}`);
  return found[0] as [string, Resource];
}

const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
const bucketName = { 'Fn::Join': ['', ['photos-', stackUuid]] };

describe('the photos in the stack', () => {
  let s: Synthesized;
  let bucketId: string;
  let bucket: Resource;
  let fnId: string;
  before(() => {
    s = synthesize({ example: 'true' });
    [bucketId, bucket] = only(s, 'AWS::S3::Bucket', { BucketName: bucketName });
    [fnId] = Object.keys(resourcesOf(s.template, 'AWS::Lambda::Function')).filter((id) =>
      id.startsWith('FunctionsprocessPhoto'),
    ) as [string];
  });
  after(() => s.dispose());

  it('keeps the bucket private, encrypted, TLS only, retained with the data', () => {
    assert.deepEqual(bucket.Properties['PublicAccessBlockConfiguration'], {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.deepEqual(bucket.Properties['OwnershipControls'], {
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    assert.deepEqual(bucket.Properties['BucketEncryption'], {
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ],
    });
    assert.equal(bucket.DeletionPolicy, 'Retain');
    const [, policy] = only(s, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Json[] }).Statement;
    assert.match(
      JSON.stringify(statements.filter((st) => st['Effect'] === 'Deny')),
      /"aws:SecureTransport":"false"/,
    );
    // The one reader: the site's distribution (origin access control).
    const allows = statements.filter((st) => st['Effect'] === 'Allow');
    assert.equal(allows.length, 1);
    assert.deepEqual(allows[0]?.['Principal'], { Service: 'cloudfront.amazonaws.com' });
    assert.equal(allows[0]?.['Action'], 's3:GetObject');
    const [distributionId] = only(s, 'AWS::CloudFront::Distribution');
    assert.match(
      JSON.stringify(allows[0]?.['Condition']),
      new RegExp(`"AWS:SourceArn".*${distributionId}`),
    );
  });

  it('lets the site post upload forms (CORS) and expires uploads left behind after a day', () => {
    assert.deepEqual(bucket.Properties['CorsConfiguration'], {
      CorsRules: [
        {
          AllowedMethods: ['POST'],
          AllowedOrigins: ['https://*.cloudfront.net'],
          ExposedHeaders: ['ETag'],
          MaxAge: 7200,
        },
      ],
    });
    assert.deepEqual(bucket.Properties['LifecycleConfiguration'], {
      Rules: [
        {
          Id: 'ExpireStaleUploads',
          Prefix: 'uploads/',
          ExpirationInDays: 1,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
      ],
    });
  });

  it('invokes processPhoto on every object created under uploads/, once', () => {
    const arn = { 'Fn::GetAtt': [fnId, 'Arn'] };
    assert.deepEqual(bucket.Properties['NotificationConfiguration'], {
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Function: arn,
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'uploads/' }] } },
        },
      ],
    });
    const [permissionId] = only(s, 'AWS::Lambda::Permission', {
      Principal: 's3.amazonaws.com',
      FunctionName: arn,
    });
    const [, permission] = only(s, 'AWS::Lambda::Permission', { Principal: 's3.amazonaws.com' });
    assert.deepEqual(permission.Properties['SourceAccount'], { Ref: 'AWS::AccountId' });
    assert.match(JSON.stringify(permission.Properties['SourceArn']), /:s3:::photos-/);
    const resources = (s.template.toJSON() as { Resources: Record<string, Json> }).Resources;
    const dependsOn = ([] as unknown[]).concat(resources[bucketId]?.['DependsOn'] ?? []);
    assert.ok(dependsOn.includes(permissionId), 'the bucket is configured after the permission');
    const [, config] = only(s, 'AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId } });
    assert.equal(config.Properties['MaximumRetryAttempts'], 0);
  });

  it('runs processPhoto on arm64 with its memory and timeout, sharp for Linux arm64 in its bundle', () => {
    const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[fnId]!;
    assert.deepEqual(fn.Properties['Architectures'], ['arm64']);
    assert.equal(fn.Properties['MemorySize'], handlers.processPhoto.memoryMb);
    assert.equal(fn.Properties['Timeout'], handlers.processPhoto.timeoutSeconds);
    const key = (fn.Properties['Code'] as Json)['S3Key'] as string;
    const bundle = join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const code = readFileSync(join(bundle, 'index.mjs'), 'utf8');
    // Imported at run time from the bundle's node_modules, not inlined by esbuild.
    assert.match(code, /from\s*"sharp"/);
    const img = readdirSync(join(bundle, 'node_modules', '@img'));
    assert.ok(img.includes('sharp-linux-arm64'), img.join());
    assert.ok(img.includes('sharp-libvips-linux-arm64'), img.join());
    assert.ok(!img.some((name) => /x64|darwin|win32|musl/.test(name)), img.join());
    const installed = JSON.parse(
      readFileSync(join(bundle, 'node_modules', 'sharp', 'package.json'), 'utf8'),
    ) as { version: string };
    const root = JSON.parse(
      readFileSync(new URL('../../node_modules/sharp/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    assert.equal(installed.version, root.version, 'the version the tests ran');
    assert.ok(existsSync(join(bundle, 'node_modules', '@img', 'sharp-linux-arm64', 'lib')));
    // The functions that do not need it carry no node_modules.
    const others = Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function')).filter(
      ([id]) => id.startsWith('Functions') && id !== fnId,
    );
    assert.ok(others.length > 0);
    for (const [, other] of others) {
      const k = ((other.Properties['Code'] as Json)['S3Key'] as string).replace(/\.zip$/, '');
      assert.ok(!existsSync(join(s.outdir, `asset.${k}`, 'node_modules')), k);
    }
  });

  it('serves /photos/* from the bucket through OAC, immutable for a year, nosniff', () => {
    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties['DistributionConfig'] as Json;
    // The others are the public reads' (stack.test.ts); one is the photos'.
    const behaviors = (config['CacheBehaviors'] as Json[]).filter(
      (b) => b['PathPattern'] === '/photos/*',
    );
    assert.equal(behaviors.length, 1);
    const behavior = behaviors[0]!;
    assert.equal(behavior['ViewerProtocolPolicy'], 'redirect-to-https');
    assert.deepEqual(behavior['AllowedMethods'], ['GET', 'HEAD']);
    const origin = (config['Origins'] as Json[]).find(
      (o) => o['Id'] === behavior['TargetOriginId'],
    )!;
    assert.deepEqual(origin['DomainName'], { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] });
    assert.equal((origin['S3OriginConfig'] as Json)['OriginAccessIdentity'], '');
    assert.ok(origin['OriginAccessControlId']);
    const policyId = (behavior['ResponseHeadersPolicyId'] as Json)['Ref'] as string;
    const headers = resourcesOf(s.template, 'AWS::CloudFront::ResponseHeadersPolicy')[policyId]!;
    const headersConfig = headers.Properties['ResponseHeadersPolicyConfig'] as Json;
    assert.deepEqual(headersConfig['CustomHeadersConfig'], {
      Items: [{ Header: 'Cache-Control', Value: photoHeaders['Cache-Control'], Override: true }],
    });
    assert.equal(photoHeaders['Cache-Control'], 'public, max-age=31536000, immutable');
    assert.deepEqual(headersConfig['SecurityHeadersConfig'], {
      ContentTypeOptions: { Override: true },
    });
  });

  it('keeps the form limits the design names', () => {
    assert.equal(photoRules.maxBytes, 10_485_760);
    assert.ok(photoRules.formSeconds <= 300);
  });
});

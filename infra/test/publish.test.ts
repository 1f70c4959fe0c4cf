import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { outputNames } from '../lib/outputs';
import { publish, PublishError } from '../lib/publish';
import {
  cacheControl,
  configFromOutputs,
  MissingOutputError,
  planUploads,
  websiteEndpoint,
} from '../lib/publish-plan';
import { fakeBuild } from './build-fixture';

const outputs = {
  [outputNames.auth0Domain]: 'tenant.eu.auth0.com',
  [outputNames.auth0ClientId]: 'abcDEF123',
  [outputNames.apiInvokeUrl]: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/test',
  [outputNames.region]: 'eu-west-1',
  [outputNames.photoUploadUrl]: 'https://securepets-test-photos-abc.s3.eu-west-1.amazonaws.com',
  [outputNames.adminRoleArn]: 'arn:aws:iam::123456789012:role/SecurePets-test-admin',
  [outputNames.buyerRoleArn]: 'arn:aws:iam::123456789012:role/SecurePets-test-buyer',
  [outputNames.siteBucket]: 'securepets-test-sitebucket-abc',
  [outputNames.distributionId]: 'E2EXAMPLE12345',
  [outputNames.siteUrl]: 'https://d111111abcdef8.cloudfront.net',
  [outputNames.apiPublicUrl]: 'https://d111111abcdef8.cloudfront.net/test',
};

describe('publish plan', () => {
  let dir: string;
  before(() => {
    dir = fakeBuild();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('caches hashed files for a year, revalidates the pages and config.json, and sends them last', () => {
    const plan = planUploads(dir);
    assert.deepEqual(
      plan.map((u) => [u.key, u.contentType, u.cacheControl]),
      [
        ['chunk-NRIY3DKZ.js', 'text/javascript; charset=utf-8', cacheControl.hashed],
        ['favicon.ico', 'image/vnd.microsoft.icon', cacheControl.other],
        ['main-XGWSD47C.js', 'text/javascript; charset=utf-8', cacheControl.hashed],
        ['media/font-ABCD2345.woff2', 'font/woff2', cacheControl.hashed],
        ['styles-5INURTSO.css', 'text/css; charset=utf-8', cacheControl.hashed],
        ['callback/index.html', 'text/html; charset=utf-8', 'no-cache'],
        ['config.json', 'application/json; charset=utf-8', 'no-cache'],
        ['index.csr.html', 'text/html; charset=utf-8', 'no-cache'],
        ['index.html', 'text/html; charset=utf-8', 'no-cache'],
        ['login/index.html', 'text/html; charset=utf-8', 'no-cache'],
      ],
    );
    assert.equal(cacheControl.hashed, 'public, max-age=31536000, immutable');
  });

  it('builds config.json in the shape docs/design.md fixes, with no STS endpoint', () => {
    assert.deepEqual(
      configFromOutputs({
        ...outputs,
        [outputNames.apiInvokeUrl]: `${outputs[outputNames.apiInvokeUrl]}/`,
      }),
      {
        auth0: { domain: 'tenant.eu.auth0.com', clientId: 'abcDEF123' },
        api: {
          invokeUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/test',
          region: 'eu-west-1',
          publicUrl: 'https://d111111abcdef8.cloudfront.net/test',
          photoUploadUrl: 'https://securepets-test-photos-abc.s3.eu-west-1.amazonaws.com',
        },
        credentials: {
          mode: 'web-identity',
          roles: {
            admin: 'arn:aws:iam::123456789012:role/SecurePets-test-admin',
            buyer: 'arn:aws:iam::123456789012:role/SecurePets-test-buyer',
          },
        },
      },
    );
  });

  it('names the public reads through the CDN only when publishing to the stack’s site', () => {
    assert.equal(
      configFromOutputs(outputs, { throughCdn: true }).api.publicUrl,
      'https://d111111abcdef8.cloudfront.net/test',
    );
    assert.equal(configFromOutputs(outputs, { throughCdn: false }).api.publicUrl, undefined);
  });

  it('refuses a stack without the outputs', () => {
    const partial: Record<string, string> = { ...outputs };
    delete partial[outputNames.buyerRoleArn];
    assert.throws(() => configFromOutputs(partial), MissingOutputError);
  });
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const s3Xmlns = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A bucket's website hosting as S3 answers GetBucketWebsite: documents, or none. */
type Website = { index: string; error?: string } | 'none';

/**
 * One loopback endpoint answering the calls publish makes, in the wire formats of
 * CloudFormation (query protocol), S3 and CloudFront (REST XML), so the real SDK
 * clients run end to end and what they send can be checked. For a website bucket it
 * answers GetBucketWebsite from `website` and GetBucketLocation from `location`
 * (empty: us-east-1, as S3 reports it).
 */
function fakeAws(
  options: { website?: Website; location?: string } = {},
): Promise<{ server: Server; endpoint: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.method === 'POST' && body.toString().includes('Action=DescribeStacks')) {
        const members = Object.entries(outputs)
          .map(
            ([k, v]) =>
              `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`,
          )
          .join('');
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>SecurePets-test</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
      } else if (req.method === 'GET' && /[?&]website(=|&|$)/.test(req.url ?? '')) {
        const website = options.website ?? 'none';
        if (website === 'none') {
          res.writeHead(404, { 'content-type': 'application/xml' });
          res.end(
            '<Error><Code>NoSuchWebsiteConfiguration</Code><Message>The specified bucket does not have a website configuration</Message></Error>',
          );
        } else {
          const error = website.error
            ? `<ErrorDocument><Key>${website.error}</Key></ErrorDocument>`
            : '';
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end(
            `<WebsiteConfiguration xmlns="${s3Xmlns}"><IndexDocument><Suffix>${website.index}</Suffix></IndexDocument>${error}</WebsiteConfiguration>`,
          );
        }
      } else if (req.method === 'GET' && /[?&]location(=|&|$)/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<LocationConstraint xmlns="${s3Xmlns}">${options.location ?? ''}</LocationConstraint>`,
        );
      } else if (req.method === 'PUT') {
        res.writeHead(200, { etag: '"e"' });
        res.end();
      } else if (req.method === 'POST' && req.url?.includes('/invalidation')) {
        res.writeHead(201, { 'content-type': 'text/xml', location: 'https://x/inv/I1' });
        res.end(
          '<Invalidation><Id>I2EXAMPLE</Id><Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime><InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/*</Path></Items></Paths><CallerReference>c</CallerReference></InvalidationBatch></Invalidation>',
        );
      } else {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end('<Error><Code>Unexpected</Code></Error>');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
      }),
    ),
  );
}

describe('publish through the AWS SDK', () => {
  let dir: string;
  let aws: Awaited<ReturnType<typeof fakeAws>>;
  before(async () => {
    dir = fakeBuild();
    aws = await fakeAws();
  });
  after(() => {
    aws.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes config.json, uploads every file with its headers, entry files last, then invalidates', async () => {
    const common = {
      endpoint: aws.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    };
    const result = await publish({
      stackName: 'SecurePets-test',
      buildDir: dir,
      cloudFormation: new CloudFormationClient(common),
      s3: new S3Client({ ...common, forcePathStyle: true }),
      cloudFront: new CloudFrontClient(common),
    });
    const written = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown;
    assert.deepEqual(written, configFromOutputs(outputs));
    assert.deepEqual(result.config, written);

    const puts = aws.requests.filter((r) => r.method === 'PUT');
    const bucket = outputs[outputNames.siteBucket];
    assert.deepEqual(puts.map((p) => decodeURIComponent(p.url.split('?')[0] ?? '')).slice(-5), [
      `/${bucket}/callback/index.html`,
      `/${bucket}/config.json`,
      `/${bucket}/index.csr.html`,
      `/${bucket}/index.html`,
      `/${bucket}/login/index.html`,
    ]);
    const plan = planUploads(dir);
    assert.equal(puts.length, plan.length);
    for (const u of plan) {
      const put = puts.find(
        (p) => decodeURIComponent(p.url.split('?')[0] ?? '') === `/${bucket}/${u.key}`,
      );
      assert.ok(put, `uploaded ${u.key}`);
      assert.equal(put.headers['content-type'], u.contentType);
      assert.equal(put.headers['cache-control'], u.cacheControl);
      assert.deepEqual(put.body, readFileSync(u.path), `${u.key} body`);
    }
    const invalidation = aws.requests.at(-1);
    assert.equal(
      invalidation?.url,
      `/2020-05-31/distribution/${outputs[outputNames.distributionId]}/invalidation`,
    );
    assert.match(invalidation?.body.toString() ?? '', /<Path>\/\*<\/Path>/);
    assert.equal(result.invalidationId, 'I2EXAMPLE');
  });
});

describe('publish to an S3 website bucket', () => {
  const clients = (endpoint: string) => {
    const common = {
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    };
    return {
      cloudFormation: new CloudFormationClient(common),
      s3: new S3Client({ ...common, forcePathStyle: true }),
      cloudFront: new CloudFrontClient(common),
    };
  };
  const path = (r: Recorded) => decodeURIComponent(r.url.split('?')[0] ?? '');

  it('uploads the same files with the same headers to the website bucket, and invalidates nothing', async () => {
    const dir = fakeBuild();
    const aws = await fakeAws({ website: { index: 'index.html', error: 'index.html' } });
    try {
      const result = await publish({
        stackName: 'SecurePets-test',
        buildDir: dir,
        ...clients(aws.endpoint),
        websiteBucket: 'my-pets-site',
      });
      // us-east-1 (no location constraint) has the dash form of website endpoints.
      assert.equal(result.siteUrl, 'http://my-pets-site.s3-website-us-east-1.amazonaws.com');
      assert.equal(result.bucket, 'my-pets-site');
      assert.equal(result.invalidationId, undefined);
      // No CDN in front of the API there: the app reads every page from invokeUrl.
      assert.equal(result.config.api.publicUrl, undefined);
      const puts = aws.requests.filter((r) => r.method === 'PUT');
      const plan = planUploads(dir);
      const sent = puts.map((p) => [
        path(p),
        p.headers['content-type'],
        p.headers['cache-control'],
      ]);
      const planned = plan.map((u) => [`/my-pets-site/${u.key}`, u.contentType, u.cacheControl]);
      // The assets go in parallel, in any order; the pages and config.json last, in order.
      assert.deepEqual([...sent].sort(), [...planned].sort());
      const entries = plan.filter((u) => u.cacheControl === cacheControl.entry).length;
      assert.deepEqual(sent.slice(-entries), planned.slice(-entries));
      assert.ok(
        aws.requests.every((r) => !r.url.includes('/invalidation')),
        'no CloudFront call',
      );
    } finally {
      aws.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [what, website, reason] of [
    ['without website hosting', 'none', /has no website hosting/],
    [
      'whose error document is not index.html (deep links such as /sales would be S3 errors)',
      { index: 'index.html', error: '404.html' },
      /error document 404\.html/,
    ],
    ['without an error document', { index: 'index.html' }, /error document \(none\)/],
  ] as const) {
    it(`refuses a bucket ${what}, before writing or uploading anything`, async () => {
      const dir = fakeBuild();
      const aws = await fakeAws({ website });
      try {
        await assert.rejects(
          publish({
            stackName: 'SecurePets-test',
            buildDir: dir,
            ...clients(aws.endpoint),
            websiteBucket: 'my-pets-site',
          }),
          (err: unknown) =>
            err instanceof PublishError &&
            reason.test(err.message) &&
            err.message.includes(
              'aws s3 website s3://my-pets-site --index-document index.html --error-document index.html',
            ),
        );
        assert.deepEqual(
          aws.requests.filter((r) => r.method !== 'GET' && r.method !== 'POST'),
          [],
          'nothing uploaded',
        );
        assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), '{"local":true}');
      } finally {
        aws.server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('names the website endpoint of the bucket’s region, dash or dot as S3 does', () => {
    assert.equal(websiteEndpoint('b', 'eu-west-1'), 'http://b.s3-website-eu-west-1.amazonaws.com');
    assert.equal(
      websiteEndpoint('b', 'eu-central-1'),
      'http://b.s3-website.eu-central-1.amazonaws.com',
    );
  });
});

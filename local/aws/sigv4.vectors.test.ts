// The AWS SigV4 test suite (./sigv4-test-suite, from awslabs/aws-c-auth)
// run through the gateway's verifier: each signed request must verify, and the same
// request with its signature, a signed header or the body altered must not.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatewayError } from './errors';
import type { IncomingRequest } from './gateway-request';
import { verifySignature } from './sigv4';

const suite = join(dirname(fileURLToPath(import.meta.url)), 'sigv4-test-suite/v4');

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  normalize: boolean;
  region: string;
  service: string;
  timestamp: string;
}

/** Parses the suite's raw HTTP/1.1 text (header continuation lines included). */
function parseRequest(text: string): IncomingRequest {
  const [head = '', ...rest] = text.split('\n\n');
  const lines = head.split('\n');
  const [method = '', target = ''] = (lines.shift() ?? '').split(/ (.*) HTTP\/1\.1$/);
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  for (const line of lines) {
    if (/^\s/.test(line) && last) {
      last[last.length - 1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    last = headers[name] ??= [];
    last.push(line.slice(colon + 1));
  }
  const q = target.indexOf('?');
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    body: rest.join('\n\n'),
  };
}

// The unnormalized cases describe S3, which signs the path as sent; execute-api
// normalises it (README of the suite), so they do not apply to this verifier.
const cases = readdirSync(suite).filter((name) => existsSync(join(suite, name, 'context.json')));
const skipped = cases.filter((name) => name.endsWith('-unnormalized'));

function load(name: string) {
  const dir = join(suite, name);
  const context = JSON.parse(readFileSync(join(dir, 'context.json'), 'utf8')) as Context;
  const request = parseRequest(readFileSync(join(dir, 'header-signed-request.txt'), 'utf8'));
  const options = {
    region: context.region,
    service: context.service,
    now: Date.parse(context.timestamp),
    lookup: (id: string) =>
      id === context.credentials.access_key_id
        ? {
            secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token,
          }
        : undefined,
  };
  return { context, request, options };
}

describe('SigV4 test suite through the verifier', () => {
  it('finds the suite', () => {
    assert.ok(cases.length >= 30, `only ${cases.length} cases in ${suite}`);
    assert.ok(skipped.length < cases.length / 2);
  });

  for (const name of cases) {
    if (skipped.includes(name)) {
      it(`${name} (skipped: unnormalized paths are S3's rule, not execute-api's)`, {
        skip: true,
      });
      continue;
    }
    it(`${name} verifies`, async () => {
      const { request, options } = load(name);
      const caller = await verifySignature(request, options);
      assert.equal(caller.accessKeyId, 'AKIDEXAMPLE');
    });

    it(`${name} refuses a forged signature`, async () => {
      const { request, options } = load(name);
      const auth = (request.headers['authorization'] as string[])[0]!;
      const forged = auth.replace(/Signature=(.)/, (_, c: string) =>
        c === '0' ? 'Signature=1' : 'Signature=0',
      );
      await assert.rejects(
        verifySignature(
          { ...request, headers: { ...request.headers, authorization: forged } },
          options,
        ),
        (e: unknown) => e instanceof GatewayError && e.type === 'InvalidSignatureException',
      );
    });

    it(`${name} refuses another path or body`, async () => {
      const { request, options } = load(name);
      const altered =
        request.body.length > 0
          ? { ...request, body: `${String(request.body)}x` }
          : { ...request, path: `${request.path}x` };
      await assert.rejects(
        verifySignature(altered, options),
        (e: unknown) => e instanceof GatewayError && e.type === 'InvalidSignatureException',
      );
    });
  }
});

// The AWS SigV4 test suite (./sigv4-test-suite, from awslabs/aws-c-auth)
// run through the gateway's verifier, in both forms the suite signs: the Authorization
// header and the query string (presigned, `query-signed-request.txt`). Each signed
// request must verify, and the same request with its signature, a parameter, a signed
// header or the body altered must not.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatewayError, INVALID_SECURITY_TOKEN, SIGNATURE_MISMATCH } from './errors';
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

function load(name: string, form: 'header' | 'query' = 'header') {
  const dir = join(suite, name);
  const context = JSON.parse(readFileSync(join(dir, 'context.json'), 'utf8')) as Context;
  const request = parseRequest(readFileSync(join(dir, `${form}-signed-request.txt`), 'utf8'));
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

const isRefusal = (type: string, message?: string | RegExp) => (e: unknown) =>
  e instanceof GatewayError &&
  e.type === type &&
  (message === undefined ||
    (typeof message === 'string' ? e.message === message : message.test(e.message)));

/** The vector's query string with one parameter's value replaced. */
const withParam = (query: string, name: string, value: string) =>
  query.replace(new RegExp(`(^|&)${name}=[^&]*`), `$1${name}=${value}`);

describe('SigV4 test suite, presigned (query-string) form, through the verifier', () => {
  for (const name of cases) {
    if (skipped.includes(name)) {
      it(`${name} (skipped: unnormalized paths are S3's rule, not execute-api's)`, {
        skip: true,
      });
      continue;
    }
    it(`${name} verifies`, async () => {
      const { request, options } = load(name, 'query');
      assert.match(request.query, /X-Amz-Signature=[0-9a-f]{64}/);
      assert.equal(request.headers['authorization'], undefined);
      const caller = await verifySignature(request, options);
      assert.equal(caller.accessKeyId, 'AKIDEXAMPLE');
    });

    it(`${name} refuses a forged X-Amz-Signature`, async () => {
      const { request, options } = load(name, 'query');
      const query = request.query.replace(/X-Amz-Signature=(.)/, (_, c: string) =>
        c === '0' ? 'X-Amz-Signature=1' : 'X-Amz-Signature=0',
      );
      await assert.rejects(
        verifySignature({ ...request, query }, options),
        isRefusal('InvalidSignatureException', SIGNATURE_MISMATCH),
      );
    });

    it(`${name} refuses a changed X-Amz-Expires, an added parameter, another path or body`, async () => {
      const { request, options } = load(name, 'query');
      const altered = [
        { ...request, query: withParam(request.query, 'X-Amz-Expires', '3601') },
        { ...request, query: `${request.query}&admin=true` },
        request.body.length > 0
          ? { ...request, body: `${String(request.body)}x` }
          : { ...request, path: `${request.path}x` },
      ];
      for (const changed of altered) {
        await assert.rejects(
          verifySignature(changed, options),
          isRefusal('InvalidSignatureException', SIGNATURE_MISMATCH),
        );
      }
    });
  }

  // Refusals that do not depend on the case: get-vanilla (and its session-token twin).
  it('refuses the URL once the clock is past its lifetime: X-Amz-Expires, but at most the 5-minute skew', async () => {
    const { request, options } = load('get-vanilla', 'query');
    const signed = options.now;
    // X-Amz-Expires=3600, longer than the skew, so the skew is the lifetime.
    await verifySignature(request, { ...options, now: signed + 5 * 60_000 });
    await assert.rejects(
      verifySignature(request, { ...options, now: signed + 5 * 60_000 + 1000 }),
      isRefusal(
        'InvalidSignatureException',
        'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
      ),
    );
  });

  it('refuses a session-token URL whose X-Amz-Security-Token is missing or not the one issued', async () => {
    const { request, options } = load('get-vanilla-with-session-token', 'query');
    const token = /X-Amz-Security-Token=[^&]*&?/;
    await assert.rejects(
      verifySignature({ ...request, query: request.query.replace(token, '') }, options),
      isRefusal('UnrecognizedClientException', INVALID_SECURITY_TOKEN),
    );
    await assert.rejects(
      verifySignature(
        { ...request, query: withParam(request.query, 'X-Amz-Security-Token', 'f00') },
        options,
      ),
      isRefusal('UnrecognizedClientException', INVALID_SECURITY_TOKEN),
    );
  });

  it('refuses a URL that also carries an Authorization header, as AWS does', async () => {
    const presigned = load('get-vanilla', 'query');
    const headerSigned = load('get-vanilla', 'header');
    await assert.rejects(
      verifySignature(
        {
          ...presigned.request,
          headers: { ...presigned.request.headers, ...headerSigned.request.headers },
        },
        presigned.options,
      ),
      isRefusal(
        'InvalidSignatureException',
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      ),
    );
  });
});

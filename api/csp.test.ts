import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CspConfig,
  contentSecurityPolicy,
  cspOrigins,
  originOf,
  pageHeaders,
  permissionsPolicy,
} from './csp';

/** The local cloud's config.json (ports as `npm start` uses them). */
const local: CspConfig = {
  auth0: { domain: 'http://localhost:4400' },
  api: { invokeUrl: 'http://localhost:4566/test', region: 'us-east-1' },
  credentials: { mode: 'web-identity', stsEndpoint: 'http://localhost:4566' },
};

/** A deployment's config.json as publish writes it: a bare Auth0 domain, no stsEndpoint. */
const deployed: CspConfig = {
  auth0: { domain: 'pets.eu.auth0.com' },
  api: {
    invokeUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/test',
    region: 'eu-west-1',
  },
  credentials: { mode: 'web-identity' },
};

/** The policy as a map from directive to its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split('; ').map((d) => {
      const [name, ...sources] = d.split(' ');
      return [name as string, sources];
    }),
  );
}

describe('Content-Security-Policy', () => {
  it('lets the local app reach only the IdP, the API and STS, and frame only the IdP', () => {
    assert.equal(
      contentSecurityPolicy(local),
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self' http://localhost:4400 http://localhost:4566",
        'frame-src http://localhost:4400',
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
  });

  it('reads a bare Auth0 domain as https and uses the regional STS when none is named', () => {
    const d = directives(contentSecurityPolicy(deployed));
    assert.deepEqual(d.get('connect-src'), [
      "'self'",
      'https://pets.eu.auth0.com',
      'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'https://sts.eu-west-1.amazonaws.com',
    ]);
    assert.deepEqual(d.get('frame-src'), ['https://pets.eu.auth0.com']);
  });

  it('adds an explicit issuer and JWKS host, and leaves STS out in delegation mode', () => {
    const { connect, frame } = cspOrigins({
      ...deployed,
      auth0: {
        domain: 'login.example.com',
        issuer: 'https://pets.auth0.com/',
        jwksUri: 'https://keys.example.net/jwks.json',
      },
      credentials: { mode: 'delegation' },
    });
    assert.deepEqual(connect, [
      'https://login.example.com',
      'https://pets.auth0.com',
      'https://keys.example.net',
      'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    ]);
    assert.deepEqual(frame, ['https://login.example.com']);
  });

  it('lets an admin page post photos to the bucket that config.json names, and nowhere else', () => {
    // createPresignedPost's url is the bucket's virtual-hosted endpoint in AWS
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html posts to
    // https://<bucket>.s3.amazonaws.com/), and the edge's IP, path-style, locally.
    const photoUploadUrl = 'https://pets-photos-abc.s3.eu-west-1.amazonaws.com';
    const d = directives(
      contentSecurityPolicy({ ...deployed, api: { ...deployed.api, photoUploadUrl } }),
    );
    assert.ok(d.get('connect-src')!.includes(photoUploadUrl));
    assert.ok(!d.get('connect-src')!.some((s) => s.includes('*')));
    const l = directives(
      contentSecurityPolicy({
        ...local,
        api: { ...local.api, photoUploadUrl: 'http://127.0.0.1:4566' },
      }),
    );
    assert.ok(l.get('connect-src')!.includes('http://127.0.0.1:4566'));
  });

  it('allows no inline or evaluated code and no plugin, base or framing', () => {
    for (const config of [local, deployed]) {
      const policy = contentSecurityPolicy(config);
      assert.doesNotMatch(policy, /unsafe-|\*|data:|blob:|nonce-|sha256-/);
      const d = directives(policy);
      assert.deepEqual(d.get('script-src'), ["'self'"]);
      assert.deepEqual(d.get('style-src'), ["'self'"]);
      assert.deepEqual(d.get('object-src'), ["'none'"]);
      assert.deepEqual(d.get('base-uri'), ["'none'"]);
      assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
    }
  });

  it('takes origins from URLs, also from CDK tokens that are not resolved yet', () => {
    assert.equal(originOf('HTTPS://user@Example.com:8443/a?b#c'), 'https://Example.com:8443');
    assert.equal(originOf('http://localhost:4566'), 'http://localhost:4566');
    assert.equal(
      originOf(
        'https://${Token[TOKEN.1]}.execute-api.${Token[AWS.Region.2]}.${Token[AWS.URLSuffix.3]}/test',
      ),
      'https://${Token[TOKEN.1]}.execute-api.${Token[AWS.Region.2]}.${Token[AWS.URLSuffix.3]}',
    );
    assert.throws(() => originOf('localhost:4400'), /Not an http\(s\) URL/);
  });

  it('comes with the other page headers', () => {
    assert.deepEqual(pageHeaders(local), {
      'Content-Security-Policy': contentSecurityPolicy(local),
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Permissions-Policy': permissionsPolicy,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    assert.match(permissionsPolicy, /^(?:[a-z-]+=\(\)(?:, |$))+$/);
    assert.match(permissionsPolicy, /camera=\(\), /);
  });
});

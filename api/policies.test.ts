import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api } from './http-api';
import {
  apiArn,
  issuerKey,
  methodArnPattern,
  oidcProviderArn,
  rolePolicy,
  trustPolicy,
} from './policies';
import { roleNames } from './roles';

const prefix = apiArn('us-east-1', '000000000000', 'abc123');

describe('policies', () => {
  it('turns path parameters into wildcards: IAM sees the real path', () => {
    assert.equal(
      methodArnPattern(prefix, 'PUT', '/pets/{id}'),
      'arn:aws:execute-api:us-east-1:000000000000:abc123/*/PUT/pets/*',
    );
  });

  it('gives every signed route to at least one role, and no public route to any', () => {
    const granted = roleNames.flatMap((role) => rolePolicy(role, prefix).Statement[0]!.Resource);
    for (const route of api.routes) {
      const arn = methodArnPattern(prefix, route.method, route.path);
      assert.equal(
        granted.includes(arn),
        route.auth === 'AWS_IAM',
        `${route.method} ${route.path}`,
      );
    }
  });

  // IAM names a provider by its URL without the scheme, path and trailing slash kept:
  // Auth0's issuer `https://TENANT/` gives the ARN `oidc-provider/TENANT/` and the keys
  // `TENANT/:aud` and `TENANT/:sub`. AWS's own Auth0 sample registers the provider as
  // `Url: !Sub 'https://${Auth0Domain}/'` (aws-solutions-library-samples/
  // guidance-for-claude-code-with-amazon-bedrock, deployment/infrastructure/
  // bedrock-auth-auth0.yaml); a working Auth0 trust policy with `TENANT/:aud` is in
  // https://gist.github.com/gene1wood/54611c45a3298504f8e33d95e317ae5c
  it('names an issuer the way IAM names its OIDC provider, trailing slash kept', () => {
    assert.equal(issuerKey('https://tenant.eu.auth0.com/'), 'tenant.eu.auth0.com/');
    assert.equal(
      oidcProviderArn('000000000000', 'https://tenant.eu.auth0.com/'),
      'arn:aws:iam::000000000000:oidc-provider/tenant.eu.auth0.com/',
    );
    assert.equal(
      oidcProviderArn('000000000000', 'http://localhost:4400/'),
      'arn:aws:iam::000000000000:oidc-provider/localhost:4400/',
    );
  });

  it('keys the trust policy’s conditions by the issuer with its slash', () => {
    const trust = trustPolicy('admin', 'arn', issuerKey('https://t.auth0.com/'), 'app', [
      'auth0|a',
    ]);
    assert.deepEqual(Object.keys(trust.Statement[0]!.Condition!['StringEquals']!), [
      't.auth0.com/:aud',
      't.auth0.com/:sub',
    ]);
  });
});

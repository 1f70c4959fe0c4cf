import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api } from './http-api';
import { apiArn, issuerKey, methodArnPattern, oidcProviderArn, rolePolicy } from './policies';
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

  it('names an issuer the way IAM names its OIDC provider', () => {
    assert.equal(issuerKey('https://tenant.eu.auth0.com/'), 'tenant.eu.auth0.com');
    assert.equal(
      oidcProviderArn('000000000000', 'http://localhost:4400/'),
      'arn:aws:iam::000000000000:oidc-provider/localhost:4400',
    );
  });
});

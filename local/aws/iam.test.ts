import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiArn, rolePolicy, trustPolicy, type PolicyDocument } from '../../api/policies';
import { evaluate, PolicyError, wildcardMatch } from './iam';

const doc = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});

describe('IAM wildcards', () => {
  it('* spans any run of characters, slashes included; ? exactly one', () => {
    assert.equal(wildcardMatch('arn:a:*/POST/pets', 'arn:a:test/POST/pets'), true);
    assert.equal(wildcardMatch('arn:a:*/POST/pets', 'arn:a:a/b/POST/pets'), true);
    assert.equal(wildcardMatch('arn:a:*/POST/pets', 'arn:a:test/POST/pets/purchase'), false);
    assert.equal(wildcardMatch('pets-?', 'pets-1'), true);
    assert.equal(wildcardMatch('pets-?', 'pets-12'), false);
    assert.equal(wildcardMatch('pets-?', 'pets-'), false);
    assert.equal(wildcardMatch('a.c', 'abc'), false, 'regex characters are literal');
    assert.equal(wildcardMatch('Pets', 'pets'), false);
    assert.equal(wildcardMatch('Pets', 'pets', true), true);
  });
});

describe('IAM evaluation', () => {
  const allowInvoke = doc({
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: 'arn:x/*/POST/pets',
  });
  const request = { action: 'execute-api:Invoke', resource: 'arn:x/test/POST/pets' };

  it('denies by default and allows what an Allow matches', () => {
    assert.equal(evaluate([], request), 'ImplicitDeny');
    assert.equal(evaluate([allowInvoke], request), 'Allow');
    assert.equal(
      evaluate([allowInvoke], { ...request, resource: 'arn:x/test/GET/pets' }),
      'ImplicitDeny',
    );
    assert.equal(
      evaluate([allowInvoke], { ...request, action: 'execute-api:ManageConnections' }),
      'ImplicitDeny',
    );
  });

  it('matches actions case-insensitively, with wildcards and lists', () => {
    assert.equal(evaluate([allowInvoke], { ...request, action: 'EXECUTE-API:invoke' }), 'Allow');
    const any = doc({ Effect: 'Allow', Action: ['s3:*', 'execute-api:*'], Resource: '*' });
    assert.equal(evaluate([any], request), 'Allow');
  });

  it('an explicit deny beats an allow, in the same or another policy', () => {
    const deny = doc({ Effect: 'Deny', Action: '*', Resource: 'arn:x/test/*' });
    assert.equal(evaluate([allowInvoke, deny], request), 'ExplicitDeny');
    assert.equal(evaluate([deny, allowInvoke], request), 'ExplicitDeny');
    assert.equal(
      evaluate([allowInvoke, deny], { ...request, resource: 'arn:x/prod/POST/pets' }),
      'Allow',
    );
  });

  it('StringEquals: any of the values, missing key fails', () => {
    const p = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'k:aud': ['a', 'b'] } },
    });
    assert.equal(evaluate([p], { ...request, context: { 'k:aud': 'b' } }), 'Allow');
    assert.equal(
      evaluate([p], { ...request, context: { 'K:AUD': 'a' } }),
      'Allow',
      'keys ignore case',
    );
    assert.equal(
      evaluate([p], { ...request, context: { 'k:aud': 'A' } }),
      'ImplicitDeny',
      'values do not',
    );
    assert.equal(evaluate([p], { ...request, context: {} }), 'ImplicitDeny');
    assert.equal(evaluate([p], { ...request, context: { 'k:aud': ['x', 'a'] } }), 'Allow');
  });

  it('StringNotEquals: none of the values, missing key passes', () => {
    const p = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'k:sub': ['a', 'b'] } },
    });
    assert.equal(evaluate([p], { ...request, context: { 'k:sub': 'c' } }), 'Allow');
    assert.equal(evaluate([p], { ...request, context: { 'k:sub': 'b' } }), 'ImplicitDeny');
    assert.equal(evaluate([p], { ...request, context: {} }), 'Allow');
  });

  it('StringLike and StringNotLike use wildcards', () => {
    const like = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringLike: { 'k:sub': ['auth0|*', 'x?'] } },
    });
    assert.equal(evaluate([like], { ...request, context: { 'k:sub': 'auth0|123' } }), 'Allow');
    assert.equal(evaluate([like], { ...request, context: { 'k:sub': 'xy' } }), 'Allow');
    assert.equal(
      evaluate([like], { ...request, context: { 'k:sub': 'amazon|1' } }),
      'ImplicitDeny',
    );
    assert.equal(evaluate([like], { ...request, context: {} }), 'ImplicitDeny');
    const notLike = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringNotLike: { 'k:sub': 'auth0|*' } },
    });
    assert.equal(evaluate([notLike], { ...request, context: { 'k:sub': 'amazon|1' } }), 'Allow');
    assert.equal(
      evaluate([notLike], { ...request, context: { 'k:sub': 'auth0|1' } }),
      'ImplicitDeny',
    );
    assert.equal(evaluate([notLike], { ...request, context: {} }), 'Allow');
  });

  it('ANDs operators and keys; a condition on a Deny limits the deny', () => {
    const p = doc(
      {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { a: '1' }, StringLike: { b: '2*' } },
      },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { c: 'block' } } },
    );
    assert.equal(evaluate([p], { ...request, context: { a: '1', b: '23' } }), 'Allow');
    assert.equal(evaluate([p], { ...request, context: { a: '1', b: '3' } }), 'ImplicitDeny');
    assert.equal(
      evaluate([p], { ...request, context: { a: '1', b: '23', c: 'block' } }),
      'ExplicitDeny',
    );
  });

  it('refuses what it does not implement rather than guessing', () => {
    const p = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '1.2.3.4/32' } },
    });
    assert.throws(() => evaluate([p], request), PolicyError);
    const notAction = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', NotAction: '*' }],
    } as unknown as PolicyDocument;
    assert.throws(() => evaluate([notAction], request), PolicyError);
  });

  it('checks the principal of a trust policy', () => {
    const provider = 'arn:aws:iam::000000000000:oidc-provider/idp.example';
    const trust = trustPolicy('admin', provider, 'idp.example', 'pets-spa', ['auth0|1']);
    const ask = (id: string, sub: string, aud = 'pets-spa') =>
      evaluate([trust], {
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: 'arn:aws:iam::000000000000:role/pets-admin',
        principal: { type: 'Federated', id },
        context: { 'idp.example:sub': sub, 'idp.example:aud': aud },
      });
    assert.equal(ask(provider, 'auth0|1'), 'Allow');
    assert.equal(ask('arn:aws:iam::000000000000:oidc-provider/evil', 'auth0|1'), 'ImplicitDeny');
    assert.equal(ask(provider, 'amazon|1'), 'ImplicitDeny');
    assert.equal(ask(provider, 'auth0|2'), 'ImplicitDeny', 'a database user off the list');
    assert.equal(ask(provider, 'auth0|1', 'other-app'), 'ImplicitDeny');
  });

  it('gives each role of api/policies.ts exactly its own method', () => {
    const prefix = apiArn('us-east-1', '000000000000', 'localpets1');
    const can = (role: 'admin' | 'buyer', method: string, path: string) =>
      evaluate([rolePolicy(role, prefix)], {
        action: 'execute-api:Invoke',
        resource: `${prefix}/test/${method}${path}`,
      });
    assert.equal(can('admin', 'POST', '/pets'), 'Allow');
    assert.equal(can('admin', 'POST', '/pets/purchase'), 'ImplicitDeny');
    assert.equal(can('buyer', 'POST', '/pets/purchase'), 'Allow');
    assert.equal(can('buyer', 'POST', '/pets'), 'ImplicitDeny');
    assert.equal(can('buyer', 'GET', '/pets'), 'ImplicitDeny');
  });
});

// Each role's policy, as the local data services evaluate it: a Lambda's execution
// role may do exactly its manifest entry's table actions on the table and its indexes,
// and read only the secrets its environment names; the browser roles reach neither.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handlerNames, handlers } from '../../api/handlers';
import { roleArn, roleNames } from '../../api/roles';
import { evaluate } from './iam';
import { functionRoleArn, localRolePolicies, tableArn } from './role-policies';

const options = { region: 'us-east-1', account: '000000000000', apiId: 'localpets1' };
const values = {
  tableName: 'Pets',
  cursorSecretId: 'secure-pets/cursor-key',
  identity: { issuer: 'http://127.0.0.1:1/', audience: 'pets-spa', jwksUrl: 'http://127.0.0.1:1/' },
};
const policies = localRolePolicies(options, values);
const table = tableArn(options.region, options.account, 'Pets');
const cursorKey = `arn:aws:secretsmanager:us-east-1:000000000000:secret:secure-pets/cursor-key-AbCdEf`;
const everyAction = [
  ...new Set([...handlerNames.flatMap((n) => handlers[n].tableActions), 'dynamodb:Scan']),
];

const allows = (role: string, action: string, resource: string) =>
  evaluate([policies.get(role)!], { action, resource }) === 'Allow';

describe('the local roles’ policies', () => {
  for (const name of handlerNames) {
    it(`${name}'s role: its table actions only, on the table and its indexes`, () => {
      const role = functionRoleArn(name, options.account);
      for (const action of everyAction) {
        const granted = (handlers[name].tableActions as readonly string[]).includes(action);
        assert.equal(allows(role, action, table), granted, action);
        assert.equal(
          allows(role, action, `${table}/index/byType`),
          granted,
          `${action} on an index`,
        );
        assert.equal(allows(role, action, tableArn('us-east-1', '000000000000', 'Other')), false);
      }
      const needsKey = (handlers[name].needs as readonly string[]).includes('cursorKey');
      assert.equal(allows(role, 'secretsmanager:GetSecretValue', cursorKey), needsKey);
    });
  }

  for (const role of roleNames) {
    it(`the ${role} role reaches neither the table nor a secret`, () => {
      const arn = roleArn(role, options.account);
      for (const action of everyAction) assert.equal(allows(arn, action, table), false);
      assert.equal(allows(arn, 'secretsmanager:GetSecretValue', cursorKey), false);
    });
  }
});

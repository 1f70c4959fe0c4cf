/**
 * Every role of the local account and its identity policy, as the deployed stack
 * gives them: the browser roles invoke the API only (api/policies.ts `rolePolicy`),
 * each Lambda's execution role reaches its table actions, its secrets and its photo
 * actions on the photos bucket only (`functionPolicy`, from the manifest in
 * api/handlers.ts). The local data services (DynamoDB, Secrets Manager, S3) evaluate
 * a caller's policy from here.
 */
import {
  handlerNames,
  handlers,
  lambdaEnv,
  lambdaEnvironment,
  type EnvironmentValues,
  type HandlerName,
  type HandlerSpec,
} from '../../api/handlers';
import {
  apiArn,
  functionPolicy,
  functionRoleName,
  rolePolicy,
  secretArnPattern,
  type PolicyDocument,
} from '../../api/policies';
import { roleArn, roleNames } from '../../api/roles';

export type RolePolicies = ReadonlyMap<string, PolicyDocument>;

export interface AccountOptions {
  region: string;
  account: string;
  apiId: string;
}

/** arn:aws:iam::{account}:role/{the function's role} */
export function functionRoleArn(name: HandlerName, account: string): string {
  return `arn:aws:iam::${account}:role/${functionRoleName(name)}`;
}

/** `arn:aws:dynamodb:{region}:{account}:table/{name}` */
export function tableArn(region: string, account: string, tableName: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${tableName}`;
}

/** The browser roles' policies: execute-api:Invoke on their routes, nothing else. */
export function browserRolePolicies({ region, account, apiId }: AccountOptions): RolePolicies {
  const api = apiArn(region, account, apiId);
  return new Map(roleNames.map((role) => [roleArn(role, account), rolePolicy(role, api)]));
}

/**
 * The browser roles' and every function's execution role's policies. A function's
 * secrets are the ones its environment names (the cursor key, the legacy HS256
 * secret), so a role reads exactly what its function is configured to read.
 */
export function localRolePolicies(
  options: AccountOptions,
  values: EnvironmentValues,
): RolePolicies {
  const { region, account } = options;
  const policies = new Map(browserRolePolicies(options));
  for (const name of handlerNames) {
    const env = lambdaEnvironment(name, values);
    const secrets = [env[lambdaEnv.cursorSecretId], env[lambdaEnv.legacySecretId]]
      .filter((id): id is string => id !== undefined)
      .map((id) => (id.startsWith('arn:') ? id : secretArnPattern(region, account, id)));
    const spec: HandlerSpec = handlers[name];
    const photos =
      spec.photoActions && values.photos
        ? { actions: spec.photoActions, bucketArn: `arn:aws:s3:::${values.photos.bucket}` }
        : undefined;
    policies.set(
      functionRoleArn(name, account),
      functionPolicy(
        spec.tableActions,
        tableArn(region, account, values.tableName),
        secrets,
        photos,
      ),
    );
  }
  return policies;
}

import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { HandlerName } from '../../api/definition';
import type { DeployParameters } from './parameters';

/** The repository root: the Lambdas' sources and lock file live there, not in infra/. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Each handler's entry file under lambda/ (each exports `handler`). */
export const handlerEntries: Record<HandlerName, string> = {
  getPets: 'lambda/get-pets.ts',
  updatePets: 'lambda/update-pets.ts',
  purchasePet: 'lambda/purchase-pet.ts',
};

/**
 * The DynamoDB actions each handler's code performs on the pets table (see
 * lambda/store.ts: PetStore.list is a Scan, purchase an UpdateItem then a GetItem on
 * conflict, replace Scan + conditional Put/Update/Delete per pet), and nothing else:
 * the function's role gets exactly these, on the table's ARN only.
 */
export const tableActions: Record<HandlerName, readonly string[]> = {
  getPets: ['dynamodb:Scan'],
  updatePets: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
  purchasePet: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
};

/** Handlers that verify the buyer's ID token, so they get the token settings. */
const verifiesTokens: Record<HandlerName, boolean> = {
  getPets: false,
  updatePets: false,
  purchasePet: true,
};

export interface PetsFunctionsProps {
  table: dynamodb.ITable;
  /** Whether the table has global secondary indexes the handlers may query. */
  hasIndexes: boolean;
  parameters: DeployParameters;
}

/** The three Lambdas: Node.js 22, bundled locally by esbuild, one least-privilege role each. */
export class PetsFunctions extends Construct {
  readonly byHandler: Record<HandlerName, nodejs.NodejsFunction>;

  constructor(scope: Construct, id: string, props: PetsFunctionsProps) {
    super(scope, id);
    const { table, parameters } = props;
    const resources = props.hasIndexes
      ? [table.tableArn, `${table.tableArn}/index/*`]
      : [table.tableArn];
    const make = (name: HandlerName): nodejs.NodejsFunction => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // A role of our own instead of the default one with AWSLambdaBasicExecutionRole,
      // whose logs actions apply to every log group in the account.
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Secure Pets ${name} Lambda: its log group and its table actions only`,
      });
      logGroup.grantWrite(role);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...tableActions[name]], resources }),
      );
      const fn = new nodejs.NodejsFunction(this, name, {
        role,
        entry: `${repoRoot}${handlerEntries[name]}`,
        handler: 'handler',
        projectRoot: repoRoot,
        depsLockFilePath: `${repoRoot}package-lock.json`,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        timeout: Duration.seconds(10),
        logGroup,
        environment: environmentFor(name, table.tableName, parameters),
        bundling: {
          // Synth stays offline and fast: esbuild from infra's devDependencies, no Docker.
          forceDockerBundling: false,
          format: nodejs.OutputFormat.ESM,
          target: 'node22',
          minify: true,
          sourceMap: false,
          // The Node.js 22 runtime ships AWS SDK v3; bundling it again would only add cold start.
          externalModules: ['@aws-sdk/*'],
          // ESM output, but some bundled CommonJS may still call require() for built-ins.
          banner:
            "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
      });
      return fn;
    };
    this.byHandler = {
      getPets: make('getPets'),
      updatePets: make('updatePets'),
      purchasePet: make('purchasePet'),
    };
  }
}

/**
 * The variables lambda/config.ts reads. The legacy HS256 secret stays out of the
 * template text: the variable holds a CloudFormation dynamic reference that
 * CloudFormation resolves from Secrets Manager at deploy time (SSM SecureString
 * references are not supported in Lambda environments).
 */
export function environmentFor(
  name: HandlerName,
  tableName: string,
  parameters: DeployParameters,
): Record<string, string> {
  const env: Record<string, string> = { PETS_TABLE: tableName };
  if (!verifiesTokens[name]) return env;
  env['TOKEN_ISSUER'] = `https://${parameters.auth0Domain}/`;
  env['TOKEN_AUDIENCE'] = parameters.auth0ClientId;
  env['JWKS_URL'] = `https://${parameters.auth0Domain}/.well-known/jwks.json`;
  if (parameters.legacySecretId) {
    env['LEGACY_HS256_SECRET'] = SecretValue.secretsManager(parameters.legacySecretId, {
      jsonField: parameters.legacySecretJsonField,
    }).unsafeUnwrap();
  }
  return env;
}

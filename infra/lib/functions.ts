import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { auth0Endpoints } from '../../api/app-config';
import { lambdaBundling } from '../../api/bundling';
import { handlerNames, handlers, lambdaEnvironment, type HandlerName } from '../../api/handlers';
import type { DeployParameters } from './parameters';

/** The repository root: the Lambdas' sources and lock file live there, not in infra/. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface PetsFunctionsProps {
  table: dynamodb.ITable;
  /** The key that signs paging cursors, for the functions that need it. */
  cursorKey: secretsmanager.ISecret;
  /** Whether the table has global secondary indexes the handlers may query. */
  hasIndexes: boolean;
  parameters: DeployParameters;
}

/**
 * The Lambdas of the manifest (api/handlers.ts): Node.js 22, bundled locally by
 * esbuild, each with its memory, timeout and environment, and a role that may do
 * exactly its table actions.
 */
export class PetsFunctions extends Construct {
  readonly byHandler: Record<HandlerName, nodejs.NodejsFunction>;

  constructor(scope: Construct, id: string, props: PetsFunctionsProps) {
    super(scope, id);
    const { table, parameters } = props;
    const resources = props.hasIndexes
      ? [table.tableArn, `${table.tableArn}/index/*`]
      : [table.tableArn];
    const make = (name: HandlerName): nodejs.NodejsFunction => {
      const spec = handlers[name];
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // A role of our own instead of the default one with AWSLambdaBasicExecutionRole,
      // whose logs actions apply to every log group in the account.
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Secure Pets ${name} Lambda: its log group, its table actions and its secrets only`,
      });
      logGroup.grantWrite(role);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...spec.tableActions], resources }),
      );
      const needs: readonly string[] = spec.needs;
      if (needs.includes('cursorKey')) props.cursorKey.grantRead(role);
      const fn = new nodejs.NodejsFunction(this, name, {
        role,
        entry: `${repoRoot}${spec.entry}`,
        handler: 'handler',
        projectRoot: repoRoot,
        depsLockFilePath: `${repoRoot}package-lock.json`,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logGroup,
        environment: environmentFor(name, table.tableName, props.cursorKey.secretArn, parameters),
        bundling: {
          // Synth stays offline and fast: esbuild from infra's devDependencies, no Docker.
          forceDockerBundling: false,
          // The one definition the local cloud bundles with too (api/bundling.ts).
          ...lambdaBundling,
          format: lambdaBundling.format as nodejs.OutputFormat,
          externalModules: [...lambdaBundling.externalModules],
        },
      });
      return fn;
    };
    this.byHandler = Object.fromEntries(handlerNames.map((name) => [name, make(name)])) as Record<
      HandlerName,
      nodejs.NodejsFunction
    >;
  }
}

/**
 * The variables lambda/config.ts reads, for a function of the manifest. The legacy
 * HS256 secret stays out of the template text: the variable holds a CloudFormation
 * dynamic reference that CloudFormation resolves from Secrets Manager at deploy time
 * (SSM SecureString references are not supported in Lambda environments).
 */
export function environmentFor(
  name: HandlerName,
  tableName: string,
  cursorSecretId: string,
  parameters: DeployParameters,
): Record<string, string> {
  const { issuer, jwksUri } = auth0Endpoints(parameters.auth0Domain);
  const legacySecret = parameters.legacySecretId
    ? SecretValue.secretsManager(parameters.legacySecretId, {
        jsonField: parameters.legacySecretJsonField,
      }).unsafeUnwrap()
    : undefined;
  return lambdaEnvironment(name, {
    tableName,
    cursorSecretId,
    identity: { issuer, audience: parameters.auth0ClientId, jwksUrl: jwksUri, legacySecret },
  });
}

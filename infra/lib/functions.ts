import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { auth0Endpoints } from '../../api/app-config';
import { lambdaBundling, lambdaRuntime } from '../../api/bundling';
import {
  handlerNames,
  handlers,
  lambdaEnvironment,
  type HandlerName,
  type HandlerSpec,
} from '../../api/handlers';
import { photoStatements } from '../../api/policies';
import { nativeModulesBundling } from './native-modules';
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
  /** The photos bucket's name and ARN (photos.ts), for the functions that use it. */
  photos: { bucketName: string; bucketArn: string };
}

/**
 * The Lambdas of the manifest (api/handlers.ts): Node.js 24, bundled locally by
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
    const legacySecret = parameters.legacySecretId
      ? importSecret(this, 'LegacyHs256Secret', parameters.legacySecretId)
      : undefined;
    const architecture = lambda.Architecture.ARM_64;
    const make = (name: HandlerName): nodejs.NodejsFunction => {
      const spec: HandlerSpec = handlers[name];
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
      // The token verifiers read the legacy secret at run time (lambda/auth/legacy-secret.ts).
      if (needs.includes('identity')) legacySecret?.grantRead(role);
      // Each S3 action on its own key prefix of the photos bucket (api/handlers.ts).
      for (const statement of photoStatements(spec.photoActions ?? {}, props.photos.bucketArn)) {
        role.addToPrincipalPolicy(iam.PolicyStatement.fromJson(statement));
      }
      const native = spec.nativeModules ?? [];
      const fn = new nodejs.NodejsFunction(this, name, {
        role,
        entry: `${repoRoot}${spec.entry}`,
        handler: 'handler',
        projectRoot: repoRoot,
        depsLockFilePath: `${repoRoot}package-lock.json`,
        runtime: deployRuntime(),
        architecture,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logGroup,
        environment: environmentFor(name, table.tableName, props.cursorKey.secretArn, parameters, {
          bucket: props.photos.bucketName,
        }),
        bundling: {
          // Synth stays offline and fast: esbuild from infra's devDependencies, no Docker.
          forceDockerBundling: false,
          // The one definition the local cloud bundles with too (api/bundling.ts).
          ...lambdaBundling,
          format: lambdaBundling.format as nodejs.OutputFormat,
          externalModules: [...lambdaBundling.externalModules, ...native],
          ...(native.length && nativeModulesBundling(repoRoot, native, architecture.name)),
        },
      });
      suppressFunctionFindings(role, props.hasIndexes, spec.photoActions !== undefined);
      return fn;
    };
    this.byHandler = Object.fromEntries(handlerNames.map((name) => [name, make(name)])) as Record<
      HandlerName,
      nodejs.NodejsFunction
    >;
  }
}

/**
 * What the AWS Solutions rules ask of a function that this one answers by design:
 * the table's index ARNs (IAM5, on the role's policy only).
 */
function suppressFunctionFindings(role: iam.Role, hasIndexes: boolean, photos: boolean): void {
  if (photos) {
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Uploads and web images have keys made per upload (api/photos.ts), so a grant names ' +
            "their prefix: `uploads/*` or `photos/*` of the photos bucket only, each with the function's " +
            'own actions (photoActions in api/handlers.ts).',
          appliesTo: [
            { regex: '/^Resource::arn:<AWS::Partition>:s3:::photos-.*\\/(uploads|photos)\\/\\*$/' },
          ],
        },
      ],
      true,
    );
  }
  if (!hasIndexes) return;
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Query on a global secondary index needs the index's ARN; `<table>/index/*` is every " +
          "index of this one table and nothing else, and the actions are the handler's own " +
          'list (tableActions in api/handlers.ts).',
        appliesTo: [{ regex: '/^Resource::<PetsTable[0-9A-F]+\\.Arn>\\/index\\/\\*$/' }],
      },
    ],
    true,
  );
}

/**
 * The variables lambda/config.ts reads, for a function of the manifest. The legacy
 * HS256 secret is passed by name only: the Lambda reads its value from Secrets
 * Manager at run time, so neither the template nor the function's configuration
 * (lambda:GetFunctionConfiguration) ever holds it.
 */
export function environmentFor(
  name: HandlerName,
  tableName: string,
  cursorSecretId: string,
  parameters: DeployParameters,
  photos?: { bucket: string },
): Record<string, string> {
  const { issuer, jwksUri } = auth0Endpoints(parameters.auth0Domain);
  return lambdaEnvironment(name, {
    tableName,
    cursorSecretId,
    identity: {
      issuer,
      audience: parameters.auth0ClientId,
      jwksUrl: jwksUri,
      legacySecretId: parameters.legacySecretId,
      legacySecretJsonField: parameters.legacySecretJsonField,
    },
    ...(photos && { photos }),
  });
}

/**
 * A secret that exists outside the stack, by name or ARN. A complete ARN ends in the
 * six characters Secrets Manager appends; a name (or partial ARN) gets IAM's
 * `-??????` wildcard from the CDK, so the grant still matches the real ARN.
 */
function importSecret(scope: Construct, id: string, nameOrArn: string): secretsmanager.ISecret {
  if (!nameOrArn.startsWith('arn:')) {
    return secretsmanager.Secret.fromSecretNameV2(scope, id, nameOrArn);
  }
  return /-[A-Za-z0-9]{6}$/.test(nameOrArn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, nameOrArn);
}

/** The CDK's runtime of api/bundling.ts's identifier: the one the local cloud runs too. */
function deployRuntime(): lambda.Runtime {
  const runtime = lambda.Runtime.ALL.find((r) => r.name === lambdaRuntime);
  if (!runtime) throw new Error(`aws-cdk-lib knows no Lambda runtime ${lambdaRuntime}`);
  return runtime;
}

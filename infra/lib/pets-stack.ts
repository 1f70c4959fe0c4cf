import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { PetsAlarms } from './alarms';
import { PetsFunctions } from './functions';
import { outputNames, type OutputKey } from './outputs';
import type { DeployParameters } from './parameters';
import { PetsPublicReads } from './public-reads';
import { type ConfigValues, deployedConfig } from './publish-plan';
import { PetsPhotos } from './photos';
import { PetsRestApi } from './rest-api';
import { PetsRoles } from './roles';
import { PetsSite } from './site';
import { petsTable, type TableSchema } from './table';

export interface PetsStackProps extends StackProps {
  parameters: DeployParameters;
  /** api/pet-table.ts's `tableSchema`: the keys the handlers were written against. */
  tableSchema: TableSchema;
  /** The tenant's IAM OIDC provider, which this stage's roles trust. */
  providerArn: string;
}

/** Everything Secure Pets runs on in AWS, in one stack per stage. */
export class PetsStack extends Stack {
  constructor(scope: Construct, id: string, props: PetsStackProps) {
    super(scope, id, props);
    const { parameters } = props;
    const table = petsTable(this, props.tableSchema, parameters);
    // Signs GET /pets cursors. Nothing else depends on it: deleting it with the stack,
    // or rotating it, only makes open cursors start again from the first page.
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'Secure Pets: the HMAC key of GET /pets paging cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(cursorKey, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The cursor key signs paging cursors only (no data, no credential to anything). ' +
          'Scheduled rotation needs a rotation Lambda of our own, and would only make open ' +
          'cursors answer 400 at each turn; rotate by hand (put-secret-value) if it ever leaks.',
      },
    ]);
    // The site's origin cannot be named here without a cycle (the distribution serves
    // the photos), so a custom domain is named and otherwise any CloudFront name is.
    const photos = new PetsPhotos(this, 'Photos', {
      retain: parameters.retainData,
      siteOrigin: `https://${parameters.siteDomain?.name ?? '*.cloudfront.net'}`,
    });
    const functions = new PetsFunctions(this, 'Functions', {
      table,
      cursorKey,
      hasIndexes: (props.tableSchema.GlobalSecondaryIndexes?.length ?? 0) > 0,
      parameters,
      photos,
    });
    photos.processUploadsWith(functions.byHandler.processPhoto);
    const petsApi = new PetsRestApi(this, 'Api', {
      stage: parameters.stage,
      functions: functions.byHandler,
      throttle: parameters.throttle,
      cloudWatchRole: parameters.apiGatewayCloudWatchRole,
    });
    new PetsAlarms(this, 'Alarms', {
      stage: petsApi.restApi.deploymentStage,
      functions: functions.byHandler,
      topicArn: parameters.alarmTopicArn,
    });
    const roles = new PetsRoles(this, 'Roles', {
      restApiId: petsApi.restApi.restApiId,
      parameters,
      providerArn: props.providerArn,
    });
    // What publish will write into config.json, as tokens here.
    const configValues: ConfigValues = {
      auth0Domain: parameters.auth0Domain,
      auth0ClientId: parameters.auth0ClientId,
      // No trailing slash, like config.json's local invokeUrl.
      apiInvokeUrl: `https://${petsApi.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${petsApi.restApi.deploymentStage.stageName}`,
      region: Aws.REGION,
      adminRoleArn: roles.byRole.admin.roleArn,
      buyerRoleArn: roles.byRole.buyer.roleArn,
      // createPresignedPost's url: the bucket's virtual-hosted, regional endpoint.
      photoUploadUrl: `https://${photos.bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    };
    const site = new PetsSite(this, 'Site', {
      config: deployedConfig(configValues),
      domain: parameters.siteDomain,
      photos: photos.bucket,
    });
    new PetsPublicReads(this, 'PublicReads', {
      distribution: site.distribution,
      restApi: petsApi.restApi,
      stage: parameters.stage,
    });

    const outputs: Record<OutputKey, string> = {
      ...configValues,
      siteBucket: site.bucket.bucketName,
      distributionId: site.distribution.distributionId,
      siteUrl: site.url,
      // The public reads' paths start with the stage (api/cdn.ts), as below invokeUrl.
      apiPublicUrl: `${site.url}/${petsApi.restApi.deploymentStage.stageName}`,
    };
    for (const [key, value] of Object.entries(outputs) as [OutputKey, string][]) {
      new CfnOutput(this, outputNames[key], { value });
    }
  }
}

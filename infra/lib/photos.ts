import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  photoBucketCors,
  photoBucketNotifications,
  photoUploadPrefix,
} from '../../api/photo-bucket';

export interface PetsPhotosProps {
  /** Keep the bucket (and the photos) when the stack goes, as the table is kept. */
  retain: boolean;
  /** The origin whose pages may post upload forms (S3 CORS). */
  siteOrigin: string;
}

/**
 * The photos bucket (api/photos.ts): the browsers' uploads under `uploads/`, which
 * processPhoto turns into web images under `photos/`, served by CloudFront. Private,
 * TLS only, encrypted; stale uploads expire after a day.
 *
 * Its name is made from the stack's id rather than generated, so the functions'
 * variables and policies and the bucket's own event notification can all name it
 * without a reference to the bucket resource: with one, the notification (which needs
 * the Lambda permission first) and the function (which names the bucket) would form
 * a cycle, which the CDK otherwise breaks with a custom-resource Lambda of its own.
 */
export class PetsPhotos extends Construct {
  readonly bucket: s3.Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: PetsPhotosProps) {
    super(scope, id);
    // `photos-` and the stack id's UUID: lowercase, 43 characters, unique per stack.
    this.bucketName = Fn.join('', ['photos-', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
    this.bucketArn = `arn:${Aws.PARTITION}:s3:::${this.bucketName}`;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // The form's policy, not CORS, decides what is stored; CORS lets the page read S3's answer.
      cors: photoBucketCors(props.siteOrigin).map((rule) => ({
        ...rule,
        allowedOrigins: [...rule.allowedOrigins],
        allowedMethods: rule.allowedMethods.map((m) => m as s3.HttpMethods),
        allowedHeaders: rule.allowedHeaders && [...rule.allowedHeaders],
        exposedHeaders: rule.exposedHeaders && [...rule.exposedHeaders],
      })),
      lifecycleRules: [
        {
          id: 'ExpireStaleUploads',
          prefix: photoUploadPrefix,
          expiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'Uploads come only through upload forms that the admin-only API route signs (its ' +
          'access log names the admin), and the web images are public pictures read through ' +
          'CloudFront; per-object access logs would add a log bucket and record nothing more.',
      },
    ]);
  }

  /**
   * processPhoto on every object created under `uploads/`: S3's own notification (no
   * custom resource), after the permission that lets this bucket invoke the function.
   */
  processUploadsWith(fn: lambda.IFunction): void {
    const permission = new lambda.CfnPermission(this, 'InvokeProcessPhoto', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceArn: this.bucketArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
    const cfn = this.bucket.node.defaultChild as s3.CfnBucket;
    cfn.notificationConfiguration = {
      lambdaConfigurations: photoBucketNotifications
        .filter((n) => n.functionName === 'processPhoto')
        .map((n) => ({
          event: 's3:ObjectCreated:*',
          function: fn.functionArn,
          filter: {
            s3Key: {
              rules: [
                { name: 'prefix', value: n.prefix },
                ...(n.suffix ? [{ name: 'suffix', value: n.suffix }] : []),
              ],
            },
          },
        })),
    };
    cfn.addResourceDependency(permission);
    // Every outcome is final (the upload is deleted whatever happens), so a retry would
    // only find the upload gone.
    new lambda.EventInvokeConfig(this, 'ProcessPhotoInvokeConfig', {
      function: fn,
      retryAttempts: 0,
    });
  }
}

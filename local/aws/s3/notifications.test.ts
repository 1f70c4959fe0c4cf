// ObjectCreated notifications: which keys match, the key's encoding in the event,
// and the local cloud's hook that invokes a function of the manifest.
// - Prefix and suffix filter rules ("S3 keys must have the specified prefix/suffix"):
//   https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.NotificationKeyFilter.html,
//   https://docs.amazonaws.cn/en_us/AmazonS3/latest/API/API_FilterRule.md
// - "The s3 key provides information about the bucket and object involved in the
//   event. The object key name value is URL encoded. For example, "red flower.jpg"
//   becomes "red+flower.jpg"":
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { photoBucketNotifications, photoUploadPrefix } from '../../../api/photo-bucket';
import { notifyFunction } from '../../cloud-lambdas';
import type { LambdaFunction } from '../../lambda-runtime/index';
import { eventKey, matching } from './notifications';

describe('ObjectCreated notifications', () => {
  it('match the upload prefix (and a suffix when one is set)', () => {
    assert.equal(matching(photoBucketNotifications, `${photoUploadPrefix}7/x`).length, 1);
    assert.equal(matching(photoBucketNotifications, 'photos/7/x.webp').length, 0);
    const jpegs = [{ id: 'j', prefix: 'a/', suffix: '.jpg', functionName: 'f' }];
    assert.equal(matching(jpegs, 'a/x.jpg').length, 1);
    assert.equal(matching(jpegs, 'a/x.png').length, 0);
  });

  it('carry the key URL-encoded as S3 writes it', () => {
    assert.equal(eventKey('red flower.jpg'), 'red+flower.jpg');
    assert.equal(eventKey('uploads/7/ü+=.jpg'), 'uploads/7/%C3%BC%2B%3D.jpg');
  });

  it('invoke a manifest function through the local Lambda service, and report failures', async () => {
    const invoked: unknown[] = [];
    const fn = (functionError?: 'Unhandled') =>
      ({
        invoke: async (event: unknown) => {
          invoked.push(event);
          return { payload: functionError ? '{"errorType":"Error"}' : 'null', functionError };
        },
      }) as unknown as LambdaFunction;
    const event = { Records: [] };
    const ok = notifyFunction({ functions: { getPets: fn() } as never });
    assert.equal(await ok('getPets', event), 'null');
    assert.deepEqual(invoked, [event]);
    await assert.rejects(ok('noSuchFunction', event), /no function named noSuchFunction/);
    const failing = notifyFunction({ functions: { getPets: fn('Unhandled') } as never });
    await assert.rejects(failing('getPets', event), /errorType/);
  });
});

/**
 * ObjectCreated event notifications: after a PUT or a browser POST succeeds, every
 * notification of the bucket whose prefix (and suffix) filter the key matches gets
 * the event S3 sends to Lambda, delivered asynchronously (S3 invokes the function
 * with the Event invocation type: the upload's answer never waits for it). Locally
 * the function is invoked once; Lambda would retry a failed asynchronous event twice.
 */
import type { ObjectCreatedNotification } from '../../../api/photo-bucket';
import type { ObjectRecord } from './object-store';

export type ObjectCreatedEventName = 'ObjectCreated:Put' | 'ObjectCreated:Post';

/** The S3 event record, in the shape of S3's event message structure (version 2.1). */
export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: ObjectCreatedEventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

export interface S3Event {
  Records: S3EventRecord[];
}

/** Invokes a function with an event, as Lambda's asynchronous Invoke; resolves when it ran. */
export type NotifyFunction = (functionName: string, event: S3Event) => Promise<unknown>;

/**
 * The key as an event carries it: URL-encoded as a form value (a space is `+`),
 * with `/` kept, so a handler decodes it with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export interface CreatedObject {
  bucket: string;
  record: ObjectRecord;
  eventName: ObjectCreatedEventName;
  region: string;
  /** Who wrote it: the caller's ARN (S3 reports a principal id). */
  principalId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
}

let sequence = 0;

/** The event of one notification for one new object. */
export function objectCreatedEvent(
  notification: ObjectCreatedNotification,
  created: CreatedObject,
): S3Event {
  const { bucket, record } = created;
  sequence += 1;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: created.region,
        eventTime: record.lastModified,
        eventName: created.eventName,
        userIdentity: { principalId: created.principalId },
        requestParameters: { sourceIPAddress: created.sourceIp },
        responseElements: { 'x-amz-request-id': created.requestId, 'x-amz-id-2': created.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: notification.id,
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'LOCALOWNER' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: eventKey(record.key),
            size: record.size,
            eTag: record.etag,
            sequencer: `${Date.now().toString(16).toUpperCase()}${sequence.toString(16).padStart(8, '0').toUpperCase()}`,
          },
        },
      },
    ],
  };
}

/** The notifications a new key matches. */
export function matching(
  notifications: readonly ObjectCreatedNotification[],
  key: string,
): ObjectCreatedNotification[] {
  return notifications.filter(
    (n) => key.startsWith(n.prefix) && (n.suffix === undefined || key.endsWith(n.suffix)),
  );
}

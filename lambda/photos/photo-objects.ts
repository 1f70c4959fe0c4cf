import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { photoHeaders } from '../../api/photos';
import { photosConfig } from '../config';

/** The photos bucket as processPhoto and the pet removals use it. */
export interface PhotoObjects {
  /** An object's bytes and size (at most `maxBytes` are read; undefined when it is larger). */
  get(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Writes a web image, with the headers it is served with. */
  putWebImage(key: string, body: Uint8Array): Promise<void>;
  /** Deletes objects; a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

let shared: S3Client | undefined;

/**
 * The container's S3 client. In AWS the SDK finds S3 from the region; locally the
 * SDK's own AWS_ENDPOINT_URL_S3 names the local S3, an IP address, so buckets are
 * addressed path-style (`/{bucket}/{key}`) there.
 */
export function s3Client(): S3Client {
  shared ??= new S3Client({});
  return shared;
}

/** PhotoObjects on S3 through @aws-sdk/client-s3: the same calls in AWS and locally. */
export class S3PhotoObjects implements PhotoObjects {
  constructor(
    private readonly bucket: string = photosConfig().bucket,
    private readonly client: S3Client = s3Client(),
  ) {}

  async get(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if ((res.ContentLength ?? 0) > maxBytes) {
      await res.Body?.transformToWebStream().cancel();
      return undefined;
    }
    return res.Body?.transformToByteArray();
  }

  async putWebImage(key: string, body: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: photoHeaders['Content-Type'],
        CacheControl: photoHeaders['Cache-Control'],
      }),
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    // One DeleteObject each (S3 answers 204 for a missing key): a photo has three
    // images, so batching (DeleteObjects) would save little.
    await Promise.all(
      keys.map((Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))),
    );
  }
}

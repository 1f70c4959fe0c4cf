import type { Context, S3Event } from 'aws-lambda';
import { photosConfig, storeConfig } from '../config';
import { logger } from '../observability';
import { PetPhotos } from '../photos/pet-photos';
import { S3PhotoObjects } from '../photos/photo-objects';
import { processUpload } from '../photos/process-upload';

/**
 * processPhoto: S3's ObjectCreated events on the photos bucket's `uploads/` prefix
 * (docs/design.md "Pet photos"). Each upload becomes its pet's photo or a reason on
 * the pet (lambda/photos/process-upload.ts), and is deleted either way. One log line
 * per upload with its outcome; never the upload's bytes.
 */
export async function handler(event: S3Event, context?: Context): Promise<void> {
  if (context) logger.addContext(context);
  const { bucket } = photosConfig();
  const objects = new S3PhotoObjects(bucket);
  const pets = new PetPhotos(storeConfig().tableName);
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated:') || record.s3?.bucket?.name !== bucket) {
      continue;
    }
    // Keys in S3 events are URL-encoded, spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const started = performance.now();
    try {
      const result = await processUpload({ key, at: record.eventTime }, objects, pets);
      logger.info('photo', { key, ...result, ms: Math.round(performance.now() - started) });
    } catch (error) {
      logger.error('photo failed', { key, ms: Math.round(performance.now() - started), error });
      throw error;
    }
  }
}

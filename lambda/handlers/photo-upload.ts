import type { LambdaHandler } from '../../api/handlers';
import { isPhotoContentType, photoContentTypes } from '../../api/photos';
import { photosConfig, storeConfig } from '../config';
import { BadRequestError, NotFoundError } from '../http/errors';
import { parseJsonBody, parsePathId } from '../http/request-parsing';
import { json } from '../http/responses';
import { route } from '../http/route';
import { s3Client } from '../photos/photo-objects';
import { uploadFormFor } from '../photos/upload-form';
import { PetWrites } from '../store/pet-writes';

/**
 * POST /pets/{id}/photo (admin): `{ contentType }` gets an S3 presigned POST
 * `{ url, fields }` for one upload of that pet's photo (lambda/photos/upload-form.ts);
 * 400 for a type that is not a photo's, 404 when there is no such pet. The browser
 * posts the file straight to S3; processPhoto does the rest.
 */
export const handler: LambdaHandler = route('photoUpload', async (event) => {
  const id = parsePathId(event);
  const { contentType } = parseJsonBody(event.body, event.isBase64Encoded);
  if (!isPhotoContentType(contentType)) {
    throw new BadRequestError(`contentType must be one of ${photoContentTypes.join(', ')}.`);
  }
  if (!(await new PetWrites(storeConfig().tableName).get(id))) {
    throw new NotFoundError(`There is no pet ${id}.`);
  }
  const form = await uploadFormFor(s3Client(), photosConfig().bucket, id, contentType);
  return json(200, form);
});

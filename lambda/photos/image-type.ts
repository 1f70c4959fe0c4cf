import { fileTypeFromBuffer } from 'file-type';
import { photoContentTypes, photoRejections, type PhotoContentType } from '../../api/photos';
import { PhotoRejectedError } from './photo-rejected';

const accepted = new Set<string>(photoContentTypes);

/**
 * The upload's real type, from its bytes (magic numbers), whatever type the form
 * declared: S3 stores what the browser sends, so `Content-Type` proves nothing.
 * Anything but JPEG, PNG, WebP or AVIF (an SVG, HTML, text) is refused before sharp,
 * which reads more formats than the site wants to accept, ever sees it.
 */
export async function imageTypeOf(bytes: Uint8Array): Promise<PhotoContentType> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !accepted.has(type.mime)) throw new PhotoRejectedError(photoRejections.notAnImage);
  return type.mime as PhotoContentType;
}

import type { UploadForm } from '../api/pets-api';

/** S3 refused an upload, or could not be reached (`code` is S3's, or `Unreachable`). */
export class S3UploadError extends Error {
  override readonly name = 'S3UploadError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * S3's error codes for a POST upload, in words an admin understands
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
function inWords(code: string, s3Message: string): string {
  switch (code) {
    case 'EntityTooLarge':
      return 'The photo is larger than 10 MB. Choose a smaller one.';
    case 'EntityTooSmall':
      return 'That file is empty. Choose a photo.';
    case 'AccessDenied':
      return /expired/i.test(s3Message)
        ? 'The upload took too long and its permission expired. Please try again.'
        : 'The photo storage refused the upload. Please try again.';
    case 'Unreachable':
      return 'The photo storage could not be reached. Check your connection and try again.';
    default:
      return `The photo storage refused the upload (${code}). Please try again.`;
  }
}

function errorOf(xhr: XMLHttpRequest): S3UploadError {
  if (xhr.status === 0) return new S3UploadError('Unreachable', inWords('Unreachable', ''));
  const xml = new DOMParser().parseFromString(xhr.responseText, 'application/xml');
  const code = xml.querySelector('Error > Code')?.textContent ?? `HTTP ${xhr.status}`;
  const message = xml.querySelector('Error > Message')?.textContent ?? '';
  return new S3UploadError(code, inWords(code, message));
}

/**
 * Posts a file to S3 with a presigned POST: every field of the form, then `file`
 * last (S3 ignores fields after it). XMLHttpRequest rather than fetch, whose request
 * bodies report no progress; `progress` gets the share sent, 0 to 100.
 */
export function postToS3(
  form: UploadForm,
  file: Blob,
  progress: (percent: number) => void,
): Promise<void> {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', file);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.url);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress(Math.floor((e.loaded / e.total) * 100));
    });
    xhr.addEventListener('load', () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(errorOf(xhr)),
    );
    xhr.addEventListener('error', () => reject(errorOf(xhr)));
    xhr.send(body);
  });
}

/**
 * An upload processPhoto refuses: the pet keeps what it had, the upload is deleted,
 * and `reason` (one of api/photos.ts's photoRejections) is what the admin's page shows.
 */
export class PhotoRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PhotoRejectedError';
  }
}

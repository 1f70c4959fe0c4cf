import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import type { Pet, PetPhoto } from '../../../api/pet';
import { isPhotoContentType, photoContentTypes } from '../../../api/photos';
import { describeError } from '../api/describe-error';
import { PetsApi } from '../api/pets-api';
import { S3UploadError, postToS3 } from './s3-post';

/** How long the page waits for processPhoto, and how often it asks. */
export const PROCESSING_WAIT_MS = 15_000;
export const PROCESSING_POLL_MS = 500;

/** What processing an upload came to: the new photo, or processPhoto's reason. */
type Processed = { photo: PetPhoto } | { reason: string } | { timedOut: true };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An admin's photo upload on a pet page: a file input labelled `Photo` and `Upload
 * photo`. The app asks for an S3 presigned POST (`POST /pets/{id}/photo`), posts the
 * file straight to S3 with its progress shown, then asks `GET /pets/{id}/photo` until
 * the pet's photo changes or processPhoto refuses this upload (matched by its key, so
 * an older refusal never shows), and says which.
 */
@Component({
  selector: 'app-photo-upload',
  templateUrl: './photo-upload.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PhotoUpload {
  private readonly api = inject(PetsApi);
  readonly pet = input.required<Pet>();
  /** The pet's new photo, once processPhoto made it. */
  readonly photoChanged = output<PetPhoto>();

  protected readonly accept = photoContentTypes.join(',');
  protected readonly file = signal<File | null>(null);
  protected readonly busy = signal(false);
  /** The share of the file sent to S3, while it is sent. */
  protected readonly percent = signal<number | null>(null);
  protected readonly status = signal('');
  protected readonly alert = signal<string | null>(null);

  protected choose(input: HTMLInputElement): void {
    this.file.set(input.files?.[0] ?? null);
    this.alert.set(null);
  }

  protected async upload(): Promise<void> {
    const file = this.file();
    const pet = this.pet();
    this.alert.set(null);
    if (!file) return this.alert.set('Choose a photo first.');
    if (!isPhotoContentType(file.type)) {
      return this.alert.set('Choose a JPEG, PNG, WebP or AVIF image.');
    }
    this.busy.set(true);
    try {
      const form = await this.api.photoForm(pet.id, file.type);
      this.status.set('Uploading the photo: 0 %');
      this.percent.set(0);
      await postToS3(form, file, (p) => {
        this.percent.set(p);
        this.status.set(`Uploading the photo: ${p} %`);
      });
      this.percent.set(null);
      this.status.set('Processing the photo…');
      const done = await this.processed(pet.id, form.fields['key'] ?? '', pet.photo?.url);
      this.status.set('');
      if ('photo' in done) {
        this.photoChanged.emit(done.photo);
        this.status.set('Photo updated.');
      } else if ('reason' in done) {
        this.alert.set(done.reason);
      } else {
        this.alert.set('The photo is taking long to process. Reload the page in a moment.');
      }
    } catch (error) {
      this.status.set('');
      this.alert.set(error instanceof S3UploadError ? error.message : describeError(error));
    } finally {
      this.percent.set(null);
      this.busy.set(false);
    }
  }

  /** Asks until this upload's photo or refusal shows, for PROCESSING_WAIT_MS at most. */
  private async processed(id: number, key: string, before?: string): Promise<Processed> {
    const until = Date.now() + PROCESSING_WAIT_MS;
    while (Date.now() < until) {
      const state = await this.api.photoState(id);
      if (state.error?.key === key) return { reason: state.error.reason };
      if (state.photo && state.photo.url !== before) return { photo: state.photo };
      await sleep(PROCESSING_POLL_MS);
    }
    return { timedOut: true };
  }
}

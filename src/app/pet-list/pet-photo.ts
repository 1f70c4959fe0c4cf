import { Directive, ElementRef, Input, inject } from '@angular/core';
import type { PetPhoto } from '../../../api/pet';

/** A URL the site serves a photo at: site-relative under `/photos/`, nothing that could be a scheme. */
const photoPath = /^\/photos\/[\w./-]+$/;

/** Whether every URL of a photo is one of the site's own photo paths. */
export function isSitePhoto(photo: PetPhoto): boolean {
  const urls = [photo.url, ...photo.srcset.split(',').map((entry) => entry.trim().split(' ')[0])];
  return urls.every((url) => url !== undefined && photoPath.test(url));
}

/**
 * An `<img>` showing a pet's photo: `src`, `srcset`, and the explicit `width` and
 * `height` that reserve its box. Set here rather than bound in the template: URL
 * bindings would pull Angular's sanitizer into the initial bundle (every part of
 * @angular/core the app uses lands there), and so would an `effect`; a setter costs
 * nothing. Only the site's own photo paths are accepted, stricter than the sanitizer
 * (and `img-src 'self'` holds either way).
 */
@Directive({ selector: 'img[appPetPhoto]' })
export class PetPhotoImg {
  private readonly img = inject<ElementRef<HTMLImageElement>>(ElementRef).nativeElement;

  @Input({ required: true }) set appPetPhoto(photo: PetPhoto) {
    this.img.width = photo.width;
    this.img.height = photo.height;
    if (!isSitePhoto(photo)) return;
    this.img.srcset = photo.srcset;
    this.img.src = photo.url;
  }
}

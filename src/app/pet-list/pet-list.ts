import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  input,
  output,
} from '@angular/core';
import type { Pet } from '../../../api/pet';
import type { Role } from '../auth/session';
import { AppLink } from '../shell/app-link';
import { formatPrice } from './pet-format';
import { PetPhotoImg } from './pet-photo';

/**
 * One page of pets as a list, each pet's type a link to its page (`/pets/{id}`). Rows are tracked by id, so a purchase that replaces one
 * pet redraws that row only. A buyer gets `Buy` on unsold pets, an admin `Remove`. A
 * sold pet says so; a buyer's own purchases say `Bought by you`, and a buyer's email
 * shows only to an admin (the Sales view), never to a buyer, not even their own.
 */
@Component({
  selector: 'app-pet-list',
  imports: [AppLink, PetPhotoImg],
  templateUrl: './pet-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PetList {
  readonly pets = input.required<readonly Pet[]>();
  readonly role = input<Role | null>(null);
  /** The ids of the pets the signed-in buyer bought. */
  readonly bought = input<ReadonlySet<number>>(new Set());
  readonly disabled = input(false);
  readonly buy = output<Pet>();
  readonly remove = output<Pet>();

  protected readonly price = formatPrice;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  /** One of the signed-in buyer's own purchases. */
  protected mine(pet: Pet): boolean {
    return this.role() === 'buyer' && this.bought().has(pet.id);
  }

  /** Who bought a sold pet, as far as this user may see it. */
  protected buyer(pet: Pet): string | null {
    if (this.mine(pet)) return 'Bought by you';
    return this.role() === 'admin' && pet.soldTo ? `Sold to ${pet.soldTo}` : null;
  }

  /**
   * Focuses a pet's row (after its button went away); false when it is not on the page.
   * The rows asked for, not the DOM, say whether it is: a row that has just gone may
   * still be drawn until the next render.
   */
  focusPet(id: number): boolean {
    if (!this.pets().some((pet) => pet.id === id)) return false;
    const row = this.host.nativeElement.querySelector<HTMLElement>(`#pet-${id}`);
    row?.focus();
    return row !== null;
  }
}

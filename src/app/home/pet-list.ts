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
import { formatPrice } from './pet-format';

/**
 * One page of pets as a list. Rows are tracked by id, so a purchase that replaces one
 * pet redraws that row only. A buyer gets `Buy` on unsold pets, an admin `Remove`;
 * a sold pet says so, and whom to only those who may know.
 */
@Component({
  selector: 'app-pet-list',
  templateUrl: './pet-list.html',
  styleUrl: './pet-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PetList {
  readonly pets = input.required<readonly Pet[]>();
  readonly role = input<Role | null>(null);
  /** The signed-in user's email, to recognise their own purchases. */
  readonly email = input<string | undefined>(undefined);
  readonly disabled = input(false);
  readonly buy = output<Pet>();
  readonly remove = output<Pet>();

  protected readonly price = formatPrice;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  /** Who bought a sold pet, as far as this user may see it. */
  protected buyer(pet: Pet): string | null {
    if (!pet.soldTo) return null;
    if (this.role() === 'buyer') return pet.soldTo === this.email() ? 'Bought by you' : null;
    return this.role() === 'admin' ? `Sold to ${pet.soldTo}` : null;
  }

  /** Focuses a pet's row (after its button went away); false when it is not on the page. */
  focusPet(id: number): boolean {
    const row = this.host.nativeElement.querySelector<HTMLElement>(`#pet-${id}`);
    row?.focus();
    return row !== null;
  }
}

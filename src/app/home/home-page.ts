import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import type { Pet } from '../api/pets-api';
import { Auth } from '../auth/auth';
import { PetStore, formatPrice } from './pet-store';

/** Validates the Price field; returns the message to show, or null when it is fine. */
export function priceProblem(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter a price.';
  if (!/^\d+(\.\d{1,2})?$/.test(text)) {
    return 'Enter the price as a number, with at most two decimals (for example 249.99).';
  }
  if (Number(text) <= 0) return 'The price must be more than 0.';
  return null;
}

export function typeProblem(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter the type of pet.';
  if (text.length > 40) return 'Keep the type under 40 characters.';
  return null;
}

@Component({
  selector: 'app-home-page',
  providers: [PetStore],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(Auth);
  protected readonly store = inject(PetStore);
  protected readonly price = formatPrice;

  protected readonly userName = this.auth.userName;
  protected readonly isAdmin = computed(() => this.auth.role() === 'admin');
  protected readonly isBuyer = computed(() => this.auth.role() === 'buyer');

  protected readonly adding = signal(false);
  protected readonly typeText = signal('');
  protected readonly priceText = signal('');
  protected readonly submitted = signal(false);
  protected readonly typeError = computed(() =>
    this.submitted() ? typeProblem(this.typeText()) : null,
  );
  protected readonly priceError = computed(() =>
    this.submitted() ? priceProblem(this.priceText()) : null,
  );

  private readonly typeInput = viewChild<ElementRef<HTMLInputElement>>('typeInput');
  private readonly priceInput = viewChild<ElementRef<HTMLInputElement>>('priceInput');
  private readonly addButton = viewChild<ElementRef<HTMLButtonElement>>('addButton');

  constructor() {
    void this.store.load();
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected openForm(): void {
    this.typeText.set('');
    this.priceText.set('');
    this.submitted.set(false);
    this.adding.set(true);
    setTimeout(() => this.typeInput()?.nativeElement.focus());
  }

  protected closeForm(): void {
    this.adding.set(false);
    setTimeout(() => this.addButton()?.nativeElement.focus());
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (this.typeError()) {
      this.typeInput()?.nativeElement.focus();
      return;
    }
    if (this.priceError()) {
      this.priceInput()?.nativeElement.focus();
      return;
    }
    if (await this.store.add(this.typeText().trim(), Number(this.priceText().trim()))) {
      this.closeForm();
    }
  }

  protected buy(pet: Pet): void {
    void this.store.buy(pet);
  }

  protected remove(pet: Pet): void {
    void this.store.remove(pet);
  }

  protected logout(): void {
    void this.auth.logout();
  }
}

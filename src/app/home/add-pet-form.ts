import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { priceProblem as checkPrice, typeProblem as checkType, petRules } from '../../../api/pet';
import { HomeState } from './home-state';
import { formatPrice } from '../pet-list/pet-format';

const usdAmount = new RegExp(`^\\d+(\\.\\d{1,${petRules.priceDecimals}})?$`);

/**
 * Validates the Price field; returns the message to show, or null when it is fine.
 * The text must be a plain amount; the amount then follows the API's rules.
 */
export function priceProblem(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter a price.';
  if (!usdAmount.test(text)) {
    return 'Enter the price as a number, with at most two decimals (for example 249.99).';
  }
  if (checkPrice(Number(text)) === 'tooHigh') {
    return `The price must be at most ${formatPrice(petRules.maxPrice)}.`;
  }
  return null;
}

export function typeProblem(value: string): string | null {
  switch (checkType(value)) {
    case null:
      return null;
    case 'tooLong':
      return `Keep the type to at most ${petRules.maxTypeLength} characters.`;
    case 'notText':
      return 'The type must be text: it holds a broken character. Type it again.';
    default:
      return 'Enter the type of pet.';
  }
}

/**
 * Focuses an element that the next render brings, trying again for a few tasks: the
 * zoneless scheduler may render after a first timer (afterNextRender would cost the
 * initial bundle 0.7 kB, see shell/arrival.ts).
 */
function focusOnceRendered(element: () => HTMLElement | undefined, tries = 20): void {
  setTimeout(() => {
    const found = element();
    if (found) found.focus();
    else if (tries > 0) focusOnceRendered(element, tries - 1);
  });
}

/** An admin's `Add pet` button and the form it opens. */
@Component({
  selector: 'app-add-pet-form',
  templateUrl: './add-pet-form.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddPetForm {
  protected readonly state = inject(HomeState);

  protected readonly open = this.state.adding;
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

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected openForm(): void {
    this.typeText.set('');
    this.priceText.set('');
    this.submitted.set(false);
    this.open.set(true);
    setTimeout(() => this.typeInput()?.nativeElement.focus());
  }

  protected closeForm(): void {
    this.open.set(false);
    focusOnceRendered(() => this.addButton()?.nativeElement);
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
    if (await this.state.add(this.typeText().trim(), Number(this.priceText().trim()))) {
      this.closeForm();
    }
  }
}

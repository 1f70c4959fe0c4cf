import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import type { PetSort, PetStatus } from '../../../api/pet-query';
import type { PetView } from './pet-pages';

/** How long the type filter waits after the last keystroke before it applies itself. */
export const TYPE_FILTER_PAUSE_MS = 400;

const sortOptions: readonly { value: PetSort; label: string }[] = [
  { value: '-id', label: 'Newest first' },
  { value: 'id', label: 'Oldest first' },
  { value: 'price', label: 'Price: low to high' },
  { value: '-price', label: 'Price: high to low' },
];

const statusOptions: readonly { value: PetStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'available', label: 'For sale' },
  { value: 'sold', label: 'Sold' },
];

/**
 * The controls that choose which pets to browse: an exact type, an order and sold or
 * not. Every change asks for a new view (the page starts again at page 1); the type
 * applies on Enter, or by itself once the user pauses typing.
 */
@Component({
  selector: 'app-pet-filters',
  template: `
    <form role="search" class="filters" aria-label="Pets to show" (submit)="submit($event)">
      <div class="field type">
        <label for="filter-type">Filter by type</label>
        <input
          id="filter-type"
          name="type"
          type="search"
          autocomplete="off"
          enterkeyhint="search"
          [value]="typeText()"
          (input)="typed($event)"
        />
      </div>
      <div class="field">
        <label for="sort-by">Sort by</label>
        <select id="sort-by" name="sort" (change)="chooseSort($event)">
          @for (option of sortOptions; track option.value) {
            <option [value]="option.value" [selected]="option.value === view().sort">
              {{ option.label }}
            </option>
          }
        </select>
      </div>
      <div class="field">
        <label for="show-status">Show</label>
        <select id="show-status" name="status" (change)="chooseStatus($event)">
          @for (option of statusOptions; track option.value) {
            <option [value]="option.value" [selected]="option.value === view().status">
              {{ option.label }}
            </option>
          }
        </select>
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PetFilters {
  readonly view = input.required<PetView>();
  readonly viewChange = output<PetView>();

  protected readonly sortOptions = sortOptions;
  protected readonly statusOptions = statusOptions;
  /** The text as typed, while it is ahead of the applied type (until the pause or Enter). */
  private readonly draft = signal<string | null>(null);
  /**
   * What the field shows: the draft while typing; once applied, still the draft if it
   * is that type with spaces ("guinea " is on its way to "guinea pig"); else the view's
   * type. (What linkedSignal does, without its 1 kB in the initial bundle: top-bar.ts.)
   */
  protected readonly typeText = computed(() => {
    const draft = this.draft();
    const type = this.view().type;
    return draft !== null && (this.typing() || draft.trim() === type) ? draft : type;
  });
  private readonly typing = signal(false);
  private pause?: ReturnType<typeof setTimeout>;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.pause));
  }

  protected typed(event: Event): void {
    this.typing.set(true);
    this.draft.set((event.target as HTMLInputElement).value);
    clearTimeout(this.pause);
    this.pause = setTimeout(() => this.applyType(), TYPE_FILTER_PAUSE_MS);
  }

  protected submit(event: Event): void {
    event.preventDefault();
    this.applyType();
  }

  protected chooseSort(event: Event): void {
    this.change({ sort: (event.target as HTMLSelectElement).value as PetSort });
  }

  protected chooseStatus(event: Event): void {
    this.change({ status: (event.target as HTMLSelectElement).value as PetView['status'] });
  }

  /** The type is exact and trimmed; the same type again is no change. */
  private applyType(): void {
    if (this.typeText().trim() !== this.view().type) this.change({});
    else {
      clearTimeout(this.pause);
      this.typing.set(false);
    }
  }

  /** A new view: the changed control, and the type as typed so far (a change applies it too). */
  private change(part: Partial<PetView>): void {
    clearTimeout(this.pause);
    const type = this.typeText().trim();
    this.typing.set(false);
    this.viewChange.emit({ ...this.view(), type, ...part });
  }
}

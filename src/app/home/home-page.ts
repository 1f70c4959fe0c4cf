import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import type { Pet } from '../../../api/pet';
import { Auth } from '../auth/auth';
import { focusOnArrival } from '../shell/arrival';
import { TopBar } from '../shell/top-bar';
import { AddPetForm } from './add-pet-form';
import { HomeState } from './home-state';
import { MyPurchases } from './my-purchases';
import { PageNav } from '../pet-list/page-nav';
import { PetFilters } from './pet-filters';
import { PetList } from '../pet-list/pet-list';
import { PetPages, type PetView, defaultView } from './pet-pages';

/**
 * The signed-in home: a greeting, the messages, an admin's add form, and the
 * catalogue one page at a time with the controls that choose what to browse. A
 * buyer's own purchases are loaded once per sign-in (MyPurchases) and marked on
 * every page; an admin finds the buyers on the Sales page.
 */
@Component({
  selector: 'app-home-page',
  imports: [AddPetForm, PageNav, PetFilters, PetList, TopBar],
  providers: [HomeState, PetPages],
  templateUrl: './home-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(Auth);
  protected readonly state = inject(HomeState);
  protected readonly pages = this.state.pages;
  protected readonly purchases = inject(MyPurchases);

  protected readonly userName = this.auth.userName;
  protected readonly role = this.auth.role;
  protected readonly isAdmin = computed(() => this.role() === 'admin');
  /** The failures to show: the last action's, and the buyer's purchases' while they last. */
  protected readonly alert = computed(() =>
    [this.state.error(), this.purchases.error()].filter((m) => m !== null).join(' '),
  );
  /** What is in progress, for the progress bar's name (null: nothing). */
  protected readonly progress = computed(() => {
    if (this.pages.loading()) return 'Loading pets…';
    if (this.state.busy()) return 'Working…';
    return this.purchases.loading() ? 'Loading your purchases…' : null;
  });
  protected readonly heading = computed(() => {
    switch (this.pages.view().status) {
      case 'available':
        return 'Pets for sale';
      case 'sold':
        return 'Sold pets';
      default:
        return 'Pets';
    }
  });

  private readonly mainHeading = viewChild<ElementRef<HTMLElement>>('mainHeading');
  private readonly listHeading = viewChild<ElementRef<HTMLElement>>('listHeading');
  private readonly list = viewChild(PetList);

  constructor() {
    focusOnArrival(() => this.mainHeading()?.nativeElement);
    void this.state.show(defaultView);
    // Only a buyer has purchases (MyPurchases asks for no one else), once per sign-in.
    if (this.role() === 'buyer') void this.purchases.load();
  }

  protected show(view: PetView): void {
    void this.state.show(view);
  }

  /** After a page turn the old rows are gone: the list's heading (which says the page) takes focus. */
  protected async turn(direction: 'next' | 'previous'): Promise<void> {
    const moved = await (direction === 'next' ? this.state.nextPage() : this.state.previousPage());
    if (moved) this.focusList();
  }

  protected async buy(pet: Pet): Promise<void> {
    await this.state.buy(pet);
    // Buy is replaced by "Sold": focus the row, which now says so, not the page's top.
    setTimeout(() => this.list()?.focusPet(pet.id) || this.focusList());
  }

  protected async remove(pet: Pet): Promise<void> {
    await this.state.remove(pet);
    setTimeout(() => this.list()?.focusPet(pet.id) || this.focusList());
  }

  /** Loads the pets again, and a buyer's purchases if they failed too (a no-op otherwise). */
  protected retry(): void {
    void this.state.reload();
    if (this.role() === 'buyer') void this.purchases.load();
  }

  protected retryPurchases(): void {
    void this.purchases.load();
  }

  private focusList(): void {
    setTimeout(() => this.listHeading()?.nativeElement.focus());
  }
}

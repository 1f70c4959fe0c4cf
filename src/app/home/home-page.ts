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
import { PagedPetList, type RunLoad } from '../pet-list/paged-pet-list';
import { focusOnArrival } from '../shell/arrival';
import { TopBar } from '../shell/top-bar';
import { AddPetForm } from './add-pet-form';
import { HomeState } from './home-state';
import { MyPurchases } from './my-purchases';
import { PetFilters } from './pet-filters';
import { PetPages, type PetView, defaultView } from './pet-pages';

/**
 * The signed-in home: a greeting, the messages, an admin's add form, and the
 * catalogue one page at a time with the controls that choose what to browse. A
 * buyer's own purchases are loaded once per sign-in (MyPurchases) and marked on
 * every page; an admin finds the buyers on the Sales page.
 */
@Component({
  selector: 'app-home-page',
  imports: [AddPetForm, PagedPetList, PetFilters, TopBar],
  providers: [HomeState, PetPages],
  templateUrl: './home-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(Auth);
  protected readonly state = inject(HomeState);
  protected readonly pages = this.state.pages;
  protected readonly purchases = inject(MyPurchases);

  /** Read once: the user stays the same on this page, and the greeting stays if the session ends. */
  protected readonly userName = this.auth.userName();
  protected readonly role = this.auth.role;
  protected readonly isAdmin = computed(() => this.role() === 'admin');
  /**
   * The failures to show: the last action's, and the buyer's purchases' while they
   * last. Once the session has ended the top bar's alert says why and what to do, and
   * nothing here could succeed without one.
   */
  protected readonly alert = computed(() =>
    this.auth.signedIn()
      ? [this.state.error(), this.purchases.error()].filter((m) => m !== null).join(' ')
      : '',
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

  protected readonly empty = computed(() =>
    this.pages.filtered()
      ? 'No pets match these filters.'
      : 'No pets match: the store has no pets yet.',
  );
  /** Page turns are the home's actions too: their failure is its alert. */
  protected readonly run: RunLoad = (load) => this.state.load(load);

  private readonly mainHeading = viewChild<ElementRef<HTMLElement>>('mainHeading');
  private readonly list = viewChild(PagedPetList);

  constructor() {
    focusOnArrival(() => this.mainHeading()?.nativeElement);
    void this.state.show(defaultView);
    // Only a buyer has purchases (MyPurchases asks for no one else), once per sign-in.
    if (this.role() === 'buyer') void this.purchases.load();
  }

  protected show(view: PetView): void {
    void this.state.show(view);
  }

  protected async buy(pet: Pet): Promise<void> {
    await this.state.buy(pet);
    // Buy is replaced by "Sold": focus the row, which now says so, not the page's top.
    this.list()?.focusPet(pet.id);
  }

  protected async remove(pet: Pet): Promise<void> {
    await this.state.remove(pet);
    this.list()?.focusPet(pet.id);
  }

  /** Loads the pets again, and a buyer's purchases if they failed too (a no-op otherwise). */
  protected retry(): void {
    void this.state.reload();
    if (this.role() === 'buyer') void this.purchases.load();
  }

  protected retryPurchases(): void {
    void this.purchases.load();
  }
}

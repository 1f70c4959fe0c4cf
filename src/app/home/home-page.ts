import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { Pet } from '../../../api/pet';
import { Auth } from '../auth/auth';
import { PagedPetList, type RunLoad } from '../pet-list/paged-pet-list';
import { focusOnArrival } from '../shell/arrival';
import { TopBar } from '../shell/top-bar';
import { AddPetForm } from './add-pet-form';
import { HomeState } from './home-state';
import { MyPurchases } from './my-purchases';
import { PetFilters } from './pet-filters';
import { PetPages, type PetView, sameView, urlParamsOf, viewFromUrl } from './pet-pages';

/**
 * The store front, `/`. For everyone, the catalogue one page at a time with the
 * controls that choose what to browse, read with the public `GET /pets` (no
 * credentials), and the messages. Signed out, it asks nothing else: the top bar's
 * `Log in` is the one way on. Signed in, it is the home: a greeting, a buyer's `Buy`
 * and own purchases (loaded once per sign-in by MyPurchases and marked on every
 * page), an admin's add form and `Remove`; an admin finds the buyers on the Sales page.
 *
 * The view the controls chose is in the URL's query, so that a reload, a link or
 * a sign-in (which comes back to the URL it left) shows the same pets.
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
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly state = inject(HomeState);
  protected readonly pages = this.state.pages;
  protected readonly purchases = inject(MyPurchases);

  /**
   * Read once: the user stays the same on this page (signing in leaves it for the
   * IdP), and the greeting stays if the session ends.
   */
  protected readonly signedIn = this.auth.signedIn();
  protected readonly userName = this.auth.userName();
  protected readonly role = this.auth.role;
  protected readonly isAdmin = computed(() => this.role() === 'admin');
  /**
   * The failures to show: the last action's, and the buyer's purchases' while they
   * last. Once a session has ended under the page the top bar's alert says why and
   * what to do, and nothing here could succeed without one.
   */
  protected readonly alert = computed(() =>
    !this.signedIn || this.auth.signedIn()
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
    void this.state.show(viewFromUrl(this.route.snapshot.queryParamMap));
    // A link to another view of this page (the bar's `Pets` is `/`) shows that view.
    const links = this.route.queryParamMap.subscribe((params) => {
      const view = viewFromUrl(params);
      if (!sameView(view, this.pages.view())) void this.state.show(view);
    });
    inject(DestroyRef).onDestroy(() => links.unsubscribe());
    // Only a buyer has purchases (MyPurchases asks for no one else), once per sign-in.
    if (this.role() === 'buyer') void this.purchases.load();
  }

  /** Shows a view and puts it in the URL, in place: the Back button still leaves the page. */
  protected show(view: PetView): void {
    void this.state.show(view);
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: urlParamsOf(view),
      replaceUrl: true,
    });
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

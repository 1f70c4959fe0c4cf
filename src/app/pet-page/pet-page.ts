import { isPlatformBrowser } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  PLATFORM_ID,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute } from '@angular/router';
import { type Pet, type PetPhoto, petIdOfText } from '../../../api/pet';
import { Auth } from '../auth/auth';
import { HomeState } from '../home/home-state';
import { MyPurchases } from '../home/my-purchases';
import { PetPages } from '../home/pet-pages';
import { formatPrice } from '../pet-list/pet-format';
import { PetPhotoImg } from '../pet-list/pet-photo';
import { focusOnArrival } from '../shell/arrival';
import { AppLink } from '../shell/app-link';
import { TopBar } from '../shell/top-bar';
import { OnePet } from './one-pet';
import { PhotoUpload } from './photo-upload';

/** What the page shows: the pet, or why not. */
export type PetPageShows = 'loading' | 'pet' | 'missing' | 'malformed' | 'failed';

/**
 * A pet's own page, `/pets/{id}`, for everyone: its type as the heading, its photo's
 * box, its price, and `Sold` or what this user may do (a buyer `Buy`, an admin
 * `Remove`; signed out, the top bar's `Log in`, which comes back here). Buying and
 * removing are the home page's own actions (HomeState) on this one pet (OnePet). An
 * address that names no pet, a pet that is not there, and a store that cannot be
 * reached each get a page that says so, with the way back to the store.
 *
 * The build prerenders it as it first paints, loading (app.routes.server.ts): every
 * pet page is served that frame, and the app fills it in the browser.
 */
@Component({
  selector: 'app-pet-page',
  imports: [AppLink, PetPhotoImg, PhotoUpload, TopBar],
  providers: [HomeState, OnePet, { provide: PetPages, useExisting: OnePet }],
  templateUrl: './pet-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PetPage {
  private readonly auth = inject(Auth);
  private readonly title = inject(Title);
  protected readonly state = inject(HomeState);
  protected readonly one = inject(OnePet);
  protected readonly purchases = inject(MyPurchases);
  protected readonly price = formatPrice;

  /** The address's id, or undefined when it names no pet. */
  protected readonly id = petIdOfText(inject(ActivatedRoute).snapshot.paramMap.get('id'));
  protected readonly role = this.auth.role;
  protected readonly pet = this.one.pet;

  /** False while the build renders the page: it is then the frame, loading. */
  private readonly inBrowser = isPlatformBrowser(inject(PLATFORM_ID));

  protected readonly shows = computed<PetPageShows>(() => {
    if (!this.inBrowser) return 'loading';
    if (this.id === undefined) return 'malformed';
    if (this.one.failed()) return 'failed';
    if (this.one.missing()) return 'missing';
    return this.pet() ? 'pet' : 'loading';
  });
  protected readonly heading = computed(() => {
    switch (this.shows()) {
      case 'pet':
        return this.pet()!.type;
      case 'loading':
        return 'Loading the pet…';
      case 'failed':
        return 'The pet could not be loaded';
      default:
        return 'No such pet';
    }
  });
  /** One of the signed-in buyer's own purchases. */
  protected readonly mine = computed(() => {
    const pet = this.pet();
    return this.role() === 'buyer' && pet !== null && this.purchases.ids().has(pet.id);
  });
  /**
   * The last action's failure. Once a session has ended under the page the top bar's
   * alert says why and what to do, and nothing here could succeed without one.
   */
  private readonly signedInAtStart = this.auth.signedIn();
  protected readonly alert = computed(() =>
    !this.signedInAtStart || this.auth.signedIn() ? this.state.error() : null,
  );

  private readonly mainHeading = viewChild<ElementRef<HTMLElement>>('mainHeading');
  private readonly facts = viewChild<ElementRef<HTMLElement>>('facts');

  constructor() {
    focusOnArrival(() => this.mainHeading()?.nativeElement);
    // The build renders the frame, loading: the pet is read in the browser.
    if (this.id !== undefined && this.inBrowser) {
      this.one.id = this.id;
      void this.load();
    }
  }

  /** Loads the pet (again, after a failure). */
  protected async load(): Promise<void> {
    await this.state.load(() => this.one.first());
    const pet = this.pet();
    if (pet) this.title.setTitle(`${pet.type} · Secure Pets`);
    // A sold pet may be this buyer's, which only their purchases say (a deep link has
    // not been through home, which loads them once per sign-in).
    if (pet?.isSold && this.role() === 'buyer') void this.purchases.load();
  }

  protected async buy(): Promise<void> {
    const pet = this.pet();
    if (!pet) return;
    await this.state.buy(pet);
    // Buy is replaced by what happened: focus the line that now says so.
    (this.facts() ?? this.mainHeading())?.nativeElement.focus();
  }

  /** An admin's upload was processed: the page shows the new photo at once. */
  protected showPhoto(pet: Pet, photo: PetPhoto): void {
    this.one.replace({ ...pet, photo });
  }

  protected async remove(): Promise<void> {
    const pet = this.pet();
    if (!pet) return;
    await this.state.remove(pet);
    (this.facts() ?? this.mainHeading())?.nativeElement.focus();
  }
}

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
import { AddPetForm } from './add-pet-form';
import { HomeState } from './home-state';
import { PageNav } from './page-nav';
import { PetFilters } from './pet-filters';
import { PetList } from './pet-list';
import { PetPages, type PetView, defaultView } from './pet-pages';

/**
 * The signed-in home: a greeting, the messages, an admin's add form, and the
 * catalogue one page at a time with the controls that choose what to browse.
 */
@Component({
  selector: 'app-home-page',
  imports: [AddPetForm, PageNav, PetFilters, PetList],
  providers: [HomeState, PetPages],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(Auth);
  protected readonly state = inject(HomeState);
  protected readonly pages = this.state.pages;

  protected readonly userName = this.auth.userName;
  protected readonly role = this.auth.role;
  protected readonly email = computed(() => this.auth.session()?.profile.email);
  protected readonly isAdmin = computed(() => this.role() === 'admin');
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

  private readonly listHeading = viewChild<ElementRef<HTMLElement>>('listHeading');
  private readonly list = viewChild(PetList);

  constructor() {
    void this.state.show(defaultView);
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

  protected retry(): void {
    void this.state.reload();
  }

  protected logout(): void {
    void this.auth.logout();
  }

  private focusList(): void {
    setTimeout(() => this.listHeading()?.nativeElement.focus());
  }
}

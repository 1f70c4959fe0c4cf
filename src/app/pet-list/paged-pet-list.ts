import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  input,
  output,
  viewChild,
} from '@angular/core';
import type { Pet } from '../../../api/pet';
import type { Role } from '../auth/session';
import type { CursorPages } from './cursor-pages';
import { PageNav } from './page-nav';
import { PetList } from './pet-list';

/** How a page runs a load of its list: it shows a failure its own way and resolves false. */
export type RunLoad = (load: () => Promise<boolean>) => Promise<boolean>;

/**
 * A list of pets the API serves in pages (CursorPages), as a section of a page: its
 * heading, which says the page number, the rows (PetList), what it says while it has
 * none (could not be loaded, with `Try again`, or empty), and `Previous page` / `Next
 * page`. After a page turn the old rows are gone, so the heading takes focus. The
 * page around it keeps the messages: a failed turn goes through its `run`.
 */
@Component({
  selector: 'app-paged-pet-list',
  imports: [PageNav, PetList],
  templateUrl: './paged-pet-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PagedPetList {
  readonly pages = input.required<CursorPages>();
  readonly heading = input.required<string>();
  /** The heading's element id, which names the section. */
  readonly headingId = input.required<string>();
  /** What the section says when the first page could not be loaded. */
  readonly failure = input.required<string>();
  /** What the section says when there is nothing to list. */
  readonly empty = input.required<string>();
  readonly run = input.required<RunLoad>();
  /** Something besides the page that the rows wait for (a buyer's purchases mark them). */
  readonly waiting = input(false);
  readonly role = input<Role | null>(null);
  /** The ids of the pets the signed-in buyer bought. */
  readonly bought = input<ReadonlySet<number>>(new Set());
  readonly disabled = input(false);
  readonly buy = output<Pet>();
  readonly remove = output<Pet>();
  /** `Try again` after the first page could not be loaded. */
  readonly retry = output();

  protected readonly busy = computed(() => this.pages().loading() || this.waiting());
  private readonly listHeading = viewChild<ElementRef<HTMLElement>>('listHeading');
  private readonly list = viewChild(PetList);

  protected async turn(direction: 'next' | 'previous'): Promise<void> {
    const pages = this.pages();
    const moved = await this.run()(() => (direction === 'next' ? pages.next() : pages.previous()));
    if (moved) this.focusHeading();
  }

  /**
   * After a pet's button went away (bought, removed): its row takes focus, which says
   * what happened, or the heading when the row is gone too. Whether it is gone is the
   * page's (the rows' source), not the list's: the list's rows may still be the old
   * page's until the next render, and a row focused then would take the focus away
   * with it.
   */
  focusPet(id: number): void {
    setTimeout(() => {
      const onPage = this.pages()
        .pets()
        .some((pet) => pet.id === id);
      if (!onPage || !this.list()?.focusPet(id)) this.focusHeading();
    });
  }

  private focusHeading(): void {
    setTimeout(() => this.listHeading()?.nativeElement.focus());
  }
}

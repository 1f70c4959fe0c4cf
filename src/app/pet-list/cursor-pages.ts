import { computed, signal } from '@angular/core';
import type { Pet } from '../../../api/pet';
import type { PetPage } from '../api/pets-api';

/**
 * Pets per page: a screenful or two, small enough that a page renders at once on a
 * phone and well under the few hundred rows the page may ever hold.
 */
export const PAGE_SIZE = 50;

/**
 * A list the API serves in pages (`GET /pets`, `GET /pets/sales`), shown one page at
 * a time, never more. The API's cursors only lead forward, so the cursors of the pages
 * already visited are kept as a stack: page n was loaded with `cursors[n - 1]` (none
 * for page 1), and Previous pops one. A page's answer replaces the rows in place; when
 * the user asks for something else before it arrives, the older answer is dropped.
 */
export abstract class CursorPages {
  private readonly cursors = signal<(string | undefined)[]>([undefined]);
  private readonly page = signal<PetPage | null>(null);
  /** Numbers the requests, so that only the latest one's answer is shown. */
  private ticket = 0;

  readonly loading = signal(false);
  /** The first page could not be loaded: there are no rows to show. */
  readonly failed = signal(false);
  readonly pets = computed(() => this.page()?.pets ?? []);
  readonly loaded = computed(() => this.page() !== null);
  readonly pageNumber = computed(() => this.cursors().length);
  readonly hasPrevious = computed(() => this.cursors().length > 1);
  readonly hasNext = computed(() => this.page()?.next !== undefined);

  /** Loads one page: the first without a cursor. */
  protected abstract load(cursor: string | undefined): Promise<PetPage>;

  /**
   * Shows the first page again from scratch. The old rows stay until the new ones
   * arrive, and are dropped if they cannot be loaded (they may no longer match).
   */
  protected async start(): Promise<boolean> {
    this.cursors.set([undefined]);
    try {
      const page = await this.fetch(undefined);
      if (!page) return false;
      this.commit(page);
      return true;
    } catch (error) {
      this.page.set(null);
      this.failed.set(true);
      throw error;
    }
  }

  /** Moves to the next page; false when there is none or the move was overtaken. */
  async next(): Promise<boolean> {
    const cursor = this.page()?.next;
    if (cursor === undefined || this.loading()) return false;
    const page = await this.fetch(cursor);
    if (!page) return false;
    if (page.pets.length === 0) {
      // The last page was exactly full, so the API could not know it was the last:
      // stay here, and there is no next page after all.
      this.page.update((current) => current && { ...current, next: undefined });
      return false;
    }
    this.cursors.update((cursors) => [...cursors, cursor]);
    this.commit(page);
    return true;
  }

  /** Moves to the previous page; false on the first page or when overtaken. */
  async previous(): Promise<boolean> {
    const cursors = this.cursors().slice(0, -1);
    if (cursors.length === 0 || this.loading()) return false;
    const page = await this.fetch(cursors.at(-1));
    if (!page) return false;
    this.cursors.set(cursors);
    this.commit(page);
    return true;
  }

  /**
   * Loads the current page again (after a write). A page that has become empty, such
   * as the last page after its only pet was removed, gives way to the one before it.
   */
  async reload(): Promise<boolean> {
    const cursors = this.cursors();
    const page = await this.fetch(cursors.at(-1));
    if (!page) return false;
    if (page.pets.length === 0 && cursors.length > 1) return this.previous();
    this.commit(page);
    return true;
  }

  /** Puts a pet's new state in its row (a purchase); the other rows are left untouched. */
  replace(pet: Pet): void {
    this.page.update(
      (page) => page && { ...page, pets: page.pets.map((p) => (p.id === pet.id ? pet : p)) },
    );
  }

  /** Takes a pet that no longer exists off the page. */
  drop(id: number): void {
    this.page.update((page) => page && { ...page, pets: page.pets.filter((p) => p.id !== id) });
  }

  private commit(page: PetPage): void {
    this.page.set(page);
    this.failed.set(false);
  }

  /** The page, or null when a later request has overtaken this one. */
  private async fetch(cursor: string | undefined): Promise<PetPage | null> {
    const ticket = ++this.ticket;
    this.loading.set(true);
    try {
      const page = await this.load(cursor);
      return ticket === this.ticket ? page : null;
    } catch (error) {
      if (ticket === this.ticket) throw error;
      return null;
    } finally {
      if (ticket === this.ticket) this.loading.set(false);
    }
  }
}

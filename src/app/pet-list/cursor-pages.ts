import { computed, signal } from '@angular/core';
import type { Pet } from '../../../api/pet';
import type { PetPage } from '../api/pets-api';

/**
 * Pets per page: a screenful or two, small enough that a page renders at once on a
 * phone and well under the few hundred rows the page may ever hold.
 */
export const PAGE_SIZE = 50;

/**
 * How long a page read ahead may wait for its Next click: no older than a page the
 * CDN serves stale (max-age 5 s, then stale-while-revalidate 30 s).
 */
export const READ_AHEAD_MS = 30_000;

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
  /**
   * The page after `after`, the one shown when it was asked for before its click (see
   * `readAhead`): any change to the page shown (a move, a purchase, a removal, an add)
   * leaves it behind.
   */
  private ahead: { page: Promise<PetPage | null>; at: number; after: PetPage } | null = null;

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
    const page = await this.fetch(cursor, this.aheadOf());
    if (!page) return false;
    if (page.pets.length === 0) {
      // The last page was exactly full, so the API could not know it was the last:
      // stay here, and there is no next page after all.
      this.page.update((current) => current && { ...current, next: undefined });
      return false;
    }
    this.cursors.update((cursors) => [...cursors, cursor]);
    this.commit(page);
    this.readAhead();
    return true;
  }

  /** The user is about to ask for the next page: it is read ahead (see `readAhead`). */
  nextNear(): void {
    if (!this.loading()) this.readAhead();
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

  /**
   * Puts a pet the user just added at the top of page 1, from the write's answer, so
   * that it shows before page 1 is read again; false on any other page. A full page
   * keeps its length (its last row moves to page 2 with that read).
   */
  putFirst(pet: Pet): boolean {
    const current = this.page();
    if (!current || this.pageNumber() !== 1) return false;
    const rows = [pet, ...current.pets.filter((p) => p.id !== pet.id)];
    if (current.next !== undefined) rows.length = Math.min(rows.length, current.pets.length);
    // The rows are no longer the answer the catalogue token names.
    this.page.set({ ...current, pets: rows, etag: null });
    return true;
  }

  /** Takes a pet that no longer exists off the page. */
  drop(id: number): void {
    this.page.update((page) => page && { ...page, pets: page.pets.filter((p) => p.id !== id) });
  }

  private commit(page: PetPage): void {
    this.page.set(page);
    this.failed.set(false);
  }

  /**
   * The page after the current one, asked for before its click: once the user has
   * moved to a next page (someone paging will likely move on again, as a disk reads
   * ahead of a sequential reader), or when a pointer or the focus reaches `Next page`.
   * A visitor who stays on page 1 costs no second request. Any other move or change
   * drops it.
   */
  private readAhead(): void {
    const shown = this.page();
    if (shown?.next === undefined || this.aheadOf()) return;
    const page = this.load(shown.next).catch(() => null);
    this.ahead = { page, at: Date.now(), after: shown };
  }

  /** The page read ahead of the one shown, while it is fresh enough to show. */
  private aheadOf(): Promise<PetPage | null> | undefined {
    const ahead = this.ahead;
    if (ahead?.after !== this.page() || Date.now() - ahead.at > READ_AHEAD_MS) return;
    return ahead.page;
  }

  /** The page, or null when a later request has overtaken this one. */
  private async fetch(
    cursor: string | undefined,
    ahead?: Promise<PetPage | null>,
  ): Promise<PetPage | null> {
    const ticket = ++this.ticket;
    // A read follows a move or a write the page read ahead may predate; one that fails
    // leaves the page shown as it was, which would keep that page.
    this.ahead = null;
    this.loading.set(true);
    try {
      const page = (await ahead) ?? (await this.load(cursor));
      return ticket === this.ticket ? page : null;
    } catch (error) {
      if (ticket === this.ticket) throw error;
      return null;
    } finally {
      if (ticket === this.ticket) this.loading.set(false);
    }
  }
}

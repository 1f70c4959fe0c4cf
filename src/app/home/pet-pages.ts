import { Injectable, computed, inject, signal } from '@angular/core';
import type { PetQuery, PetSort, PetStatus } from '../../../api/pet-query';
import { type PetPage, PetsApi } from '../api/pets-api';
import { CursorPages, PAGE_SIZE } from '../pet-list/cursor-pages';

/** What the controls ask to see: an exact type ('' for every type), an order, sold or not. */
export interface PetView {
  type: string;
  sort: PetSort;
  status: PetStatus | 'all';
}

/** Newest first: what an admin just added and what a buyer has not seen yet come first. */
export const defaultView: PetView = { type: '', sort: '-id', status: 'all' };

export function queryOf(view: PetView, cursor?: string): PetQuery {
  const query: PetQuery = { limit: PAGE_SIZE, sort: view.sort };
  if (cursor !== undefined) query.cursor = cursor;
  if (view.type !== '') query.type = view.type;
  if (view.status !== 'all') query.status = view.status;
  return query;
}

/**
 * The catalogue (`GET /pets`) as the user browses it: one page at a time of the view
 * the controls chose (see CursorPages).
 */
@Injectable()
export class PetPages extends CursorPages {
  private readonly api = inject(PetsApi);

  /** The view the controls show and the rows belong to (or are being loaded for). */
  readonly view = signal<PetView>(defaultView);
  readonly filtered = computed(() => this.view().type !== '' || this.view().status !== 'all');

  /**
   * Shows the first page of a view. The view changes at once (the controls show what
   * was asked); the old rows stay until the new ones arrive, and are dropped if they
   * cannot be loaded, since they no longer match the controls.
   */
  show(view: PetView): Promise<boolean> {
    this.view.set(view);
    return this.start();
  }

  /** The first page of the current view. */
  first(): Promise<boolean> {
    return this.show(this.view());
  }

  protected load(cursor: string | undefined): Promise<PetPage> {
    return this.api.page(queryOf(this.view(), cursor));
  }
}

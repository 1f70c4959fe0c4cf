import { Injectable, computed, inject, signal } from '@angular/core';
import type { ParamMap, Params } from '@angular/router';
import {
  type PetQuery,
  type PetSort,
  type PetStatus,
  petSorts,
  petStatuses,
} from '../../../api/pet-query';
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

/**
 * The view a page's URL names (`/?type=cat&sort=price&status=sold`), so that a
 * link, a reload or a sign-in's return shows the same pets. A parameter that is
 * missing or not one the controls offer takes the default's value.
 */
export function viewFromUrl(params: ParamMap): PetView {
  const sort = params.get('sort');
  const status = params.get('status');
  return {
    type: params.get('type')?.trim() ?? defaultView.type,
    sort: petSorts.find((s) => s === sort) ?? defaultView.sort,
    status: petStatuses.find((s) => s === status) ?? defaultView.status,
  };
}

/** The URL query of a view: only what differs from the default, so the default is plain `/`. */
export function urlParamsOf(view: PetView): Params {
  const params: Params = {};
  if (view.type !== defaultView.type) params['type'] = view.type;
  if (view.sort !== defaultView.sort) params['sort'] = view.sort;
  if (view.status !== defaultView.status) params['status'] = view.status;
  return params;
}

export const sameView = (a: PetView, b: PetView): boolean =>
  a.type === b.type && a.sort === b.sort && a.status === b.status;

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

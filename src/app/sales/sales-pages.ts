import { Injectable, inject } from '@angular/core';
import { type PetPage, PetsApi } from '../api/pets-api';
import { CursorPages, PAGE_SIZE } from '../pet-list/cursor-pages';

/** The sold pets and their buyers (`GET /pets/sales`, admin), one page at a time. */
@Injectable()
export class SalesPages extends CursorPages {
  private readonly api = inject(PetsApi);

  /** The first page, from scratch. */
  first(): Promise<boolean> {
    return this.start();
  }

  protected load(cursor: string | undefined): Promise<PetPage> {
    return this.api.sales({ limit: PAGE_SIZE, cursor });
  }
}

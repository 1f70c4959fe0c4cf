import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Auth } from '../auth/auth';
import { describeError } from '../api/describe-error';
import { PageNav } from '../pet-list/page-nav';
import { PetList } from '../pet-list/pet-list';
import { focusOnArrival } from '../shell/arrival';
import { TopBar } from '../shell/top-bar';
import { SalesPages } from './sales-pages';

/**
 * An admin's Sales page: every sold pet with its type, price and buyer's email, one
 * page at a time. Buyers' emails are personal data: the public list never carries
 * them, this page asks the admin-only `GET /pets/sales` (signed) for them, and the
 * route lets admins only in (a buyer's role could not call it anyway).
 */
@Component({
  selector: 'app-sales-page',
  imports: [PageNav, PetList, TopBar],
  providers: [SalesPages],
  template: `
    <app-top-bar current="sales" />
    <main class="page">
      <h1 #heading tabindex="-1">Sales</h1>
      <p class="lead">
        The pets that have been sold and who bought them. Buyers' email addresses are personal data:
        use them only to hand over their pets.
      </p>

      <div class="messages">
        @if (sales.loading()) {
          <progress class="progress" aria-label="Loading sales…"></progress>
        }
        @if (error(); as error) {
          <p role="alert" class="message error">{{ error }}</p>
        }
      </div>

      <section class="catalogue" aria-labelledby="sales-heading" [attr.aria-busy]="sales.loading()">
        <h2 #listHeading id="sales-heading" tabindex="-1">
          Sold pets<span class="visually-hidden">, page {{ sales.pageNumber() }}</span>
        </h2>
        @if (sales.pets().length) {
          <!-- A bound role: a plain role="admin" attribute would also be an (invalid) ARIA role. -->
          <app-pet-list [pets]="sales.pets()" [role]="'admin'" />
        } @else if (sales.failed()) {
          <p class="empty-list">
            The sales could not be loaded.
            <button type="button" class="secondary" (click)="retry()">Try again</button>
          </p>
        } @else if (sales.loaded()) {
          <p class="empty-list">No pet has been sold yet.</p>
        }
        <app-page-nav
          [pageNumber]="sales.pageNumber()"
          [hasPrevious]="sales.hasPrevious()"
          [hasNext]="sales.hasNext()"
          (previous)="turn('previous')"
          (next)="turn('next')"
        />
      </section>
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SalesPage {
  protected readonly sales = inject(SalesPages);
  protected readonly error = signal<string | null>(null);
  private readonly auth = inject(Auth);

  private readonly heading = viewChild<ElementRef<HTMLElement>>('heading');
  private readonly listHeading = viewChild<ElementRef<HTMLElement>>('listHeading');

  constructor() {
    focusOnArrival(() => this.heading()?.nativeElement);
    this.retry();
  }

  /** The first page; only an admin ever asks (the route lets no one else in either). */
  protected retry(): void {
    if (this.auth.role() !== 'admin') {
      this.error.set('Only administrators can see who bought which pet.');
      return;
    }
    void this.run(() => this.sales.first());
  }

  /** After a page turn the old rows are gone: the list's heading (which says the page) takes focus. */
  protected async turn(direction: 'next' | 'previous'): Promise<void> {
    const moved = await this.run(() =>
      direction === 'next' ? this.sales.next() : this.sales.previous(),
    );
    if (moved) setTimeout(() => this.listHeading()?.nativeElement.focus());
  }

  private async run(task: () => Promise<boolean>): Promise<boolean> {
    this.error.set(null);
    try {
      return await task();
    } catch (error) {
      this.error.set(`The sales could not be loaded. ${describeError(error)}`);
      return false;
    }
  }
}

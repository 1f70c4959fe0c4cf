import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { describeError } from '../api/describe-error';
import { Auth } from '../auth/auth';
import { PagedPetList, type RunLoad } from '../pet-list/paged-pet-list';
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
  imports: [PagedPetList, TopBar],
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
        <!-- Once the session has ended, the top bar's alert says why and offers Log in. -->
        @if (auth.signedIn() ? error() : null; as error) {
          <p role="alert" class="message error">{{ error }}</p>
        }
      </div>

      <!-- A bound role: a plain role="admin" attribute would also be an (invalid) ARIA role. -->
      <app-paged-pet-list
        headingId="sales-heading"
        heading="Sold pets"
        [pages]="sales"
        [run]="run"
        failure="The sales could not be loaded."
        empty="No pet has been sold yet."
        [role]="'admin'"
        (retry)="retry()"
      />
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SalesPage {
  protected readonly sales = inject(SalesPages);
  protected readonly error = signal<string | null>(null);
  protected readonly auth = inject(Auth);

  private readonly heading = viewChild<ElementRef<HTMLElement>>('heading');

  /** Loads sales pages; a failure is the page's alert. */
  protected readonly run: RunLoad = async (load) => {
    this.error.set(null);
    try {
      return await load();
    } catch (error) {
      this.error.set(`The sales could not be loaded. ${describeError(error)}`);
      return false;
    }
  };

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
}

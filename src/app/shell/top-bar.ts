import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import { PetsApi } from '../api/pets-api';
import { Auth } from '../auth/auth';

/** The signed-in pages, as the bar names and links them. */
export type AppPage = 'pets' | 'sales';

/**
 * The bar on top of the store front and every signed-in page: the brand, an admin's
 * two pages (the pets and the sales, the current one marked with
 * `aria-current="page"`) and `Log out`. A buyer has one page, so no navigation.
 * Without a session it has `Log in`, which comes back to this page: its route and
 * query (the store front's filters included).
 *
 * When the session ends under the page (silent renewal failed: the browser blocks the
 * IdP's cookies, or the IdP's session is gone), the page stays and the bar says so in
 * an alert (Auth.notice), beside `Log in`.
 *
 * Plain anchors with static hrefs that the router follows, the current one marked by
 * aria-current alone (the stylesheet keys on it): RouterLink/RouterLinkActive, a bound
 * `href` (URL sanitizer) and class bindings (Angular's styling engine) would each add
 * framework code to the initial bundle, since esbuild keeps any framework code a lazy page uses in the chunk the
 * bootstrap loads (about 4 kB together, measured).
 */
@Component({
  selector: 'app-top-bar',
  template: `
    <header class="bar">
      <span class="brand" aria-hidden="true">Secure Pets</span>
      @if (isAdmin()) {
        <nav class="bar-nav" aria-label="Store">
          <a
            href="/"
            [attr.aria-current]="current() === 'pets' ? 'page' : null"
            (click)="follow($event, '/')"
            >Pets</a
          >
          <a
            href="/sales"
            [attr.aria-current]="current() === 'sales' ? 'page' : null"
            (click)="follow($event, '/sales')"
            >Sales</a
          >
        </nav>
      }
      @if (signedIn()) {
        <button type="button" class="secondary" (click)="logout()">Log out</button>
      } @else {
        @if (failed() ? 'The sign-in page could not be opened. Try again.' : notice(); as message) {
          <p role="alert" class="message error">{{ message }}</p>
        }
        <button type="button" class="secondary" [disabled]="busy()" (click)="login()">
          Log in
        </button>
      }
    </header>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopBar {
  private readonly auth = inject(Auth);
  private readonly api = inject(PetsApi);
  private readonly router = inject(Router);
  /** The page the bar is on. */
  readonly current = input.required<AppPage>();
  protected readonly isAdmin = computed(() => this.auth.role() === 'admin');
  protected readonly signedIn = this.auth.signedIn;
  protected readonly notice = this.auth.notice;
  protected readonly busy = signal(false);
  protected readonly failed = signal(false);

  /** A plain click moves inside the app; a modified one (new tab) is the browser's. */
  protected follow(event: MouseEvent, path: string): void {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    void this.router.navigateByUrl(path);
  }

  protected logout(): void {
    this.api.forgetOwnWrites();
    void this.auth.logout();
  }

  /** Signs in again and comes back here: the router's URL is this page's route and query. */
  protected async login(): Promise<void> {
    this.busy.set(true);
    this.failed.set(false);
    try {
      await this.auth.login(this.router.url);
    } catch {
      this.failed.set(true);
      this.busy.set(false);
    }
  }
}

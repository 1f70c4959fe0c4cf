import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { Auth } from '../auth/auth';
import { returnPath } from '../auth/return-path';
import { focusOnArrival } from '../shell/arrival';

/**
 * The login page. `/login?returnTo=/some/path` signs in and comes back to that app
 * path (checked by returnPath); without it, home.
 */
@Component({
  selector: 'app-login-page',
  template: `
    <main class="page narrow" [attr.aria-busy]="busy()">
      <h1 #mainHeading tabindex="-1">Secure Pets</h1>
      <p class="lead">Buy a pet, or manage the store. Log in to continue.</p>
      @if (auth.notice(); as notice) {
        <p role="alert" class="message error">{{ notice }}</p>
      }
      @if (failed()) {
        <p role="alert" class="message error">
          The sign-in page could not be opened. Check your connection and try again.
        </p>
      }
      <button type="button" class="primary-action" [disabled]="busy()" (click)="login()">
        Log in
      </button>
      @if (busy()) {
        <progress class="progress" aria-label="Opening the sign-in page…"></progress>
      }
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  protected readonly auth = inject(Auth);
  private readonly router = inject(Router);
  protected readonly busy = signal(false);
  protected readonly failed = signal(false);
  private readonly mainHeading = viewChild<ElementRef<HTMLElement>>('mainHeading');

  constructor() {
    // Sent here from another page (a failed sign-in, an admin page): start at the heading.
    focusOnArrival(() => this.mainHeading()?.nativeElement);
  }

  protected async login(): Promise<void> {
    this.busy.set(true);
    this.failed.set(false);
    try {
      const query = this.router.parseUrl(this.router.url).queryParamMap;
      await this.auth.login(returnPath(query.get('returnTo')));
    } catch {
      this.failed.set(true);
      this.busy.set(false);
    }
  }
}

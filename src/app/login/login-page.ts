import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Auth } from '../auth/auth';

@Component({
  selector: 'app-login-page',
  template: `
    <main class="page narrow" [attr.aria-busy]="busy()">
      <h1>Secure Pets</h1>
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
  protected readonly busy = signal(false);
  protected readonly failed = signal(false);

  protected async login(): Promise<void> {
    this.busy.set(true);
    this.failed.set(false);
    try {
      await this.auth.login();
    } catch {
      this.failed.set(true);
      this.busy.set(false);
    }
  }
}

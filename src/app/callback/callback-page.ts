import { isPlatformBrowser } from '@angular/common';
import { ChangeDetectionStrategy, Component, PLATFORM_ID, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Auth } from '../auth/auth';
import { returnPath } from '../auth/return-path';

/**
 * Where Auth0 sends the browser back: verifies the answer, then goes to the app path
 * the login carried (home when none, or when it is not one of the app's), or back
 * to login.
 */
@Component({
  selector: 'app-callback-page',
  template: `
    <main class="page narrow" aria-busy="true">
      <h1>Signing you in…</h1>
      <progress class="progress" aria-label="Signing you in…"></progress>
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CallbackPage {
  private readonly auth = inject(Auth);
  private readonly router = inject(Router);

  constructor() {
    // In the browser only: the build prerenders this page (callback/index.html) as is.
    if (isPlatformBrowser(inject(PLATFORM_ID))) void this.complete(location.hash);
  }

  private async complete(hash: string): Promise<void> {
    try {
      const { returnTo } = await this.auth.handleCallback(hash);
      await this.router.navigateByUrl(returnPath(returnTo), { replaceUrl: true });
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/\.$/, '') : 'unknown error';
      this.auth.notice.set(`Sign-in failed: ${reason}. Please try again.`);
      await this.router.navigateByUrl('/login', { replaceUrl: true });
    }
  }
}

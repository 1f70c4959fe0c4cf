import { ChangeDetectionStrategy, Component, InjectionToken, inject } from '@angular/core';
import { AppConfigError } from '../../../api/app-config';

export const CONFIG_ERROR = new InjectionToken<unknown>('CONFIG_ERROR');

/**
 * Bootstrapped instead of the app when /config.json is missing or invalid: without
 * it the app cannot know where to sign in, so the page says what to fix.
 */
@Component({
  selector: 'app-root',
  template: `
    <main class="page narrow">
      <h1>Secure Pets cannot start</h1>
      <p role="alert">{{ message }}</p>
      @if (problems.length) {
        <ul>
          @for (problem of problems; track problem) {
            <li>{{ problem }}</li>
          }
        </ul>
      }
      <p>
        The app reads its settings (identity provider, API address, AWS roles) from
        <code>/config.json</code> next to <code>index.html</code>. Fix that file and reload the
        page.
      </p>
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfigErrorPage {
  private readonly error = inject(CONFIG_ERROR);
  protected readonly message =
    this.error instanceof AppConfigError ? this.error.message : 'config.json could not be read.';
  protected readonly problems = this.error instanceof AppConfigError ? this.error.problems : [];
}

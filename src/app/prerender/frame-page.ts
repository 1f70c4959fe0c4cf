import { ChangeDetectionStrategy, Component } from '@angular/core';

/**
 * The neutral frame of the signed-in pages, which the build prerenders into index.html
 * (served for `/` and every deep link that has no page of its own). At build time
 * nobody is signed in (the session lives in the tab's sessionStorage), so it shows
 * the top bar of those pages with no one's data in it; in the browser the app then
 * renders the page the URL names or, without a session, the login page. The hidden
 * button keeps the bar as tall as the real one with its Log out button, so that
 * nothing moves when the app takes over. Only the server build renders this component.
 */
@Component({
  selector: 'app-frame-page',
  template: `
    <header class="bar">
      <span class="brand" aria-hidden="true">Secure Pets</span>
      <button type="button" class="secondary frame-placeholder" disabled aria-hidden="true">
        Log out
      </button>
    </header>
    <main class="page" aria-busy="true"></main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FramePage {}

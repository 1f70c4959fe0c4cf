import { inject } from '@angular/core';
import { Router } from '@angular/router';

/**
 * After a move between the app's pages the old page, and the link that was focused on
 * it, are gone: focus goes to the new page's main heading (tabindex="-1"), so that
 * keyboard and screen reader users start there. The first page of a visit keeps the
 * browser's own start. Call it in a component's constructor.
 *
 * A timer rather than afterNextRender: the router renders the new page in the change
 * detection that constructs it, which is queued before this timer, and
 * afterNextRender would add 0.7 kB to the initial bundle (see top-bar.ts).
 */
export function focusOnArrival(heading: () => HTMLElement | undefined): void {
  if (!inject(Router).navigated) return;
  setTimeout(() => heading()?.focus());
}

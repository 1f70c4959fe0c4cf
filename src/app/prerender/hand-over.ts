import {
  DOCUMENT,
  type EnvironmentProviders,
  inject,
  provideEnvironmentInitializer,
} from '@angular/core';
import { NavigationEnd, NavigationError, Router } from '@angular/router';

/** The root element of a page the build prerendered (index.html, login/index.html…). */
const PRERENDERED = 'app-root[ng-server-context]';

/** A place in the prerendered page: child indexes from its root. */
type Path = number[];

/**
 * The document as the page's loader (public/page-loader.js) leaves it: the prerendered
 * button clicked last, to be replayed on the app's own button.
 */
export type LoadedDocument = Document & { prerenderedClick?: Element };

function pathOf(root: Element, element: Element): Path {
  const path: Path = [];
  for (let e = element; e !== root && e.parentElement; e = e.parentElement) {
    path.unshift(Array.prototype.indexOf.call(e.parentElement.children, e));
  }
  return path;
}

function elementAt(root: Element | null, path: Path): Element | null {
  let e = root;
  for (const index of path) e = e?.children[index] ?? null;
  return e;
}

/**
 * Before bootstrap: gives the app an empty `<app-root>` of its own in front of the
 * prerendered one, which stays on screen while config.json and the bundles load.
 * (There is no hydration, which would cost about 5 kB of initial JavaScript: Angular
 * would empty the element it bootstraps into, and the routed page only appears once
 * its lazy chunk has loaded, so the screen would go blank in between.) The page's
 * loader, public/page-loader.js, has decided before the first paint what of the
 * prerendered page shows for a signed-in tab or another path (with frame.css), and
 * keeps a click on a prerendered button from then on, for the app to replay.
 */
export function makeRoomForApp(doc: Document = document): void {
  doc.querySelector(PRERENDERED)?.before(doc.createElement('app-root'));
}

/**
 * Removes the prerendered page, the app's own being on screen in the same frame. Focus
 * and a pending click move to the element at the same place in the app's page, when it
 * is the same kind of element (both are rendered from the same templates), once
 * `afterRender` says the app's page is rendered whole.
 */
export function removePrerenderedPage(
  doc: Document = document,
  afterRender: (then: () => void) => void = (then) => then(),
): void {
  const prerendered = doc.querySelector(PRERENDERED);
  if (!prerendered) return;
  const focused = doc.activeElement;
  const focusPath = focused && prerendered.contains(focused) ? pathOf(prerendered, focused) : null;
  // Once removed, the prerendered page has nothing to replay again.
  const clicked = (doc as LoadedDocument).prerenderedClick;
  const click = clicked ? pathOf(prerendered, clicked) : null;
  prerendered.remove();
  afterRender(() => {
    const appRoot = doc.querySelector('app-root');
    const same = (path: Path | null, like: string) => {
      const e = path && elementAt(appRoot, path);
      return e?.tagName === like ? (e as HTMLElement) : null;
    };
    if (focused && focusPath) same(focusPath, focused.tagName)?.focus();
    same(click, 'BUTTON')?.click();
  });
}

/**
 * Runs `then` after the render that Angular has already scheduled, before the next
 * paint: the zoneless scheduler renders in a timeout raced with an animation frame,
 * and the same race, asked for after it, runs after it.
 */
function afterScheduledRender(then: () => void): void {
  let done = false;
  const once = () => {
    if (!done) then();
    done = true;
  };
  setTimeout(once);
  requestAnimationFrame(once);
}

/**
 * Removes the prerendered page once the first navigation has settled (home, login, or
 * wherever a guard sent the user). The routed page's component is in the DOM by then,
 * and Angular renders its bindings before the browser paints again, so no frame shows
 * both pages or neither. Both come from the same templates and global CSS: the swap
 * is invisible and moves nothing. What the bindings and `@if` blocks render (the Log
 * in button among them) is not there yet at NavigationEnd, so focus and a click made
 * on the prerendered page move over after that render.
 */
export function provideHandOverFromPrerenderedPage(): EnvironmentProviders {
  return provideEnvironmentInitializer(() => {
    const doc = inject(DOCUMENT);
    const subscription = inject(Router).events.subscribe((event) => {
      if (event instanceof NavigationEnd || event instanceof NavigationError) {
        subscription.unsubscribe();
        removePrerenderedPage(doc, afterScheduledRender);
      }
    });
  });
}

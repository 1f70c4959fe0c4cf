import {
  ApplicationRef,
  ChangeDetectionStrategy,
  Component,
  EnvironmentInjector,
  createComponent,
  signal,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, RouterOutlet, provideRouter } from '@angular/router';
import { signIn } from '../../testing/fakes';
import { MemoryStorage } from '../../testing/memory-storage';
import {
  type LoadedDocument,
  makeRoomForApp,
  provideHandOverFromPrerenderedPage,
  removePrerenderedPage,
} from './hand-over';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

const loginPage =
  '<router-outlet></router-outlet><app-login-page><main><h1>Secure Pets</h1>' +
  '<p><a href="/help">Help</a></p><button>Log in</button></main></app-login-page>';

const petFrame =
  '<router-outlet></router-outlet><app-pet-page><app-top-bar><header class="bar">' +
  '<button>Log in</button></header></app-top-bar><main class="page">' +
  '<h1>Loading the pet…</h1></main></app-pet-page>';

const storeFront =
  '<router-outlet></router-outlet><app-home-page><app-top-bar><header class="bar">' +
  '<button>Log in</button></header></app-top-bar><main class="page store-front">' +
  '<h1>Secure Pets</h1></main></app-home-page>';

/** A document as the build prerenders it: the page inside <app-root ng-server-context>. */
function prerenderedDocument(page = loginPage): Document {
  const doc = document.implementation.createHTMLDocument('t');
  doc.body.innerHTML = `<app-root ng-server-context="ssg">${page}</app-root>`;
  return doc;
}

/**
 * Runs the page's loader, public/page-loader.js, on `doc` as the browser runs it in the
 * head, for this tab's storage and path. A document made by createHTMLDocument is hidden.
 */
async function runLoader(
  doc: Document,
  { path = '/', storage = new MemoryStorage() }: { path?: string; storage?: Storage } = {},
): Promise<void> {
  const script = await (await fetch('/page-loader.js')).text();
  const run = new Function('document', 'sessionStorage', 'location', script) as (
    ...args: unknown[]
  ) => void;
  run(doc, storage, { pathname: path });
}

describe('the hand-over from the prerendered page', () => {
  it('gives the app an empty root in front of the prerendered one, which stays', () => {
    const doc = prerenderedDocument();
    makeRoomForApp(doc);
    const roots = doc.querySelectorAll('app-root');
    expect(roots.length).toBe(2);
    expect(roots[0].childNodes.length).toBe(0);
    expect(roots[0].hasAttribute('ng-server-context')).toBeFalse();
    expect(roots[1].textContent).toContain('Log in');
  });

  describe('before the first paint (public/page-loader.js and frame.css)', () => {
    /** The document's classes once the page's loader has run, for this tab's storage and path. */
    async function classesFor(path: string, storage: Storage): Promise<string[]> {
      const doc = document.implementation.createHTMLDocument('t');
      await runLoader(doc, { path, storage });
      return Array.from(doc.documentElement.classList);
    }

    /** What of a prerendered page is on screen with these document classes. */
    function visibleWith(classes: string[], page: string): string[] {
      const root = document.createElement('app-root');
      root.setAttribute('ng-server-context', 'ssg');
      root.innerHTML = page;
      document.body.append(root);
      document.documentElement.classList.add(...classes);
      try {
        return Array.from(root.querySelectorAll('button, h1'))
          .filter((e) => e.checkVisibility({ visibilityProperty: true }))
          .map((e) => e.textContent ?? '');
      } finally {
        document.documentElement.classList.remove(...classes);
        root.remove();
      }
    }

    it('marks a tab with a session, under the key the app keeps it', async () => {
      const storage = new MemoryStorage();
      expect(await classesFor('/', storage)).toEqual([]);
      signIn(storage);
      expect(await classesFor('/', storage)).toEqual(['has-session']);
    });

    it('marks a path other than /', async () => {
      expect(await classesFor('/sales', new MemoryStorage())).toEqual(['elsewhere']);
    });

    it('shows the store front whole to a signed-out visitor of /', () => {
      expect(visibleWith([], storeFront)).toEqual(['Log in', 'Secure Pets']);
    });

    it('shows only its bar to a signed-in tab: a reload never shows the signed-out page', () => {
      expect(visibleWith(['has-session'], storeFront)).toEqual([]);
      // Another prerendered page keeps its content, without the bar's Log in.
      expect(visibleWith(['has-session'], petFrame)).toEqual(['Loading the pet…']);
    });

    it('shows only its bar where the URL names another page', () => {
      expect(visibleWith(['elsewhere'], storeFront)).toEqual([]);
      // Another page's own frame stays whole there.
      expect(visibleWith(['elsewhere'], petFrame)).toEqual(['Log in', 'Loading the pet…']);
    });
  });

  describe("the app's scripts (public/page-loader.js)", () => {
    const template = '<template id="app-scripts"><meta name="app-script"></template>';

    it('puts them in place of their template at once in a hidden tab, which paints nothing', async () => {
      const doc = document.implementation.createHTMLDocument('t');
      doc.head.innerHTML = template;
      expect(doc.hidden).toBeTrue();
      await runLoader(doc);
      expect(doc.getElementById('app-scripts')).toBeNull();
      expect(doc.head.querySelector('meta[name="app-script"]')).not.toBeNull();
    });

    it('leaves them inert in a visible tab until it paints, or is hidden', async () => {
      document.head.insertAdjacentHTML('beforeend', template);
      try {
        expect(document.hidden).toBeFalse();
        await runLoader(document);
        expect(document.getElementById('app-scripts')).not.toBeNull();
        document.dispatchEvent(new Event('visibilitychange'));
        expect(document.getElementById('app-scripts')).toBeNull();
        expect(document.head.querySelector('meta[name="app-script"]')).not.toBeNull();
      } finally {
        document
          .querySelectorAll('#app-scripts, meta[name="app-script"]')
          .forEach((e) => e.remove());
      }
    });
  });

  it('keeps a click on an enabled button of the prerendered page only', async () => {
    const doc = prerenderedDocument('<button disabled>Next</button><button>Log in</button>');
    doc.body.insertAdjacentHTML('afterbegin', '<app-root><button>Buy</button></app-root>');
    await runLoader(doc);
    const [app, disabled, enabled] = Array.from(doc.querySelectorAll('button'));
    app.click();
    // Users' clicks never reach a disabled button; a script's event can.
    disabled.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect((doc as LoadedDocument).prerenderedClick).toBeUndefined();
    enabled.click();
    expect((doc as LoadedDocument).prerenderedClick).toBe(enabled);
  });

  it('leaves a page that was not prerendered alone', () => {
    const doc = document.implementation.createHTMLDocument('t');
    doc.body.innerHTML = '<app-root></app-root>';
    makeRoomForApp(doc);
    removePrerenderedPage(doc);
    expect(doc.querySelectorAll('app-root').length).toBe(1);
  });

  it("replays a click on a prerendered button on the app's button at the same place, once", async () => {
    const doc = prerenderedDocument();
    await runLoader(doc);
    makeRoomForApp(doc);
    doc.querySelector<HTMLButtonElement>('[ng-server-context] button')?.click();
    // The app renders the same page into its own root.
    const appRoot = doc.querySelector('app-root') as Element;
    appRoot.innerHTML = loginPage;
    const clicks = jasmine.createSpy('click');
    appRoot.querySelector('button')?.addEventListener('click', clicks);
    removePrerenderedPage(doc);
    expect(doc.querySelector('[ng-server-context]')).toBeNull();
    expect(clicks).toHaveBeenCalledTimes(1);
    removePrerenderedPage(doc); // nothing left to remove or replay
    expect(clicks).toHaveBeenCalledTimes(1);
  });

  it('replays nothing when the app shows another page there', async () => {
    const doc = prerenderedDocument();
    await runLoader(doc);
    makeRoomForApp(doc);
    doc.querySelector<HTMLButtonElement>('[ng-server-context] button')?.click();
    const appRoot = doc.querySelector('app-root') as Element;
    // Signed in meanwhile: the app went home, where a link is at that place.
    appRoot.innerHTML = loginPage.replace('<button>Log in</button>', '<a href="/">Pets</a>');
    const clicks = jasmine.createSpy('click');
    appRoot.addEventListener('click', clicks);
    removePrerenderedPage(doc);
    expect(clicks).not.toHaveBeenCalled();
  });

  it('moves focus to the same element of the app’s page', () => {
    const doc = prerenderedDocument();
    document.body.append(doc.body.firstElementChild as Element);
    const prerendered = document.querySelector('app-root[ng-server-context]') as HTMLElement;
    try {
      makeRoomForApp(document);
      prerendered.querySelector('a')?.focus();
      const appRoot = document.querySelector('app-root') as Element;
      appRoot.innerHTML = loginPage;
      removePrerenderedPage(document);
      expect(prerendered.isConnected).toBeFalse();
      expect(document.activeElement).toBe(appRoot.querySelector('a'));
    } finally {
      document.querySelectorAll('app-root').forEach((root) => root.remove());
    }
  });

  it("replays a click made before the app started on the app's button, rendered by an @if", async () => {
    const clicks = jasmine.createSpy('click');
    @Component({
      selector: 'app-page',
      template: `<main>
        <h1>Secure Pets</h1>
        @if (signedOut()) {
          <button (click)="clicked()">Log in</button>
        }
      </main>`,
      changeDetection: ChangeDetectionStrategy.OnPush,
    })
    class Page {
      protected readonly signedOut = signal(true);
      protected readonly clicked = clicks;
    }
    @Component({
      imports: [RouterOutlet],
      template: '<router-outlet />',
      changeDetection: ChangeDetectionStrategy.OnPush,
    })
    class Root {}

    const prerendered = prerenderedDocument(
      '<router-outlet></router-outlet><app-page><main><h1>Secure Pets</h1>' +
        '<button>Log in</button></main></app-page>',
    ).querySelector('app-root') as Element;
    document.body.append(document.adoptNode(prerendered));
    try {
      await runLoader(document);
      makeRoomForApp(document);
      prerendered.querySelector('button')?.click();
      TestBed.configureTestingModule({
        providers: [
          provideRouter([{ path: '**', component: Page }]),
          provideHandOverFromPrerenderedPage(),
        ],
      });
      // As bootstrapApplication does: the app renders into the root made for it.
      const root = createComponent(Root, {
        environmentInjector: TestBed.inject(EnvironmentInjector),
        hostElement: document.querySelector('app-root') as Element,
      });
      const appRef = TestBed.inject(ApplicationRef);
      appRef.attachView(root.hostView);
      await TestBed.inject(Router).navigateByUrl('/');
      await appRef.whenStable();
      await new Promise((frame) => requestAnimationFrame(frame));
      expect(prerendered.isConnected).toBeFalse();
      expect(clicks).toHaveBeenCalledTimes(1);
      root.destroy();
    } finally {
      document.querySelectorAll('app-root').forEach((r) => r.remove());
      Reflect.deleteProperty(document, 'prerenderedClick');
    }
  });

  it('removes the prerendered page once the first navigation has ended, and only then', async () => {
    const prerendered = prerenderedDocument().querySelector('app-root') as Element;
    document.body.append(document.adoptNode(prerendered));
    try {
      TestBed.configureTestingModule({
        providers: [
          provideRouter([{ path: '**', component: Blank }]),
          provideHandOverFromPrerenderedPage(),
        ],
      });
      const router = TestBed.inject(Router);
      expect(prerendered.isConnected).toBeTrue();
      await router.navigateByUrl('/login');
      expect(prerendered.isConnected).toBeFalse();
    } finally {
      prerendered.remove();
    }
  });
});

import { provideLocationMocks } from '@angular/common/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { listingTag } from '../../../api/pet';
import { button, buttons, byRole, choose, field, submit, text, type } from '../../testing/dom';
import { manyPets } from '../../testing/fake-pet-api';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { SESSION_ENDED } from '../auth/auth';
import { CREDENTIALS_KEY } from '../credentials/credentials-store';
import { PAGE_SIZE } from '../pet-list/cursor-pages';
import { ADD_ATTEMPTS } from './home-state';
import { HomePage } from './home-page';
import { TYPE_FILTER_PAUSE_MS } from './pet-filters';

describe('HomePage', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<HomePage>;
  let page: HTMLElement;

  async function render(token: string) {
    signIn(f.storage, token);
    // A mock URL (see the store front's visit below): a view one test puts in the URL
    // must not become the next test's.
    TestBed.configureTestingModule({
      providers: [...f.providers, provideRouter([]), provideLocationMocks()],
    });
    fixture = TestBed.createComponent(HomePage);
    page = fixture.nativeElement;
    await stable();
  }
  // The public reads answer through fetch, whose Response.json() takes a task or more
  // of its own: enough turns for a reload and the focus that follows it.
  async function stable() {
    await settle(10);
    await fixture.whenStable();
    fixture.detectChanges();
    await settle(10);
  }
  /**
   * Waits (at most a second) for the focus to leave <body>: it moves in a timer after
   * the write's reload, whose fetch answers take a varying number of tasks on a busy
   * machine, so a fixed number of turns is not always enough.
   */
  async function focusMoved() {
    for (let waited = 0; document.activeElement === document.body && waited < 1000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const admin = () => render(idToken('auth0|a', 'admin@example.com'));
  const buyer = () => render(idToken('amazon|b', 'buyer@example.com'));
  const alert = () => text(page.querySelector('[role="alert"]'));
  const status = () => text(page.querySelector('[role="status"]'));
  const items = () => byRole(page, 'listitem').map(text);
  const rows = () => byRole(page, 'listitem');
  const ids = () => rows().map((li) => Number(li.id.replace('pet-', '')));
  const heading = () => page.querySelector<HTMLElement>('#pets-heading')!;
  const gets = () => f.apig.callsOf('GET');
  const lastQuery = () => gets().at(-1)?.query;
  const select = (label: string) => field(page, label) as unknown as HTMLSelectElement;
  const next = () => button(page, 'Next page')!;
  const previous = () => button(page, 'Previous page')!;
  const pageNumber = () => text(page.querySelector('.page-number'));

  beforeEach(() => (f = fakes()));

  describe('signed out, the store front', () => {
    let harness: RouterTestingHarness;

    /** A first visit to a URL of the store front: no session in the tab. */
    async function visit(url: string) {
      TestBed.configureTestingModule({
        // The router's URL is a mock: the browser's own would outlive the test and
        // give the next tests' pages this view.
        providers: [
          ...f.providers,
          provideRouter([{ path: '', component: HomePage }]),
          provideLocationMocks(),
        ],
      });
      harness = await RouterTestingHarness.create(url);
      page = harness.routeNativeElement!;
      await settled();
    }
    async function settled() {
      await settle();
      await harness.fixture.whenStable();
      harness.detectChanges();
      await settle();
    }

    it('shows the catalogue and its controls, one Log in and no Buy, without credentials', async () => {
      await visit('/');
      expect(text(page.querySelector('h1'))).toBe('Secure Pets');
      expect(items()).toEqual(['fish $0.99 Sold', 'cat $124.99', 'dog $249.99']);
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id' });
      for (const label of ['Filter by type', 'Sort by', 'Show']) {
        expect(field(page, label)).withContext(label).toBeDefined();
      }
      const names = buttons(page).map(text);
      expect(names.filter((name) => name === 'Log in').length).toBe(1);
      expect(names.filter((name) => /^(Buy|Remove)/.test(name))).toEqual([]);
      expect(button(page, 'Add pet')).toBeUndefined();
      expect(button(page, 'Log out')).toBeUndefined();
      expect(page.querySelector('[role="alert"]')).toBeNull();
      // The public read is unsigned: no STS, no credentials, no session.
      expect(f.sts.calls).toEqual([]);
      expect(gets().every((call) => call.config.accessKey === undefined)).toBeTrue();
      expect(f.storage.length).toBe(0);
    });

    it('shows the view its URL names, and puts a new view in the URL', async () => {
      f.apig.pets = manyPets(120);
      await visit('/?type=cat&sort=price&status=available');
      expect(lastQuery()).toEqual({ limit: '50', sort: 'price', type: 'cat', status: 'available' });
      expect(field(page, 'Filter by type')!.value).toBe('cat');
      expect(select('Sort by').value).toBe('price');
      expect(select('Show').value).toBe('available');

      choose(select('Sort by'), '-price');
      await settled();
      expect(lastQuery()).toEqual({
        limit: '50',
        sort: '-price',
        type: 'cat',
        status: 'available',
      });
      expect(TestBed.inject(Router).url).toBe('/?type=cat&sort=-price&status=available');

      // The default view is the plain URL.
      type(field(page, 'Filter by type')!, '');
      choose(select('Sort by'), '-id');
      await settled();
      choose(select('Show'), 'all');
      await settled();
      expect(TestBed.inject(Router).url).toBe('/');
    });

    it('shows the view of a link to this page', async () => {
      await visit('/?type=cat');
      await harness.navigateByUrl('/?type=dog&status=sold');
      await settled();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id', type: 'dog', status: 'sold' });
      expect(field(page, 'Filter by type')!.value).toBe('dog');
      expect(gets().length).toBe(2);
    });

    it('takes the default for what its URL names that the controls do not offer', async () => {
      await visit('/?sort=cheapest&status=gone&type=%20dog%20');
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id', type: 'dog' });
      expect(select('Sort by').value).toBe('-id');
      expect(select('Show').value).toBe('all');
    });

    it('logs in back to the view the user chose', async () => {
      await visit('/?type=cat');
      choose(select('Sort by'), 'price');
      await settled();
      button(page, 'Log in')!.click();
      await settled();
      expect(f.webAuth.authorized).toEqual([
        jasmine.objectContaining({ appState: { returnTo: '/?type=cat&sort=price' } }),
      ]);
    });

    it('says when the pets cannot be loaded, in an alert, and tries again', async () => {
      f.apig.unreachable = true;
      await visit('/');
      expect(alert()).toContain('could not be reached');
      expect(text(page)).toContain('The pets could not be loaded.');
      f.apig.unreachable = false;
      button(page, 'Try again')!.click();
      await settled();
      expect(page.querySelector('[role="alert"]')).toBeNull();
      expect(items()).toEqual(['fish $0.99 Sold', 'cat $124.99', 'dog $249.99']);
      expect(f.sts.calls).toEqual([]);
    });
  });

  describe('for a buyer whose silent renewal fails', () => {
    beforeEach(async () => {
      await buyer();
      // 56 minutes later the token is older than the app sends to the Lambdas, so Buy
      // renews first; the fake's checkSession answers login_required, as where the
      // browser blocks the IdP's third-party cookies.
      const later = Date.now() + 56 * 60_000;
      spyOn(Date, 'now').and.returnValue(later);
    });

    it('stays on the page, says the session ended once and offers Log in', async () => {
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(f.webAuth.checkSessionOptions.length).toBe(1);
      expect(f.apig.callsOf('POST', '/test/pets/purchase')).toEqual([]);
      expect(byRole(page, 'alert').map(text)).toEqual([SESSION_ENDED]);
      expect(button(page, 'Log in')).toBeDefined();
      expect(button(page, 'Log out')).toBeUndefined();
      // The greeting and the rows stay; without a session nothing can be bought.
      expect(text(page.querySelector('h1'))).toBe('Welcome, buyer@example.com');
      expect(items()).toEqual(['fish $0.99 Sold', 'cat $124.99', 'dog $249.99']);
    });
  });

  describe('for a buyer', () => {
    beforeEach(buyer);

    it('greets the user and lists the first page, newest first', () => {
      expect(text(page.querySelector('h1'))).toBe('Welcome, buyer@example.com');
      expect(byRole(page, 'list').length).toBe(1);
      expect(items()).toEqual(['fish $0.99 Sold', 'cat $124.99 Buy', 'dog $249.99 Buy']);
      expect(gets().length).toBe(1);
      expect(lastQuery()).toEqual({ limit: String(PAGE_SIZE), sort: '-id' });
      expect(page.querySelector('section.catalogue')?.getAttribute('aria-busy')).toBe('false');
      expect(text(heading())).toBe('Pets, page 1');
    });

    it('offers Buy but never Remove or Add pet', () => {
      expect(button(page, 'Buy dog for $249.99')).toBeDefined();
      expect(button(page, /^Remove/)).toBeUndefined();
      expect(button(page, 'Add pet')).toBeUndefined();
      expect(button(page, 'Log out')).toBeDefined();
    });

    it('buys a pet: one row changes, nothing is downloaded again', async () => {
      const before = rows();
      f.apig.hold = true;
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(page.querySelector('progress')?.getAttribute('aria-label')).toBe('Working…');
      expect(buttons(page).filter((b) => b.disabled && /^Buy/.test(b.ariaLabel ?? '')).length).toBe(
        2,
      );
      f.apig.release();
      await stable();
      expect(status()).toBe('You bought the dog for $249.99.');
      expect(items()).toEqual([
        'fish $0.99 Sold',
        'cat $124.99 Buy',
        'dog $249.99 Sold Bought by you',
      ]);
      expect(page.querySelector('progress')).toBeNull();
      expect(f.apig.calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        jasmine.arrayWithExactContents([
          'POST /test/pets/mine',
          'GET /test/pets',
          'POST /test/pets/purchase',
        ]),
      );
      // The other rows are the same elements: only the bought pet's row was redrawn.
      expect(rows()[0]).toBe(before[0]!);
      expect(rows()[1]).toBe(before[1]!);
      expect(document.activeElement).toBe(rows()[2]!);
    });

    it('marks the row sold when someone else bought the pet first', async () => {
      f.apig.beforeNext.push(() => (f.apig.pets[1] = { ...f.apig.pets[1]!, isSold: true }));
      button(page, 'Buy cat for $124.99')!.click();
      await stable();
      expect(alert()).toBe(
        'Sorry, the cat for $124.99 is no longer available: someone else bought it.',
      );
      expect(items()).toContain('cat $124.99 Sold');
      expect(button(page, /^Buy cat/)).toBeUndefined();
      expect(status()).toBe('');
      expect(gets().length).toBe(1);
    });

    it('takes the row away when the pet was removed', async () => {
      f.apig.beforeNext.push(() => (f.apig.pets = f.apig.pets.filter((p) => p.id !== 1)));
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(alert()).toContain('no longer available: it was removed');
      expect(items()).toEqual(['fish $0.99 Sold', 'cat $124.99 Buy']);
      expect(document.activeElement).toBe(heading());
    });

    it('shows a refused role clearly', async () => {
      f.storage.removeItem(CREDENTIALS_KEY); // the next call asks STS again
      f.sts.error = { name: 'AccessDenied', message: 'Not authorized' };
      button(page, 'Buy cat for $124.99')!.click();
      await stable();
      expect(alert()).toContain('AWS refused the buyer role');
    });

    it('logs out', async () => {
      button(page, 'Log out')!.click();
      await settle();
      expect(f.webAuth.loggedOut.length).toBe(1);
      expect(f.storage.length).toBe(0);
    });
  });

  describe("a buyer's own purchases", () => {
    const mine = () => f.apig.callsOf('POST', '/test/pets/mine');
    const listText = () => text(page.querySelector('ul.pets'));
    beforeEach(() => {
      // 120 pets; the buyer bought 120 (page 1) and 30 (page 2), someone else 119 and 29.
      f.apig.pets = manyPets(120);
      for (const [id, who] of [
        [120, 'buyer@example.com'],
        [30, 'buyer@example.com'],
        [119, 'other@example.com'],
        [29, 'other@example.com'],
      ] as const) {
        Object.assign(f.apig.pets[id - 1]!, { isSold: true, soldTo: who });
      }
    });

    it('are marked Bought by you after a reload, asked for once per sign-in, not per page', async () => {
      await buyer();
      expect(mine().length).toBe(1);
      expect(mine()[0]!.body).toEqual({ authToken: jasmine.any(String) });
      expect(items().slice(0, 2)).toEqual([
        'dog $440.00 Sold Bought by you',
        'hamster $403.00 Sold',
      ]);

      next().click();
      await stable();
      expect(items().find((i) => i.startsWith('dog $110.00'))).toBe(
        'dog $110.00 Sold Bought by you',
      );
      expect(items().find((i) => i.startsWith('hamster $73.00'))).toBe('hamster $73.00 Sold');
      previous().click();
      await stable();
      choose(select('Sort by'), 'price');
      await stable();
      // Pages 1, 2, 3 (read ahead once the buyer paged), 1 again and 1 by price.
      expect(gets().length).toBe(5);
      expect(mine().length).toBe(1);

      // Back on the home page in the same sign-in (from another page): not asked again.
      fixture.destroy();
      await TestBed.inject(Router).navigateByUrl('/'); // the bar's Pets link
      fixture = TestBed.createComponent(HomePage);
      page = fixture.nativeElement;
      await stable();
      expect(mine().length).toBe(1);
      expect(items()).toContain('dog $440.00 Sold Bought by you');
    });

    it("never show an email to a buyer, not another buyer's and not their own", async () => {
      await buyer();
      expect(listText()).toContain('Bought by you');
      expect(listText()).not.toContain('@');
      expect(text(page)).not.toContain('other@example.com');
      // The only email on the page is the greeting's.
      expect(text(page).split('buyer@example.com').length).toBe(2);
    });

    it('include a purchase as it is made, on every page after it', async () => {
      await buyer();
      button(page, 'Buy parrot for $366.00')!.click();
      await stable();
      expect(status()).toBe('You bought the parrot for $366.00.');
      expect(items()).toContain('parrot $366.00 Sold Bought by you');
      expect(listText()).not.toContain('@');
      next().click();
      await stable();
      previous().click();
      await stable();
      expect(items()).toContain('parrot $366.00 Sold Bought by you');
      expect(mine().length).toBe(1);
    });

    it('keep a purchase made while they load', async () => {
      f.apig.hold = (call) => call.path === '/test/pets/mine';
      await buyer();
      expect(page.querySelector('progress')?.getAttribute('aria-label')).toBe(
        'Loading your purchases…',
      );
      expect(page.querySelector('section.catalogue')?.getAttribute('aria-busy')).toBe('true');
      button(page, 'Buy parrot for $366.00')!.click();
      await stable();
      f.apig.release();
      await stable();
      expect(items()).toContain('parrot $366.00 Sold Bought by you');
      expect(items()).toContain('dog $440.00 Sold Bought by you');
      expect(page.querySelector('progress')).toBeNull();
      expect(page.querySelector('section.catalogue')?.getAttribute('aria-busy')).toBe('false');
    });

    it('explain a failure in an alert, keep the pets, and load again on request', async () => {
      f.apig.hold = (call) => call.path === '/test/pets/mine';
      await buyer();
      f.apig.refusals.push({ status: 401, data: { message: 'Invalid token' } });
      f.apig.release();
      await stable();
      expect(alert()).toBe(
        'Your earlier purchases could not be loaded, so they are not marked. Your sign-in is no longer valid. Please log out and log in again.',
      );
      expect(items()[0]).toBe('dog $440.00 Sold');
      expect(rows().length).toBe(PAGE_SIZE);

      // Another action's message does not hide it; its own Try again clears it.
      next().click();
      await stable();
      expect(alert()).toContain('purchases could not be loaded');
      button(page, 'Load my purchases again')!.click();
      await stable();
      expect(alert()).toBe('');
      expect(button(page, 'Load my purchases again')).toBeUndefined();
      expect(mine().length).toBe(2);
      previous().click();
      await stable();
      expect(items()[0]).toBe('dog $440.00 Sold Bought by you');
    });

    it('explain a refused role', async () => {
      f.apig.hold = (call) => call.path === '/test/pets/mine';
      await buyer();
      f.apig.refusals.push({
        status: 403,
        data: { message: 'User: x is not authorized' },
        headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      });
      f.apig.release();
      await stable();
      expect(alert()).toBe(
        'Your earlier purchases could not be loaded, so they are not marked. Your role is not allowed to do that.',
      );
    });

    it("are never asked for by an admin, who sees sold pets but not the buyers' emails here", async () => {
      await admin();
      expect(mine().length).toBe(0);
      expect(f.apig.callsOf('GET', '/test/pets/sales').length).toBe(0);
      expect(items().slice(0, 2)).toEqual(['dog $440.00 Sold', 'hamster $403.00 Sold']);
      expect(listText()).not.toContain('@');
      const sales = [...page.querySelectorAll('a')].find((a) => text(a) === 'Sales');
      expect(sales?.getAttribute('href')).toBe('/sales');
    });
  });

  describe('paging', () => {
    beforeEach(async () => {
      f.apig.pets = manyPets(120);
      await buyer();
    });

    it('shows one page at a time, forward and back, moving focus to the list', async () => {
      expect(rows().length).toBe(PAGE_SIZE);
      expect(ids()[0]).toBe(120);
      expect(pageNumber()).toBe('Page 1');
      expect(previous().disabled).toBeTrue();
      expect(next().disabled).toBeFalse();

      const asked = gets().length;
      next().click();
      await stable();
      const secondCursor = gets()[asked]!.query['cursor'];
      expect(secondCursor).toEqual(jasmine.any(String));
      expect(rows().length).toBe(PAGE_SIZE);
      expect(ids()[0]).toBe(70);
      expect(pageNumber()).toBe('Page 2');
      expect(text(heading())).toBe('Pets, page 2');
      expect(document.activeElement).toBe(heading());
      expect(previous().disabled).toBeFalse();

      next().click();
      await stable();
      expect(ids()).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
      expect(next().disabled).toBeTrue();

      previous().click();
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id', cursor: secondCursor! });
      expect(ids()[0]).toBe(70);
      expect(pageNumber()).toBe('Page 2');

      previous().click();
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id' });
      expect(ids()[0]).toBe(120);
      expect(previous().disabled).toBeTrue();
      expect(Math.max(...gets().map((c) => Number(c.query['limit'])))).toBe(PAGE_SIZE);
    });

    it('never holds more than one page of rows, whatever the user does', async () => {
      f.apig.pets = manyPets(1000);
      let most = 0;
      const observer = new MutationObserver(() => (most = Math.max(most, rows().length)));
      observer.observe(page, { childList: true, subtree: true });
      choose(select('Sort by'), 'price');
      await stable();
      for (let i = 0; i < 5; i++) {
        next().click();
        await stable();
      }
      button(page, /^Buy/)!.click();
      await stable();
      choose(select('Show'), 'available');
      await stable();
      observer.disconnect();
      expect(pageNumber()).toBe('Page 1');
      expect(rows().length).toBe(PAGE_SIZE);
      expect(most).toBe(PAGE_SIZE);
    });

    it('asks for the next page when a pointer reaches Next page, and the click shows it at once', async () => {
      const asked = gets().length;
      next().dispatchEvent(new PointerEvent('pointerenter'));
      await stable();
      expect(gets().length).toBe(asked + 1);
      expect(lastQuery()!['cursor']).toEqual(jasmine.any(String));
      next().click();
      await stable();
      expect(ids()[0]).toBe(70);
      // The click asked for nothing more than page 3, read ahead now that the buyer pages.
      expect(gets().length).toBe(asked + 2);
      expect(ids()).not.toContain(20);
    });

    it('stays on an exactly full last page when the next one turns out empty', async () => {
      // Page 2 is answered, then the pets after it go before page 3 is read (ahead):
      // what the API could not know when it answered page 2.
      f.apig.beforeNext.push(
        () => undefined,
        () => (f.apig.pets = f.apig.pets.filter((p) => p.id > 20)),
      );
      next().click();
      await stable();
      expect(next().disabled).toBeFalse();
      next().click();
      await stable();
      expect(ids()[0]).toBe(70);
      expect(pageNumber()).toBe('Page 2');
      expect(next().disabled).toBeTrue();
      expect(alert()).toBe('');
    });

    it('keeps the page and explains when the next one cannot be loaded', async () => {
      f.apig.unreachable = true;
      next().click();
      await stable();
      expect(alert()).toContain('could not be reached');
      expect(ids()[0]).toBe(120);
      expect(pageNumber()).toBe('Page 1');
    });

    it('shows only the answer to the latest request', async () => {
      f.apig.hold = true;
      next().click();
      await stable();
      next().click(); // ignored while the page loads
      choose(select('Sort by'), 'price');
      await stable();
      expect(page.querySelector('section.catalogue')?.getAttribute('aria-busy')).toBe('true');
      expect(page.querySelector('progress')?.getAttribute('aria-label')).toBe('Loading pets…');
      f.apig.refusals.push({ status: 500, data: { message: 'too late to matter' } });
      f.apig.release();
      await stable();
      expect(alert()).toBe('');
      expect(gets().length).toBe(3);
      expect(lastQuery()).toEqual({ limit: '50', sort: 'price' });
      expect(pageNumber()).toBe('Page 1');
      expect(rows().length).toBe(PAGE_SIZE);
      const prices = rows().map((li) => Number(text(li.querySelector('.pet-price')).slice(1)));
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
    });
  });

  describe('the controls', () => {
    beforeEach(async () => {
      f.apig.pets = manyPets(120);
      await buyer();
      next().click();
      await stable();
    });

    it('filter by an exact, trimmed type on Enter, back on page 1', async () => {
      const filter = field(page, 'Filter by type')!;
      type(filter, ' cat ');
      submit(filter);
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id', type: 'cat' });
      expect(items().every((i) => i.startsWith('cat '))).toBeTrue();
      expect(pageNumber()).toBe('Page 1');
      expect(filter.value).toBe(' cat ');

      const asked = gets().length;
      submit(filter); // the same type again changes nothing
      await stable();
      expect(gets().length).toBe(asked);

      type(filter, '');
      submit(filter);
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id' });
    });

    it('filter by type by themselves once the user pauses', async () => {
      const filter = field(page, 'Filter by type')!;
      const asked = gets().length;
      type(filter, 'do');
      type(filter, 'dog');
      await stable();
      expect(gets().length).toBe(asked);
      await new Promise((resolve) => setTimeout(resolve, TYPE_FILTER_PAUSE_MS + 50));
      await stable();
      expect(gets().length).toBe(asked + 1);
      expect(lastQuery()!['type']).toBe('dog');
    });

    it('sort by each order the API offers, from page 1', async () => {
      const sort = select('Sort by');
      expect([...sort.options].map((o) => `${o.value}:${o.text.trim()}`)).toEqual([
        '-id:Newest first',
        'id:Oldest first',
        'price:Price: low to high',
        '-price:Price: high to low',
      ]);
      expect(sort.value).toBe('-id');
      for (const order of ['price', '-price', 'id']) {
        choose(sort, order);
        await stable();
        expect(lastQuery()).toEqual({ limit: '50', sort: order });
        expect(pageNumber()).toBe('Page 1');
      }
      expect(ids()[0]).toBe(1);
    });

    it('apply a type still being typed when the order changes', async () => {
      type(field(page, 'Filter by type')!, 'fish ');
      choose(select('Sort by'), '-price');
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-price', type: 'fish' });
    });

    it('show pets for sale or sold ones only', async () => {
      f.apig.pets[0]!.isSold = true;
      choose(select('Show'), 'available');
      await stable();
      expect(lastQuery()).toEqual({ limit: '50', sort: '-id', status: 'available' });
      expect(text(heading())).toBe('Pets for sale, page 1');
      choose(select('Show'), 'sold');
      await stable();
      expect(lastQuery()!['status']).toBe('sold');
      expect(text(heading())).toBe('Sold pets, page 1');
      expect(items()).toEqual(['cat $37.00 Sold']);
    });

    it('say when no pet matches', async () => {
      type(field(page, 'Filter by type')!, 'unicorn');
      submit(field(page, 'Filter by type')!);
      await stable();
      expect(byRole(page, 'list').length).toBe(0);
      expect(text(page)).toContain('No pets match these filters.');
      expect(next().disabled).toBeTrue();
    });
  });

  describe('for an admin', () => {
    beforeEach(admin);

    it('offers Remove and Add pet but never Buy', () => {
      expect(text(page.querySelector('h1'))).toBe('Welcome, admin@example.com');
      expect(button(page, 'Remove dog for $249.99')).toBeDefined();
      expect(button(page, 'Add pet')).toBeDefined();
      expect(button(page, /^Buy/)).toBeUndefined();
      expect(items()).toContain('fish $0.99 Sold');
    });

    async function addThroughForm(petType: string, price: string) {
      button(page, 'Add pet')!.click();
      fixture.detectChanges();
      await settle();
      type(field(page, 'Type')!, petType);
      type(field(page, 'Price')!, price);
      button(page, 'Save')!.click();
      await stable();
    }

    it('adds a pet under the next id, create-only, and shows it on top', async () => {
      button(page, 'Add pet')!.click();
      fixture.detectChanges();
      await settle();
      expect(document.activeElement).toBe(field(page, 'Type')!);
      f.apig.calls = [];
      type(field(page, 'Type')!, ' hamster ');
      type(field(page, 'Price')!, '12.50');
      button(page, 'Save')!.click();
      await stable();
      expect(f.apig.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'GET /test/pets',
        'PUT /test/pets/4',
        'GET /test/pets',
      ]);
      expect(f.apig.calls[0]!.query).toEqual({ limit: '1', sort: '-id' });
      expect(f.apig.calls[1]!.headers).toEqual({ 'If-None-Match': '*' });
      expect(f.apig.calls[1]!.body).toEqual({ type: 'hamster', price: 12.5 });
      expect(status()).toBe('Added the hamster for $12.50.');
      expect(items()[0]).toBe('hamster $12.50 Remove');
      expect(field(page, 'Type')).toBeUndefined();
      await focusMoved();
      expect(document.activeElement).toBe(button(page, 'Add pet')!);
    });

    it('shows an added pet on top of a full page 1 at once, then reads page 1 again', async () => {
      f.apig.pets = manyPets(120);
      choose(select('Sort by'), 'price');
      await stable();
      choose(select('Sort by'), '-id');
      await stable();
      expect(rows().length).toBe(PAGE_SIZE);
      // Page 1's read after the write is held: the new pet shows without it.
      f.apig.hold = (call) => call.method === 'GET' && f.apig.callsOf('PUT').length > 0;
      await addThroughForm('axolotl', '5');
      expect(items()[0]).toBe('axolotl $5.00 Remove');
      expect(rows().length).toBe(PAGE_SIZE);
      expect(items()[1]).toMatch(/ \$\d+\.\d\d /);
      f.apig.release();
      await stable();
      expect(status()).toBe('Added the axolotl for $5.00.');
      expect(items()[0]).toBe('axolotl $5.00 Remove');
      expect(rows().length).toBe(PAGE_SIZE);
      expect(f.apig.callsOf('GET').at(-1)!.query).toEqual({ limit: '50', sort: '-id' });
    });

    it('tries the next id when another admin took it', async () => {
      const takeId = (id: number) => () => f.apig.pets.push({ id, type: 'owl', price: 1 });
      f.apig.beforeNext.push(() => undefined, takeId(4));
      await addThroughForm('gecko', '3');
      expect(f.apig.callsOf('PUT').map((c) => c.path)).toEqual(['/test/pets/4', '/test/pets/5']);
      expect(status()).toBe('Added the gecko for $3.00.');
      expect(items().slice(0, 2)).toEqual(['gecko $3.00 Remove', 'owl $1.00 Remove']);
    });

    it('adds the next pet after its own last one without reading the highest id', async () => {
      await addThroughForm('gecko', '3');
      f.apig.calls = [];
      await addThroughForm('newt', '4');
      expect(f.apig.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'PUT /test/pets/5',
        'GET /test/pets',
      ]);
      expect(items().slice(0, 2)).toEqual(['newt $4.00 Remove', 'gecko $3.00 Remove']);
    });

    it('reads the highest id when another admin took the id after its last one', async () => {
      await addThroughForm('gecko', '3');
      f.apig.pets.push({ id: 5, type: 'owl', price: 1 }, { id: 6, type: 'owl', price: 1 });
      f.apig.calls = [];
      await addThroughForm('newt', '4');
      expect(f.apig.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'PUT /test/pets/5',
        'GET /test/pets',
        'PUT /test/pets/7',
        'GET /test/pets',
      ]);
      expect(status()).toBe('Added the newt for $4.00.');
    });

    it(`gives up after ${ADD_ATTEMPTS} taken ids and keeps the form`, async () => {
      for (let i = 0; i < ADD_ATTEMPTS; i++) {
        f.apig.beforeNext.push(
          () => undefined,
          () => f.apig.pets.push({ id: 4 + i, type: 'owl', price: 1 }),
        );
      }
      await addThroughForm('gecko', '3');
      expect(f.apig.callsOf('PUT').length).toBe(ADD_ATTEMPTS);
      expect(alert()).toContain('yours was not saved');
      expect(field(page, 'Type')!.value).toBe('gecko');
    });

    it('goes back to page 1 to show a new pet, newest first', async () => {
      f.apig.pets = manyPets(60);
      choose(select('Sort by'), '-id');
      await stable();
      next().click();
      await stable();
      await addThroughForm('gecko', '3');
      expect(pageNumber()).toBe('Page 1');
      expect(items()[0]).toBe('gecko $3.00 Remove');
      expect(f.apig.pets.at(-1)!.id).toBe(61);
    });

    it('keeps the chosen order and says where the new pet is', async () => {
      choose(select('Sort by'), 'price');
      await stable();
      await addThroughForm('gecko', '300');
      expect(status()).toBe(
        'Added the gecko for $300.00. Sort by Newest first to see it at the top.',
      );
      expect(lastQuery()).toEqual({ limit: '50', sort: 'price' });
      expect(items()).toContain('gecko $300.00 Remove');

      type(field(page, 'Filter by type')!, 'cat');
      submit(field(page, 'Filter by type')!);
      await stable();
      const loads = gets().length;
      await addThroughForm('lynx', '5');
      expect(status()).toBe('Added the lynx for $5.00. The filters you chose hide it.');
      // No read: the id after its last add, and the filters hide the new pet anyway.
      expect(gets().length).toBe(loads);
    });

    it('sets the browsing controls aside while the add form is open', async () => {
      type(field(page, 'Filter by type')!, 'cat');
      submit(field(page, 'Filter by type')!);
      await stable();
      button(page, 'Add pet')!.click();
      await stable();
      const labels = [...page.querySelectorAll('label')].map(text);
      expect(labels.filter((l) => /type/i.test(l))).toEqual(['Type']);
      button(page, 'Cancel')!.click();
      await stable();
      expect(field(page, 'Filter by type')!.value).toBe('cat');
      expect(document.activeElement).toBe(button(page, 'Add pet')!);
    });

    it('validates Type and Price with clear messages', async () => {
      button(page, 'Add pet')!.click();
      fixture.detectChanges();
      button(page, 'Save')!.click();
      fixture.detectChanges();
      const typeInput = field(page, 'Type')!;
      expect(typeInput.getAttribute('aria-invalid')).toBe('true');
      expect(text(page.querySelector(`#${typeInput.getAttribute('aria-describedby')}`))).toBe(
        'Enter the type of pet.',
      );
      expect(document.activeElement).toBe(typeInput);
      type(typeInput, 'dog');
      type(field(page, 'Price')!, '-3');
      button(page, 'Save')!.click();
      fixture.detectChanges();
      const priceInput = field(page, 'Price')!;
      expect(text(page.querySelector(`#${priceInput.getAttribute('aria-describedby')}`))).toContain(
        'as a number',
      );
      expect(document.activeElement).toBe(priceInput);
      expect(f.apig.callsOf('PUT').length).toBe(0);
      button(page, 'Cancel')!.click();
      fixture.detectChanges();
      expect(field(page, 'Price')).toBeUndefined();
    });

    it('refuses a type that is not text (a lone surrogate) before sending it', async () => {
      button(page, 'Add pet')!.click();
      fixture.detectChanges();
      const typeInput = field(page, 'Type')!;
      type(typeInput, 'cat\ud800');
      type(field(page, 'Price')!, '12');
      button(page, 'Save')!.click();
      fixture.detectChanges();
      expect(typeInput.getAttribute('aria-invalid')).toBe('true');
      expect(text(page.querySelector(`#${typeInput.getAttribute('aria-describedby')}`))).toBe(
        'The type must be text: it holds a broken character. Type it again.',
      );
      expect(document.activeElement).toBe(typeInput);
      expect(f.apig.callsOf('PUT').length).toBe(0);
    });

    it('removes a pet if it is unchanged, and reloads the page to keep it full', async () => {
      f.apig.pets = manyPets(60);
      choose(select('Sort by'), 'id');
      await stable();
      expect(ids().at(-1)).toBe(50);
      button(page, 'Remove fish for $74.00')!.click();
      await stable();
      const remove = f.apig.callsOf('DELETE')[0]!;
      expect(remove.path).toBe('/test/pets/2');
      expect(remove.headers).toEqual({
        'If-Match': `"${listingTag({ id: 2, type: 'fish', price: 74 })}"`,
      });
      expect(status()).toBe('Removed the fish for $74.00.');
      expect(rows().length).toBe(PAGE_SIZE);
      expect(ids().slice(0, 2)).toEqual([1, 3]);
      expect(ids().at(-1)).toBe(51);
      await focusMoved();
      expect(document.activeElement).toBe(heading());
    });

    it('explains a pet sold in the meantime and shows it sold', async () => {
      f.apig.beforeNext.push(() => (f.apig.pets[0] = { ...f.apig.pets[0]!, isSold: true }));
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(alert()).toBe(
        'The dog for $249.99 was not removed: it was sold or changed in the meantime. The page has been refreshed.',
      );
      expect(items()).toContain('dog $249.99 Sold');
      expect(document.activeElement).toBe(rows().at(-1)!);
    });

    it('explains a pet changed or removed by someone else', async () => {
      f.apig.beforeNext.push(() => (f.apig.pets[0] = { ...f.apig.pets[0]!, price: 200 }));
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(alert()).toContain('was not removed');
      expect(items()).toContain('dog $200.00 Remove');

      f.apig.beforeNext.push(() => (f.apig.pets = f.apig.pets.filter((p) => p.id !== 2)));
      button(page, 'Remove cat for $124.99')!.click();
      await stable();
      expect(alert()).toBe(
        'The cat for $124.99 had already been removed. The page has been refreshed.',
      );
      expect(items().some((i) => i.startsWith('cat'))).toBeFalse();
    });

    it('goes back a page when it removed the last pet of the last page', async () => {
      f.apig.pets = manyPets(51);
      choose(select('Sort by'), 'id');
      await stable();
      next().click();
      await stable();
      expect(ids()).toEqual([51]);
      button(page, /^Remove/)!.click();
      await stable();
      expect(pageNumber()).toBe('Page 1');
      expect(rows().length).toBe(PAGE_SIZE);
      expect(next().disabled).toBeTrue();
    });

    it('explains gateway refusals', async () => {
      f.apig.refusals.push({
        status: 403,
        data: { message: 'User is not authorized' },
        headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      });
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(alert()).toBe('Your role is not allowed to do that.');
    });
  });

  it('says when the pets cannot be loaded, offers to try again, and when there are none', async () => {
    f.apig.unreachable = true;
    await buyer();
    expect(alert()).toContain('could not be reached');
    expect(text(page)).toContain('The pets could not be loaded.');
    expect(text(page)).not.toContain('No pets match');
    f.apig.unreachable = false;
    f.apig.pets = [];
    button(page, 'Try again')!.click();
    await stable();
    expect(alert()).toBe('');
    expect(text(page)).toContain('No pets match: the store has no pets yet.');
  });
});

import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { button, byRole, text } from '../../testing/dom';
import { manyPets } from '../../testing/fake-pet-api';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { Auth, SESSION_ENDED } from '../auth/auth';
import { routes } from '../app.routes';
import { PAGE_SIZE } from '../pet-list/cursor-pages';
import { SalesPage } from './sales-page';

describe('SalesPage', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<SalesPage>;
  let page: HTMLElement;

  async function render(token = idToken('auth0|a', 'admin@example.com')) {
    signIn(f.storage, token);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    fixture = TestBed.createComponent(SalesPage);
    page = fixture.nativeElement;
    await stable();
  }
  async function stable() {
    await settle();
    await fixture.whenStable();
    fixture.detectChanges();
    await settle();
  }
  const alert = () => text(page.querySelector('[role="alert"]'));
  const items = () => byRole(page, 'listitem').map(text);
  const sales = () => f.apig.callsOf('GET', '/test/pets/sales');
  const next = () => button(page, 'Next page')!;
  const previous = () => button(page, 'Previous page')!;
  const listHeading = () => page.querySelector<HTMLElement>('#sales-heading')!;

  beforeEach(() => {
    f = fakes();
    // 120 pets, every other one sold, each to its own buyer.
    f.apig.pets = manyPets(120).map((p) =>
      p.id % 2 ? p : { ...p, isSold: true, soldTo: `buyer${p.id}@example.com` },
    );
  });

  it('once the session has ended, leaves the one alert to the top bar', async () => {
    await render();
    // Silent renewal fails: the fake's checkSession answers login_required.
    await TestBed.inject(Auth).renew();
    await stable();
    next().click();
    await stable();
    expect(byRole(page, 'alert').map(text)).toEqual([SESSION_ENDED]);
    expect(button(page, 'Log in')).toBeDefined();
  });

  it('lists the sold pets with their buyers, one page at a time', async () => {
    await render();
    expect(text(page.querySelector('h1'))).toBe('Sales');
    expect(items().length).toBe(PAGE_SIZE);
    expect(items()[0]).toBe('dog $440.00 Sold Sold to buyer120@example.com');
    expect(sales()[0]!.query).toEqual({ limit: String(PAGE_SIZE) });
    expect(sales()[0]!.config.accessKey).toBe('ASIA1');
    expect(f.apig.callsOf('GET', '/test/pets').length).toBe(0);
    expect(text(listHeading())).toBe('Sold pets, page 1');
    expect(page.querySelector('section')?.getAttribute('aria-busy')).toBe('false');
    expect(previous().disabled).toBeTrue();
    expect(button(page, /^Remove/)).toBeUndefined();
    expect(page.querySelector('[role="admin"]')).toBeNull(); // no invalid ARIA role
    expect(button(page, 'Log out')).toBeDefined();

    next().click();
    await stable();
    const cursor = sales()[1]!.query['cursor'];
    expect(cursor).toEqual(jasmine.any(String));
    expect(items()[0]).toBe('dog $740.00 Sold Sold to buyer20@example.com');
    expect(items().length).toBe(10);
    expect(next().disabled).toBeTrue();
    expect(text(listHeading())).toBe('Sold pets, page 2');
    expect(document.activeElement).toBe(listHeading());

    previous().click();
    await stable();
    expect(sales()[2]!.query).toEqual({ limit: String(PAGE_SIZE) });
    expect(items()[0]).toBe('dog $440.00 Sold Sold to buyer120@example.com');
    expect(f.apig.callsOf('POST', '/test/pets/mine').length).toBe(0);
  });

  it('shows that it is loading', async () => {
    f.apig.hold = true;
    await render();
    expect(page.querySelector('progress')?.getAttribute('aria-label')).toBe('Loading sales…');
    expect(page.querySelector('section')?.getAttribute('aria-busy')).toBe('true');
    f.apig.release();
    await stable();
    expect(page.querySelector('progress')).toBeNull();
  });

  it('says when nothing has been sold yet', async () => {
    f.apig.pets = manyPets(3);
    await render();
    expect(byRole(page, 'list').length).toBe(0);
    expect(text(page)).toContain('No pet has been sold yet.');
  });

  it('explains a refusal in an alert and offers to try again', async () => {
    f.apig.refusals.push({
      status: 403,
      data: { message: 'User: x is not authorized' },
      headers: { 'x-amzn-errortype': 'AccessDeniedException' },
    });
    await render();
    expect(alert()).toBe('The sales could not be loaded. Your role is not allowed to do that.');
    expect(text(page)).toContain('The sales could not be loaded. Try again');
    button(page, 'Try again')!.click();
    await stable();
    expect(alert()).toBe('');
    expect(items().length).toBe(PAGE_SIZE);
  });

  it('keeps the page when the next one cannot be loaded', async () => {
    await render();
    f.apig.refusals.push({ status: 401, data: { message: 'no' } });
    next().click();
    await stable();
    expect(alert()).toContain('Your sign-in is no longer valid');
    expect(items()[0]).toContain('buyer120@example.com');
  });

  it('never asks for the sales for a buyer', async () => {
    await render(idToken('amazon|b', 'buyer@example.com'));
    expect(sales().length).toBe(0);
    expect(alert()).toBe('Only administrators can see who bought which pet.');
    expect(text(page)).not.toContain('buyer120@example.com');
  });
});

describe('the Sales route', () => {
  function setup(token: string | null) {
    const f = fakes();
    if (token) signIn(f.storage, token);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter(routes)] });
    return f;
  }
  const admin = idToken('auth0|a', 'admin@example.com');

  it('lets an admin go from the pets to the sales and back, marking the current page', async () => {
    const f = setup(admin);
    const harness = await RouterTestingHarness.create('/');
    await settle();
    harness.detectChanges();
    const link = (name: string) =>
      [...harness.routeNativeElement!.querySelectorAll('a')].find((a) => text(a) === name)!;
    expect(link('Pets').getAttribute('aria-current')).toBe('page');
    expect(link('Sales').getAttribute('aria-current')).toBeNull();

    link('Sales').click();
    await harness.fixture.whenStable();
    await settle();
    harness.detectChanges();
    const salesPage = harness.routeNativeElement!;
    expect(text(salesPage.querySelector('h1'))).toBe('Sales');
    expect(link('Sales').getAttribute('aria-current')).toBe('page');
    // The link that was clicked is gone with the old page: the new page's heading has focus.
    expect(document.activeElement).toBe(salesPage.querySelector('h1'));
    expect(f.apig.callsOf('GET', '/test/pets/sales').length).toBe(1);

    link('Pets').click();
    await harness.fixture.whenStable();
    await settle();
    harness.detectChanges();
    expect(text(harness.routeNativeElement!.querySelector('h1'))).toBe(
      'Welcome, admin@example.com',
    );
    expect(document.activeElement).toBe(harness.routeNativeElement!.querySelector('h1'));
  });

  it('sends a buyer home and a signed-out user to the login page', async () => {
    const f = setup(idToken('amazon|b', 'buyer@example.com'));
    const harness = await RouterTestingHarness.create('/sales');
    await settle();
    harness.detectChanges();
    expect(text(harness.routeNativeElement!.querySelector('h1'))).toBe(
      'Welcome, buyer@example.com',
    );
    expect(harness.routeNativeElement!.querySelector('nav a')).toBeNull();
    expect(f.apig.callsOf('GET', '/test/pets/sales').length).toBe(0);

    TestBed.resetTestingModule();
    setup(null);
    const out = await RouterTestingHarness.create('/sales');
    expect(text(out.routeNativeElement!.querySelector('button'))).toBe('Log in');
  });
});

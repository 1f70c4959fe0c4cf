import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { fakes, settle, signIn } from '../testing/fakes';
import { idToken } from '../testing/tokens';
import { App } from './app';
import { routes } from './app.routes';

describe('routes', () => {
  function setup(signedIn: boolean) {
    const f = fakes();
    if (signedIn) signIn(f.storage, idToken('amazon|1', 'buyer@example.com'));
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter(routes)] });
    return f;
  }

  it('sends an unknown URL home, the store front, which needs no session', async () => {
    setup(false);
    const harness = await RouterTestingHarness.create('/no/such/page');
    expect(TestBed.inject(Router).url).toBe('/');
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Secure Pets');
    const button = harness.routeNativeElement?.querySelector('button');
    expect(button?.textContent).toContain('Log in');
    expect(location.pathname).not.toBe('/login'); // the harness does not touch the real URL
  });

  it('sends a signed-in user from the login page home', async () => {
    setup(true);
    const harness = await RouterTestingHarness.create('/login');
    await settle();
    harness.detectChanges();
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toContain(
      'Welcome, buyer@example.com',
    );
  });

  it('forgets an expired session on reload', async () => {
    const f = setup(false);
    signIn(f.storage, idToken('amazon|1', 'buyer@example.com', -10));
    const harness = await RouterTestingHarness.create('/');
    expect(harness.routeNativeElement?.textContent).toContain('Log in');
    expect(f.storage.length).toBe(0);
  });

  it('renders the routed page in the root component', async () => {
    setup(false);
    const fixture = TestBed.createComponent(App);
    await RouterTestingHarness.create('/login');
    expect(fixture.nativeElement.querySelector('router-outlet')).not.toBeNull();
  });
});

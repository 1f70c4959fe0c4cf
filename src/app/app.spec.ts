import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { routes } from './app.routes';

describe('routes', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter(routes)] }));

  it('sends an unknown URL to the login page', async () => {
    const harness = await RouterTestingHarness.create('/no/such/page');
    const button = harness.routeNativeElement?.querySelector('button');
    expect(button?.textContent).toContain('Log in');
  });
});

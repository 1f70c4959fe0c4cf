import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { button, text } from '../../testing/dom';
import { fakes, settle } from '../../testing/fakes';
import { Auth } from '../auth/auth';
import { WEB_AUTH_FACTORY } from '../auth/auth0-client';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  function render(extra: unknown[] = []) {
    const f = fakes();
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([]), ...extra] });
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    return { f, fixture, page: fixture.nativeElement as HTMLElement };
  }

  it('redirects to Auth0 when Log in is pressed', async () => {
    const { f, fixture, page } = render();
    expect(page.querySelector('[role="alert"]')).toBeNull();
    button(page, 'Log in')!.click();
    fixture.detectChanges();
    expect(button(page, 'Log in')!.disabled).toBeTrue();
    expect(page.querySelector('progress')).not.toBeNull();
    await settle();
    expect(f.webAuth.authorized.length).toBe(1);
  });

  it('shows why the user is back on the login page', () => {
    const { fixture, page } = render();
    TestBed.inject(Auth).notice.set('Your session has expired. Please log in again.');
    fixture.detectChanges();
    expect(text(page.querySelector('[role="alert"]'))).toBe(
      'Your session has expired. Please log in again.',
    );
  });

  it('says when the sign-in page cannot be opened', async () => {
    const { fixture, page } = render([
      { provide: WEB_AUTH_FACTORY, useValue: () => Promise.reject(new Error('chunk')) },
    ]);
    button(page, 'Log in')!.click();
    await settle();
    fixture.detectChanges();
    expect(text(page.querySelector('[role="alert"]'))).toContain('could not be opened');
    expect(button(page, 'Log in')!.disabled).toBeFalse();
  });
});

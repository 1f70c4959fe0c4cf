import { TestBed } from '@angular/core/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { button, text } from '../../testing/dom';
import { fakes, settle } from '../../testing/fakes';
import { Auth } from '../auth/auth';
import { WEB_AUTH_FACTORY } from '../auth/auth0-client';
import { LoginPage } from './login-page';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('LoginPage', () => {
  function render(extra: unknown[] = []) {
    const f = fakes();
    TestBed.configureTestingModule({
      providers: [...f.providers, provideRouter([{ path: '**', component: Blank }]), ...extra],
    });
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

  it('comes back to the checked returnTo path after sign-in', async () => {
    const { f, page } = render();
    await TestBed.inject(Router).navigateByUrl('/login?returnTo=%2Fsales%3Fpage%3D2');
    button(page, 'Log in')!.click();
    await settle();
    expect(f.webAuth.authorized).toEqual([
      jasmine.objectContaining({ appState: { returnTo: '/sales?page=2' } }),
    ]);
  });

  it('goes home after sign-in when returnTo is not an app path', async () => {
    const { f, page } = render();
    await TestBed.inject(Router).navigateByUrl('/login?returnTo=https%3A%2F%2Fevil.example%2F');
    button(page, 'Log in')!.click();
    await settle();
    expect(f.webAuth.authorized).toEqual([
      jasmine.objectContaining({ appState: { returnTo: '/' } }),
    ]);
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

  it('takes focus to its heading when another page sent the user here', async () => {
    const f = fakes();
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([
          { path: 'login', component: LoginPage },
          { path: '**', component: Blank },
        ]),
      ],
    });
    const harness = await RouterTestingHarness.create('/somewhere');
    await harness.navigateByUrl('/login');
    await new Promise((resolve) => setTimeout(resolve));
    const heading = harness.routeNativeElement!.querySelector('h1');
    expect(text(heading)).toBe('Secure Pets');
    expect(document.activeElement).toBe(heading);
  });
});

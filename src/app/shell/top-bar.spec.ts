import { ChangeDetectionStrategy, Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { button, text } from '../../testing/dom';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { Auth, SESSION_ENDED } from '../auth/auth';
import { WEB_AUTH_FACTORY } from '../auth/auth0-client';
import { TopBar } from './top-bar';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('TopBar', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<TopBar>;
  let bar: HTMLElement;

  async function render(extra: unknown[] = [], signedIn = true) {
    if (signedIn) signIn(f.storage, idToken('amazon|b', 'buyer@example.com'));
    TestBed.configureTestingModule({
      providers: [...f.providers, provideRouter([{ path: '**', component: Blank }]), ...extra],
    });
    // The page the user is on: its route and query.
    await TestBed.inject(Router).navigateByUrl('/?type=cat&sort=price');
    fixture = TestBed.createComponent(TopBar);
    fixture.componentRef.setInput('current', 'pets');
    bar = fixture.nativeElement;
    await stable();
  }
  async function stable() {
    await settle();
    await fixture.whenStable();
    fixture.detectChanges();
  }
  async function endSession() {
    // The fake answers checkSession with login_required, as a browser that blocks the
    // IdP's third-party cookies gets.
    await TestBed.inject(Auth).renew();
    await stable();
  }

  beforeEach(() => (f = fakes()));

  it('offers Log out while signed in, and no alert', async () => {
    await render();
    expect(button(bar, 'Log out')).toBeDefined();
    expect(button(bar, 'Log in')).toBeUndefined();
    expect(bar.querySelector('[role="alert"]')).toBeNull();
  });

  it('offers Log in to a visitor who never signed in, with no alert, back to this page', async () => {
    await render([], false);
    expect(button(bar, 'Log in')).toBeDefined();
    expect(button(bar, 'Log out')).toBeUndefined();
    expect(bar.querySelector('[role="alert"]')).toBeNull();
    button(bar, 'Log in')!.click();
    await stable();
    expect(f.webAuth.authorized).toEqual([
      jasmine.objectContaining({ appState: { returnTo: '/?type=cat&sort=price' } }),
    ]);
  });

  it('says the session ended and offers Log in when silent renewal fails', async () => {
    await render();
    await endSession();
    expect(text(bar.querySelector('[role="alert"]'))).toBe(SESSION_ENDED);
    expect(button(bar, 'Log in')).toBeDefined();
    expect(button(bar, 'Log out')).toBeUndefined();
    expect(TestBed.inject(Router).url).toBe('/?type=cat&sort=price');
  });

  it('logs in again back to the same route and query', async () => {
    await render();
    await endSession();
    button(bar, 'Log in')!.click();
    await stable();
    expect(f.webAuth.authorized).toEqual([
      jasmine.objectContaining({ appState: { returnTo: '/?type=cat&sort=price' } }),
    ]);
  });

  it('says when the sign-in page cannot be opened, and lets the user try again', async () => {
    await render([
      { provide: WEB_AUTH_FACTORY, useValue: () => Promise.reject(new Error('chunk')) },
    ]);
    await endSession();
    button(bar, 'Log in')!.click();
    await stable();
    expect(text(bar.querySelector('[role="alert"]'))).toContain('could not be opened');
    expect(button(bar, 'Log in')!.disabled).toBeFalse();
  });
});

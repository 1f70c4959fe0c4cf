import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { fakes, settle } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { Auth } from '../auth/auth';
import { CallbackPage } from './callback-page';

describe('CallbackPage', () => {
  function render(result: { error: unknown; result: Record<string, unknown> | null }) {
    const f = fakes();
    f.webAuth.hashResult = result as typeof f.webAuth.hashResult;
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    const navigate = spyOn(TestBed.inject(Router), 'navigateByUrl').and.resolveTo(true);
    const fixture = TestBed.createComponent(CallbackPage);
    fixture.detectChanges();
    return { f, navigate, page: fixture.nativeElement as HTMLElement };
  }

  it('shows progress, starts the session and goes home', async () => {
    const { f, navigate, page } = render({ error: null, result: { idToken: idToken() } });
    expect(page.querySelector('h1')?.textContent).toContain('Signing you in');
    expect(page.querySelector('progress')).not.toBeNull();
    await settle();
    expect(f.webAuth.parsedHashes).toEqual([location.hash]);
    expect(TestBed.inject(Auth).signedIn()).toBeTrue();
    expect(navigate).toHaveBeenCalledWith('/', { replaceUrl: true });
  });

  it('goes back to the app path the login carried', async () => {
    const { navigate } = render({
      error: null,
      result: { idToken: idToken(), appState: { returnTo: '/?type=cat&sort=price' } },
    });
    await settle();
    expect(navigate).toHaveBeenCalledWith('/?type=cat&sort=price', { replaceUrl: true });
  });

  it("goes home instead of to a path that is not the app's", async () => {
    const { navigate } = render({
      error: null,
      result: { idToken: idToken(), appState: { returnTo: '//evil.example/' } },
    });
    await settle();
    expect(TestBed.inject(Auth).signedIn()).toBeTrue();
    expect(navigate).toHaveBeenCalledWith('/', { replaceUrl: true });
  });

  for (const hostile of [
    '//evil.example',
    'https://evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
  ]) {
    it(`lands on the store front for the hostile returnTo ${hostile}`, async () => {
      const { navigate } = render({
        error: null,
        result: { idToken: idToken(), appState: { returnTo: hostile } },
      });
      await settle();
      expect(navigate).toHaveBeenCalledOnceWith('/', { replaceUrl: true });
    });
  }

  it('goes back to the login page with the reason when verification fails', async () => {
    const { navigate } = render({
      error: { error: 'invalid_token', errorDescription: 'Invalid token signature.' },
      result: null,
    });
    await settle();
    expect(TestBed.inject(Auth).notice()).toBe(
      'Sign-in failed: Invalid token signature. Please try again.',
    );
    expect(navigate).toHaveBeenCalledWith('/login', { replaceUrl: true });
  });
});

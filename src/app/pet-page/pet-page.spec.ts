import { PLATFORM_ID, type Provider } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { accessibleName, button, buttons, byRole, text } from '../../testing/dom';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { PetPage } from './pet-page';

describe('PetPage', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<PetPage>;
  let page: HTMLElement;

  async function render(id: string, token?: string, extra: Provider[] = []) {
    if (token) signIn(f.storage, token);
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([]),
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { paramMap: convertToParamMap({ id }) } },
        },
        ...extra,
      ],
    });
    fixture = TestBed.createComponent(PetPage);
    page = fixture.nativeElement;
    await stable();
  }
  async function stable() {
    await settle();
    await fixture.whenStable();
    fixture.detectChanges();
    await settle();
  }
  const admin = idToken('auth0|a', 'admin@example.com');
  const buyer = idToken('amazon|b', 'buyer@example.com');
  const heading = () => text(page.querySelector('h1'));
  const alert = () => byRole(page, 'alert').map(text);
  const status = () => text(page.querySelector('[role="status"]'));
  const facts = () => text(page.querySelector('.pet-facts'));
  const photo = () => page.querySelector('.pet-photo');
  const back = () => byRole(page, 'link').find((a) => text(a) === 'Back to the store');
  const petGets = () => f.apig.calls.filter((c) => c.method === 'GET').map((c) => c.path);

  beforeEach(() => (f = fakes()));

  describe('signed out', () => {
    it('shows the pet from the public GET /pets/{id}, unsigned, with no Buy', async () => {
      await render('1');
      expect(heading()).toBe('dog');
      expect(facts()).toBe('$249.99 Log in to buy it.');
      expect(accessibleName(photo()!)).toBe('No photo of the dog yet');
      expect(petGets()).toEqual(['/test/pets/1']);
      expect(f.apig.calls[0]!.config.accessKey).toBeUndefined();
      expect(f.sts.calls.length).toBe(0);
      expect(buttons(page).map(text)).toEqual(['Log in']);
      expect(back()?.getAttribute('href')).toBe('/');
    });

    it('says Sold, without the buyer, for a sold pet', async () => {
      await render('3');
      expect(heading()).toBe('fish');
      expect(facts()).toBe('$0.99 Sold');
      expect(page.textContent).not.toContain('@');
    });

    it('says the store has no such pet, with the way back', async () => {
      await render('42');
      expect(heading()).toBe('No such pet');
      expect(text(page.querySelector('.lead'))).toBe(
        'The store has no pet number 42. It may have been removed.',
      );
      expect(back()).toBeDefined();
      expect(alert()).toEqual([]);
    });

    for (const id of ['abc', '-1', '1.5', '0x10', '12345678901234567', '']) {
      it(`says the address names no pet for the id ${JSON.stringify(id)}, asking nothing`, async () => {
        await render(id);
        expect(heading()).toBe('No such pet');
        expect(text(page.querySelector('.lead'))).toContain('This address names no pet');
        expect(f.apig.calls).toEqual([]);
        expect(back()).toBeDefined();
      });
    }

    it('says the pet could not be loaded when the API is down, and loads it on Try again', async () => {
      f.apig.unreachable = true;
      await render('1');
      expect(heading()).toBe('The pet could not be loaded');
      expect(alert()).toEqual([
        'The pet store could not be reached. Check your connection and try again.',
      ]);
      f.apig.unreachable = false;
      button(page, 'Try again')!.click();
      await stable();
      expect(heading()).toBe('dog');
      expect(alert()).toEqual([]);
    });

    it('shows the frame while the pet loads: the photo box and an empty facts line', async () => {
      f.apig.hold = true;
      await render('1');
      expect(heading()).toBe('Loading the pet…');
      expect(page.querySelector('main')?.getAttribute('aria-busy')).toBe('true');
      expect(photo()).not.toBeNull();
      expect(page.querySelector('.pet-facts')).not.toBeNull();
      f.apig.release();
      await stable();
      expect(heading()).toBe('dog');
      expect(page.querySelector('main')?.getAttribute('aria-busy')).toBe('false');
    });
  });

  it('renders the frame at build time, loading, whatever the id, asking nothing', async () => {
    await render('frame', undefined, [{ provide: PLATFORM_ID, useValue: 'server' }]);
    expect(heading()).toBe('Loading the pet…');
    expect(photo()).not.toBeNull();
    expect(page.querySelector('.pet-facts')).not.toBeNull();
    expect(f.apig.calls).toEqual([]);
  });

  describe('for a buyer', () => {
    it('buys the pet with the home page’s action: Sold, Bought by you, confirmed', async () => {
      await render('1', buyer);
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(status()).toBe('You bought the dog for $249.99.');
      expect(facts()).toBe('$249.99 Sold Bought by you');
      expect(document.activeElement).toBe(page.querySelector('.pet-facts'));
      expect(f.apig.callsOf('POST', '/test/pets/purchase').length).toBe(1);
    });

    it('says Bought by you on a deep link to a pet they bought earlier', async () => {
      f.apig.pets[2]!.soldTo = 'buyer@example.com';
      await render('3', buyer);
      expect(facts()).toBe('$0.99 Sold Bought by you');
      expect(f.apig.callsOf('POST', '/test/pets/mine').length).toBe(1);
    });

    it('does not mark a pet someone else bought', async () => {
      await render('3', buyer);
      expect(facts()).toBe('$0.99 Sold');
      expect(f.apig.callsOf('POST', '/test/pets/mine').length).toBe(1);
    });

    it('asks for no purchases on the page of a pet for sale', async () => {
      await render('1', buyer);
      expect(f.apig.callsOf('POST', '/test/pets/mine').length).toBe(0);
    });

    it('says clearly that a pet removed while its page was open is gone', async () => {
      await render('1', buyer);
      f.apig.beforeNext.push(() => (f.apig.pets = f.apig.pets.filter((p) => p.id !== 1)));
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(alert()).toEqual([
        'Sorry, the dog for $249.99 is no longer available: it was removed.',
      ]);
      expect(heading()).toBe('No such pet');
      expect(back()).toBeDefined();
    });

    it('says Sold when someone else was quicker', async () => {
      await render('1', buyer);
      f.apig.beforeNext.push(() => (f.apig.pets[0]!.isSold = true));
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(alert()).toEqual([
        'Sorry, the dog for $249.99 is no longer available: someone else bought it.',
      ]);
      expect(facts()).toBe('$249.99 Sold');
    });
  });

  describe('for an admin', () => {
    it('removes the pet with the home page’s action, and says so', async () => {
      await render('2', admin);
      expect(button(page, /^Buy/)).toBeUndefined();
      button(page, 'Remove cat for $124.99')!.click();
      await stable();
      expect(status()).toBe('Removed the cat for $124.99.');
      expect(heading()).toBe('No such pet');
      expect(f.apig.pets.map((p) => p.id)).toEqual([1, 3]);
    });
  });
});

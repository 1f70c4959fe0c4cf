import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { button, buttons, byRole, field, text, type } from '../../testing/dom';
import { fakes, idToken, settle, signIn } from '../../testing/fakes';
import { HomePage, priceProblem, typeProblem } from './home-page';

describe('HomePage', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<HomePage>;
  let page: HTMLElement;

  async function render(token: string) {
    signIn(f.storage, token);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    fixture = TestBed.createComponent(HomePage);
    page = fixture.nativeElement;
    await stable();
  }
  async function stable() {
    await settle();
    await fixture.whenStable();
    fixture.detectChanges();
  }
  const admin = () => render(idToken('auth0|a', 'admin@example.com'));
  const buyer = () => render(idToken('amazon|b', 'buyer@example.com'));
  const alert = () => text(page.querySelector('[role="alert"]'));
  const status = () => text(page.querySelector('[role="status"]'));
  const items = () => byRole(page, 'listitem').map(text);

  beforeEach(() => (f = fakes()));

  describe('for a buyer', () => {
    beforeEach(buyer);

    it('greets the user and lists pets for sale and sold pets', () => {
      expect(text(page.querySelector('h1'))).toBe('Welcome, buyer@example.com');
      expect(byRole(page, 'list').length).toBe(2);
      expect(items()).toEqual([
        'dog $249.99 Buy',
        'cat $124.99 Buy',
        'fish $0.99 Sold to buyer@example.com',
      ]);
      expect(page.querySelector('main')?.getAttribute('aria-busy')).toBe('false');
    });

    it('offers Buy but never Remove or Add pet', () => {
      expect(button(page, 'Buy dog for $249.99')).toBeDefined();
      expect(button(page, /^Remove/)).toBeUndefined();
      expect(button(page, 'Add pet')).toBeUndefined();
      expect(button(page, 'Log out')).toBeDefined();
    });

    it('buys a pet and confirms it, with a progress indicator meanwhile', async () => {
      button(page, 'Buy dog for $249.99')!.click();
      fixture.detectChanges();
      expect(page.querySelector('progress')).not.toBeNull();
      expect(page.querySelector('main')?.getAttribute('aria-busy')).toBe('true');
      expect(buttons(page).filter((b) => b.disabled).length).toBe(2);
      await stable();
      expect(status()).toBe('You bought the dog for $249.99.');
      expect(items()).toContain('dog $249.99 Sold to buyer@example.com');
      expect(page.querySelector('progress')).toBeNull();
      expect(f.apig.calls.at(-1)?.path).toBe('/test/pets/purchase');
    });

    it('refetches and explains when someone else bought the pet first', async () => {
      f.apig.beforeNext.push(
        () => (f.apig.pets[0] = { ...f.apig.pets[0], isSold: true, soldTo: 'x@y.z' }),
      );
      button(page, 'Buy dog for $249.99')!.click();
      await stable();
      expect(alert()).toContain('Sorry, the dog for $249.99 is no longer available');
      expect(items()).toContain('dog $249.99 Sold to x@y.z');
      expect(status()).toBe('');
    });

    it('shows a refused role clearly', async () => {
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

  describe('for an admin', () => {
    beforeEach(admin);

    it('offers Remove and Add pet but never Buy', () => {
      expect(text(page.querySelector('h1'))).toBe('Welcome, admin@example.com');
      expect(button(page, 'Remove dog for $249.99')).toBeDefined();
      expect(button(page, 'Add pet')).toBeDefined();
      expect(button(page, /^Buy/)).toBeUndefined();
    });

    it('adds a pet through the form', async () => {
      button(page, 'Add pet')!.click();
      fixture.detectChanges();
      await settle();
      expect(document.activeElement).toBe(field(page, 'Type')!);
      type(field(page, 'Type')!, ' hamster ');
      type(field(page, 'Price')!, '12.50');
      button(page, 'Save')!.click();
      await stable();
      await stable();
      expect(status()).toBe('Added the hamster for $12.50.');
      expect(items()).toContain('hamster $12.50 Remove');
      expect(f.apig.pets.at(-1)).toEqual({ id: 4, type: 'hamster', price: 12.5 });
      expect(field(page, 'Type')).toBeUndefined();
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
      expect(f.apig.calls.filter((c) => c.method === 'POST').length).toBe(0);
      button(page, 'Cancel')!.click();
      fixture.detectChanges();
      expect(field(page, 'Price')).toBeUndefined();
    });

    it('removes a pet', async () => {
      button(page, 'Remove cat for $124.99')!.click();
      await stable();
      expect(status()).toBe('Removed the cat for $124.99.');
      expect(items().some((i) => i.startsWith('cat'))).toBeFalse();
    });

    it('re-applies the change once after a conflict and says so', async () => {
      f.apig.beforeNext.push(() => {
        f.apig.pets.push({ id: 9, type: 'parrot', price: 80 });
        f.apig.version += 1;
      });
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(status()).toContain('The catalogue had changed meanwhile');
      expect(status()).toContain('Removed the dog for $249.99.');
      expect(f.apig.pets.map((p) => p.type)).toEqual(['cat', 'fish', 'parrot']);
    });

    it('gives up after a second conflict and asks the user to retry', async () => {
      const bump = () => (f.apig.version += 1);
      f.apig.beforeNext.push(bump, () => undefined, bump);
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(alert()).toContain('changed again');
      expect(f.apig.pets.length).toBe(3);
    });

    it('does not remove a pet that was sold in the meantime', async () => {
      f.apig.beforeNext.push(() => {
        f.apig.pets[0] = { ...f.apig.pets[0], isSold: true, soldTo: 'b@x.y' };
        f.apig.version += 1;
      });
      button(page, 'Remove dog for $249.99')!.click();
      await stable();
      expect(alert()).toContain('was sold in the meantime');
      expect(items()).toContain('dog $249.99 Sold to b@x.y');
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

  it('says when the pets cannot be loaded, and when none are for sale', async () => {
    f.apig.unreachable = true;
    await buyer();
    expect(alert()).toContain('could not be reached');
    expect(text(page)).not.toContain('No pets are for sale');
    f.apig.unreachable = false;
    f.apig.pets = [];
    await (
      fixture.componentInstance as unknown as { state: { load(): Promise<boolean> } }
    ).state.load();
    await stable();
    expect(text(page)).toContain('No pets are for sale right now.');
  });
});

describe('form validation', () => {
  it('checks the price', () => {
    expect(priceProblem('')).toBe('Enter a price.');
    expect(priceProblem('abc')).toContain('as a number');
    expect(priceProblem('1.234')).toContain('two decimals');
    // A free adoption is a listing too: the API accepts 0, so the form does.
    expect(priceProblem('0')).toBeNull();
    expect(priceProblem('1000000000.01')).toBe('The price must be at most $1,000,000,000.00.');
    expect(priceProblem(' 249.99 ')).toBeNull();
  });

  it('checks the type', () => {
    expect(typeProblem(' ')).toBe('Enter the type of pet.');
    expect(typeProblem('x'.repeat(41))).toContain('40');
    expect(typeProblem('dog')).toBeNull();
  });
});

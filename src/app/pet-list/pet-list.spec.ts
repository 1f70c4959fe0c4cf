import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { Pet } from '../../../api/pet';
import { byRole, text } from '../../testing/dom';
import type { Role } from '../auth/session';
import { PetList } from './pet-list';

describe('PetList', () => {
  const sold: Pet[] = [
    { id: 1, type: 'dog', price: 5, isSold: true, soldTo: 'pat@example.com' },
    { id: 2, type: 'cat', price: 6, isSold: true },
  ];

  function render(role: Role | null, bought: number[] = []): string[] {
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', sold);
    fixture.componentRef.setInput('role', role);
    fixture.componentRef.setInput('bought', new Set(bought));
    fixture.detectChanges();
    return byRole(fixture.nativeElement, 'listitem').map(text);
  }

  it("shows a buyer's email to admins only, and a buyer their own purchases", () => {
    expect(render('admin')).toEqual(['dog $5.00 Sold Sold to pat@example.com', 'cat $6.00 Sold']);
    // A buyer's own purchases come from the ids, never from an email, not even their own.
    expect(render('buyer', [1])).toEqual(['dog $5.00 Sold Bought by you', 'cat $6.00 Sold']);
    expect(render('buyer', [2])).toEqual(['dog $5.00 Sold', 'cat $6.00 Sold Bought by you']);
    expect(render('buyer')).toEqual(['dog $5.00 Sold', 'cat $6.00 Sold']);
    expect(render('admin', [1, 2])).toEqual([
      'dog $5.00 Sold Sold to pat@example.com',
      'cat $6.00 Sold',
    ]);
    expect(render(null, [1])).toEqual(['dog $5.00 Sold', 'cat $6.00 Sold']);
  });

  it("shows a buyer's purchase sold even on a row loaded before it", () => {
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', [{ id: 9, type: 'owl', price: 1 }]);
    fixture.componentRef.setInput('role', 'buyer');
    fixture.componentRef.setInput('bought', new Set([9]));
    fixture.detectChanges();
    expect(byRole(fixture.nativeElement, 'listitem').map(text)).toEqual([
      'owl $1.00 Sold Bought by you',
    ]);
  });

  it('draws every photo, whatever its shape, and the empty box in the same 4:3 box', () => {
    const photo = (width: number, height: number) => ({
      url: '/photos/1/a-320.webp',
      width,
      height,
      srcset: '/photos/1/a-320.webp 320w',
    });
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', [
      { id: 1, type: 'dog', price: 5, photo: photo(960, 1280) },
      { id: 2, type: 'cat', price: 6, photo: photo(1280, 720) },
      { id: 3, type: 'owl', price: 7 },
    ]);
    fixture.detectChanges();
    const boxes = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll('.pet-photo'),
      (e) => e.getBoundingClientRect(),
    );
    expect(boxes.length).toBe(3);
    const thumbnail = parseFloat(getComputedStyle(document.documentElement).fontSize) * 4;
    for (const box of boxes) {
      expect(box.width).toBeCloseTo(thumbnail, 0);
      expect(box.height).toBeCloseTo((thumbnail * 3) / 4, 0);
    }
  });

  it("links every pet to its page, the link named by the pet's type", async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const router = TestBed.inject(Router);
    const navigate = spyOn(router, 'navigateByUrl').and.resolveTo(true);
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', sold);
    fixture.detectChanges();
    const links = byRole(fixture.nativeElement, 'link') as HTMLAnchorElement[];
    expect(links.map((a) => [text(a), a.getAttribute('href')])).toEqual([
      ['dog', '/pets/1'],
      ['cat', '/pets/2'],
    ]);
    // A plain click stays in the app; a modified one is the browser's (a new tab).
    links[1]!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(navigate).toHaveBeenCalledOnceWith('/pets/2');
    const newTab = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    links[1]!.addEventListener('click', (e) => e.preventDefault());
    links[1]!.dispatchEvent(newTab);
    expect(navigate).toHaveBeenCalledTimes(1);
  });

  it('focuses a row that is on the page, and says when it is not', () => {
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', sold);
    fixture.detectChanges();
    expect(fixture.componentInstance.focusPet(2)).toBeTrue();
    expect(fixture.componentInstance.focusPet(3)).toBeFalse();
  });
});

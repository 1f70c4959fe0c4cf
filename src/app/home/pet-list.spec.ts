import { TestBed } from '@angular/core/testing';
import type { Pet } from '../../../api/pet';
import { byRole, text } from '../../testing/dom';
import type { Role } from '../auth/session';
import { PetList } from './pet-list';

describe('PetList', () => {
  const sold: Pet[] = [
    { id: 1, type: 'dog', price: 5, isSold: true, soldTo: 'pat@example.com' },
    { id: 2, type: 'cat', price: 6, isSold: true },
  ];

  function render(role: Role | null, email?: string): string[] {
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', sold);
    fixture.componentRef.setInput('role', role);
    fixture.componentRef.setInput('email', email);
    fixture.detectChanges();
    return byRole(fixture.nativeElement, 'listitem').map(text);
  }

  it("shows a buyer's email to admins only, and a buyer their own purchases", () => {
    expect(render('admin')).toEqual(['dog $5.00 Sold Sold to pat@example.com', 'cat $6.00 Sold']);
    expect(render('buyer', 'pat@example.com')).toEqual([
      'dog $5.00 Sold Bought by you',
      'cat $6.00 Sold',
    ]);
    expect(render('buyer', 'sam@example.com')).toEqual(['dog $5.00 Sold', 'cat $6.00 Sold']);
    expect(render(null)).toEqual(['dog $5.00 Sold', 'cat $6.00 Sold']);
  });

  it('focuses a row that is on the page, and says when it is not', () => {
    const fixture = TestBed.createComponent(PetList);
    fixture.componentRef.setInput('pets', sold);
    fixture.detectChanges();
    expect(fixture.componentInstance.focusPet(2)).toBeTrue();
    expect(fixture.componentInstance.focusPet(3)).toBeFalse();
  });
});

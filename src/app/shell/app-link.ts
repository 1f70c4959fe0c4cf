import { Directive, ElementRef, Input, inject } from '@angular/core';
import { Router } from '@angular/router';

/**
 * A link to one of the app's own paths (`<a [appLink]="'/pets/' + pet.id">`): a real
 * link (its href opens in a new tab, copies, shows on hover) that a plain click follows
 * inside the app. The href is set on the element, not bound: a bound href brings
 * Angular's URL sanitizer and RouterLink the router's directives into the initial
 * bundle (see top-bar.ts); the paths come from the app's code, never from a user.
 */
@Directive({
  selector: 'a[appLink]',
  host: { '(click)': 'follow($event)' },
})
export class AppLink {
  private readonly router = inject(Router);
  private readonly anchor = inject<ElementRef<HTMLAnchorElement>>(ElementRef).nativeElement;
  private path = '/';

  // A setter input, not a signal one: it writes the attribute when the value comes,
  // without an effect or a lifecycle hook.
  @Input({ required: true }) set appLink(path: string) {
    this.path = path;
    this.anchor.setAttribute('href', path);
  }

  /** A plain click moves inside the app; a modified one (new tab, download) is the browser's. */
  protected follow(event: MouseEvent): void {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    void this.router.navigateByUrl(this.path);
  }
}

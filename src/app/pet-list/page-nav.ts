import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/**
 * `Previous page` and `Next page`, disabled at the ends. They stay enabled while a
 * page loads (the pages ignore a second click meanwhile), so that focus is not lost.
 */
@Component({
  selector: 'app-page-nav',
  template: `
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" [disabled]="!hasPrevious()" (click)="previous.emit()">
        Previous page
      </button>
      <span class="page-number">Page {{ pageNumber() }}</span>
      <button
        type="button"
        class="secondary"
        [disabled]="!hasNext()"
        (click)="next.emit()"
        (pointerenter)="nextNear.emit()"
        (focus)="nextNear.emit()"
      >
        Next page
      </button>
    </nav>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageNav {
  readonly pageNumber = input.required<number>();
  readonly hasPrevious = input.required<boolean>();
  readonly hasNext = input.required<boolean>();
  readonly previous = output();
  readonly next = output();
  /** A pointer or the focus reached `Next page`: a click may follow. */
  readonly nextNear = output();
}

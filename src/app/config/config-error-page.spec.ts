import { TestBed } from '@angular/core/testing';
import { AppConfigError } from '../../../api/app-config';
import { CONFIG_ERROR, ConfigErrorPage } from './config-error-page';

function render(error: unknown): HTMLElement {
  TestBed.configureTestingModule({ providers: [{ provide: CONFIG_ERROR, useValue: error }] });
  const fixture = TestBed.createComponent(ConfigErrorPage);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('ConfigErrorPage', () => {
  it('explains what is wrong with config.json', () => {
    const page = render(
      new AppConfigError('config.json is not valid.', ['"api" must be an object.']),
    );
    expect(page.querySelector('h1')?.textContent).toContain('Secure Pets cannot start');
    expect(page.querySelector('[role="alert"]')?.textContent).toContain(
      'config.json is not valid.',
    );
    expect(page.querySelector('li')?.textContent).toContain('"api" must be an object.');
  });

  it('copes with an unexpected error', () => {
    const page = render(new Error('boom'));
    expect(page.querySelector('[role="alert"]')?.textContent).toContain('could not be read');
    expect(page.querySelector('ul')).toBeNull();
  });
});

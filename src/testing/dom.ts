// Queries by what a user (and a screen reader) perceives: roles, accessible names, labels.
export function accessibleName(element: Element): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    return labelledBy
      .split(' ')
      .map((id) => element.ownerDocument.getElementById(id)?.textContent?.trim() ?? '')
      .join(' ');
  }
  return (element.getAttribute('aria-label') ?? element.textContent ?? '')
    .trim()
    .replace(/\s+/g, ' ');
}

export function buttons(root: Element): HTMLButtonElement[] {
  return [...root.querySelectorAll('button')];
}

export function button(root: Element, name: string | RegExp): HTMLButtonElement | undefined {
  return buttons(root).find((b) => {
    const n = accessibleName(b);
    return typeof name === 'string' ? n === name : name.test(n);
  });
}

export function field(root: Element, label: string): HTMLInputElement | undefined {
  const l = [...root.querySelectorAll('label')].find((x) => x.textContent?.trim() === label);
  const id = l?.getAttribute('for');
  return id ? (root.querySelector(`#${id}`) as HTMLInputElement) : undefined;
}

export function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

export function byRole(root: Element, role: string): Element[] {
  const implicit: Record<string, string> = {
    list: 'ul',
    listitem: 'li',
    heading: 'h1,h2,h3',
    link: 'a[href]',
  };
  const selector = [`[role="${role}"]`, implicit[role]].filter(Boolean).join(',');
  return [...root.querySelectorAll(selector)];
}

export function text(element: Element | undefined | null): string {
  return (element?.textContent ?? '').trim().replace(/\s+/g, ' ');
}

/** Picks an option of a select, as a user does (a change event follows). */
export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

/** Presses Enter in a field: submits its form. */
export function submit(input: HTMLInputElement): void {
  input.form?.requestSubmit();
}

import type { Pet } from '../../../api/pet';
import type { PetPage } from '../api/pets-api';
import { CursorPages, READ_AHEAD_MS } from './cursor-pages';

const pet = (id: number): Pet => ({ id, type: 'dog', price: 10, isSold: false });

/**
 * Pages of two pets over ids 1…`last`, each page's cursor the id it starts at; every
 * load is recorded, and `fail` makes the next loads of a cursor fail.
 */
class MemoryPages extends CursorPages {
  readonly loads: (string | undefined)[] = [];
  readonly fail = new Set<string>();
  /** What the pages hold now: a later load sees a change. */
  label = 'dog';

  constructor(private readonly last: number) {
    super();
  }

  first(): Promise<boolean> {
    return this.start();
  }

  protected async load(cursor: string | undefined): Promise<PetPage> {
    this.loads.push(cursor);
    const type = this.label;
    await Promise.resolve();
    if (cursor !== undefined && this.fail.has(cursor)) throw new Error(`no page at ${cursor}`);
    const from = Number(cursor ?? 1);
    const ids = [from, from + 1].filter((id) => id <= this.last);
    return {
      pets: ids.map((id) => ({ ...pet(id), type })),
      next: from + 2 <= this.last ? String(from + 2) : undefined,
      etag: null,
    };
  }
}

const ids = (pages: CursorPages) => pages.pets().map((p) => p.id);

describe('CursorPages reading ahead', () => {
  afterEach(() => jasmine.clock().uninstall());

  it('costs a visitor who stays on page 1 one request', async () => {
    const pages = new MemoryPages(10);
    await pages.first();
    await Promise.resolve();
    expect(pages.loads).toEqual([undefined]);
  });

  it('once the user pages, asks for the page after before its click, and the click shows it', async () => {
    const pages = new MemoryPages(10);
    await pages.first();
    expect(await pages.next()).toBeTrue();
    expect(ids(pages)).toEqual([3, 4]);
    expect(pages.loads).toEqual([undefined, '3', '5']);

    expect(await pages.next()).toBeTrue();
    expect(ids(pages)).toEqual([5, 6]);
    expect(pages.pageNumber()).toBe(3);
    // Page 3 came from the read ahead; only page 4 was asked for since.
    expect(pages.loads).toEqual([undefined, '3', '5', '7']);
  });

  it('reads the next page ahead when a pointer or the focus reaches Next page, once', async () => {
    const pages = new MemoryPages(10);
    await pages.first();
    pages.nextNear();
    pages.nextNear();
    expect(pages.loads).toEqual([undefined, '3']);
    expect(await pages.next()).toBeTrue();
    expect(ids(pages)).toEqual([3, 4]);
    expect(pages.loads).toEqual([undefined, '3', '5']);
  });

  it('reads nothing ahead on the last page', async () => {
    const pages = new MemoryPages(4);
    await pages.first();
    await pages.next();
    pages.nextNear();
    expect(pages.hasNext()).toBeFalse();
    expect(pages.loads).toEqual([undefined, '3']);
  });

  it('loads the page again when the one read ahead is older than a CDN would serve it', async () => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(2026, 0, 1));
    const pages = new MemoryPages(10);
    await pages.first();
    pages.nextNear();
    pages.label = 'cat';
    jasmine.clock().tick(READ_AHEAD_MS + 1);
    expect(await pages.next()).toBeTrue();
    expect(pages.pets().map((p) => p.type)).toEqual(['cat', 'cat']);
    expect(pages.loads.filter((c) => c === '3').length).toBe(2);
  });

  it('loads the page when its read ahead failed, and shows why when that fails too', async () => {
    const pages = new MemoryPages(10);
    await pages.first();
    pages.fail.add('3');
    pages.nextNear();
    await expectAsync(pages.next()).toBeRejectedWithError('no page at 3');
    expect(ids(pages)).toEqual([1, 2]);
    expect(pages.loads).toEqual([undefined, '3', '3']);

    pages.fail.clear();
    expect(await pages.next()).toBeTrue();
    expect(ids(pages)).toEqual([3, 4]);
  });

  for (const [change, act] of [
    ['a purchase shown on the page', (p: MemoryPages) => p.replace({ ...pet(3), isSold: true })],
    ['a removal', (p: MemoryPages) => p.drop(3)],
    ['a reload', (p: MemoryPages) => p.reload()],
  ] as const) {
    it(`drops the page read ahead after ${change}: the next one is read again`, async () => {
      const pages = new MemoryPages(10);
      await pages.first();
      await pages.next();
      pages.label = 'cat';
      await act(pages);
      expect(await pages.next()).toBeTrue();
      expect(pages.pets().map((p) => p.type)).toEqual(['cat', 'cat']);
    });
  }

  it('drops the page read ahead when the user goes back, and reads ahead again from there', async () => {
    const pages = new MemoryPages(10);
    await pages.first();
    await pages.next();
    expect(await pages.previous()).toBeTrue();
    pages.label = 'cat';
    expect(await pages.next()).toBeTrue();
    expect(pages.pets().map((p) => p.type)).toEqual(['cat', 'cat']);
    expect(pages.loads.at(-1)).toBe('5');
  });
});

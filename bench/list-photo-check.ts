// What a browser shows of the store front's photos, checked in Chromium (Playwright)
// before Lighthouse measures the page: every row of the list has its photo, each
// `<img>` reserves its box (width and height) and waits for the scroll below the fold
// (`loading="lazy"`), and each one decodes once scrolled to (naturalWidth > 0). A
// page whose photos do not show is not measured. It also reports what Lighthouse's
// figures depend on: which rows start in the first screen, which srcset candidate the
// browser picked and the box each image is drawn in.
import { chromium } from '@playwright/test';

/** Lighthouse's default mobile emulation (moto g power) and its desktop preset. */
const screens = {
  mobile: { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true },
  desktop: { viewport: { width: 1350, height: 940 }, deviceScaleFactor: 1, isMobile: false },
} as const;

export interface ListPhotos {
  screen: keyof typeof screens;
  rows: number;
  /** Rows with an `<img>` (the others show the empty box). */
  photos: number;
  /** Images with both width and height attributes. */
  sized: number;
  /** Images with `loading="lazy"`, and of those, the ones whose row starts in the first screen. */
  lazy: number;
  lazyAboveFold: number;
  /** Images whose row starts below the first screen but are `loading="eager"`. */
  eagerBelowFold: number;
  /** Rows that start in the first screen. */
  aboveFold: number;
  /** Images decoded before any scroll, once the page's network is idle. */
  loadedBeforeScroll: number;
  /** Images decoded once the list has been scrolled through. */
  loaded: number;
  /** The width of the srcset candidate the browser picked, by how many images picked it. */
  picked: Record<string, number>;
  /** The images' rendered boxes in CSS pixels ("64x48"), by how many images have each. */
  boxes: Record<string, number>;
}

interface Row {
  top: number;
  img?: { width: string | null; height: string | null; loading: string | null };
  naturalWidth: number;
  currentSrc: string;
  box: string;
}

/** Opens `url` as Lighthouse's `screen` would and reads the list's photos. */
export async function listPhotos(
  url: string,
  chromePath: string,
  screen: keyof typeof screens,
): Promise<ListPhotos> {
  const browser = await chromium.launch({ executablePath: chromePath });
  try {
    const page = await browser.newPage(screens[screen]);
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.locator('ul.pets > li').first().waitFor();
    const read = () =>
      page.$$eval('ul.pets > li', (items) =>
        items.map((li): Row => {
          const img = li.querySelector('img');
          return {
            top: li.getBoundingClientRect().top + window.scrollY,
            ...(img && {
              img: {
                width: img.getAttribute('width'),
                height: img.getAttribute('height'),
                loading: img.getAttribute('loading'),
              },
            }),
            naturalWidth: img?.naturalWidth ?? 0,
            currentSrc: img?.currentSrc ?? '',
            box: img ? `${img.offsetWidth}x${img.offsetHeight}` : '',
          };
        }),
      );
    const before = await read();
    for (let y = 0; y < (await page.evaluate(() => document.body.scrollHeight)); y += 400) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await page.waitForTimeout(50);
    }
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('ul.pets img')).every(
        (img) => img.complete,
      ),
    );
    const after = await read();
    const fold = screens[screen].viewport.height;
    const images = before.filter((row) => row.img);
    const picked: Record<string, number> = {};
    const boxes: Record<string, number> = {};
    for (const row of after) {
      const width = /-(\d+)\.webp$/.exec(row.currentSrc)?.[1];
      if (width) picked[width] = (picked[width] ?? 0) + 1;
      if (row.box) boxes[row.box] = (boxes[row.box] ?? 0) + 1;
    }
    return {
      screen,
      rows: before.length,
      photos: images.length,
      sized: images.filter((row) => row.img?.width && row.img.height).length,
      lazy: images.filter((row) => row.img?.loading === 'lazy').length,
      lazyAboveFold: images.filter((row) => row.img?.loading === 'lazy' && row.top < fold).length,
      eagerBelowFold: images.filter((row) => row.img?.loading !== 'lazy' && row.top >= fold).length,
      aboveFold: before.filter((row) => row.top < fold).length,
      loadedBeforeScroll: before.filter((row) => row.naturalWidth > 0).length,
      loaded: after.filter((row) => row.naturalWidth > 0).length,
      picked,
      boxes,
    };
  } finally {
    await browser.close();
  }
}

/** Throws unless every one of `expectedRows` rows shows a sized photo. */
export function assertAllShown(seen: ListPhotos, expectedRows: number): void {
  const problems = [
    seen.rows !== expectedRows && `${seen.rows} rows, not ${expectedRows}`,
    seen.photos !== seen.rows && `${seen.rows - seen.photos} rows without an <img>`,
    seen.sized !== seen.photos && `${seen.photos - seen.sized} images without width/height`,
    seen.loaded !== seen.photos && `${seen.photos - seen.loaded} images not shown`,
  ].filter(Boolean);
  if (problems.length) {
    throw new Error(`the store front's photos (${seen.screen}): ${problems.join(', ')}`);
  }
}

import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { photoRejections } from '../../../api/photos';
import { button, byRole, text } from '../../testing/dom';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { PetPage } from './pet-page';
import { PROCESSING_POLL_MS } from './photo-upload';

/** What the fake S3 does with a post: its status and body, and what processing then does. */
interface S3Behaviour {
  status: number;
  body: string;
  afterUpload?: (key: string) => void;
}

/** S3 behind XMLHttpRequest: reports progress, then answers as `s3` says. */
let s3: S3Behaviour;
const posts: { url: string; names: string[] }[] = [];
class FakeXhr {
  status = 0;
  responseText = '';
  private url = '';
  private readonly listeners = new Map<string, () => void>();
  private readonly uploadListeners = new Map<string, (e: ProgressEvent) => void>();
  readonly upload = {
    addEventListener: (type: string, fn: (e: ProgressEvent) => void) =>
      this.uploadListeners.set(type, fn),
  };
  addEventListener(type: string, fn: () => void) {
    this.listeners.set(type, fn);
  }
  open(_method: string, url: string) {
    this.url = url;
  }
  send(body: FormData) {
    const names = [...body.keys()];
    posts.push({ url: this.url, names });
    setTimeout(() => {
      const progress = this.uploadListeners.get('progress');
      progress?.(new ProgressEvent('progress', { lengthComputable: true, loaded: 50, total: 100 }));
      this.status = s3.status;
      this.responseText = s3.body;
      if (s3.status === 204) s3.afterUpload?.(String(body.get('key')));
      this.listeners.get('load')?.();
    });
  }
}

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

describe('PhotoUpload on the pet page', () => {
  let f: ReturnType<typeof fakes>;
  let fixture: ComponentFixture<PetPage>;
  let page: HTMLElement;
  const realXhr = window.XMLHttpRequest;

  async function render(token: string) {
    signIn(f.storage, token);
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([]),
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { paramMap: convertToParamMap({ id: '1' }) } },
        },
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
  /** Until the page says something in `role` (processing polls every PROCESSING_POLL_MS). */
  async function until(role: 'status' | 'alert', pattern: RegExp) {
    for (let i = 0; i < 40; i++) {
      await stable();
      if (byRole(page, role).some((e) => pattern.test(text(e)))) return;
      await new Promise((r) => setTimeout(r, PROCESSING_POLL_MS / 2));
    }
  }
  function choose(file: File) {
    const input = page.querySelector<HTMLInputElement>('input[type="file"]')!;
    const files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    input.dispatchEvent(new Event('change'));
  }
  const jpeg = () =>
    new File([new Uint8Array([0xff, 0xd8, 0xff])], 'pet.jpg', { type: 'image/jpeg' });
  const admin = idToken('auth0|a', 'admin@example.com');
  const buyer = idToken('amazon|b', 'buyer@example.com');
  const photo = {
    url: '/photos/1/abc-1280.webp',
    width: 1280,
    height: 960,
    srcset: '/photos/1/abc-320.webp 320w, /photos/1/abc-1280.webp 1280w',
  };

  beforeEach(() => {
    f = fakes();
    posts.length = 0;
    window.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
  });
  afterEach(() => (window.XMLHttpRequest = realXhr));

  it('gives an admin a Photo input for the four photo types and an Upload photo button', async () => {
    await render(admin);
    const input = page.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(text(page.querySelector(`label[for="${input.id}"]`))).toBe('Photo');
    expect(input.accept).toBe('image/jpeg,image/png,image/webp,image/avif');
    expect(button(page, 'Upload photo')).toBeDefined();
  });

  it('gives a buyer neither', async () => {
    await render(buyer);
    expect(page.querySelector('input[type="file"]')).toBeNull();
    expect(button(page, 'Upload photo')).toBeUndefined();
  });

  it('posts the form to S3, fields first and the file last, then shows the processed photo', async () => {
    s3 = {
      status: 204,
      body: '',
      afterUpload: () => (f.apig.pets.find((p) => p.id === 1)!.photo = photo),
    };
    await render(admin);
    choose(jpeg());
    button(page, 'Upload photo')!.click();
    await until('status', /Photo updated/);
    expect(byRole(page, 'status').map(text)).toContain('Photo updated.');
    expect(posts).toEqual([
      { url: 'https://photos.s3.test/', names: ['key', 'Content-Type', 'file'] },
    ]);
    expect(f.apig.callsOf('POST', '/test/pets/1/photo').length).toBe(1);
    const img = page.querySelector<HTMLImageElement>('img.pet-photo')!;
    expect(img.alt).toBe('Photo of the dog');
    expect(img.getAttribute('src')).toBe(photo.url);
    expect(img.getAttribute('srcset')).toBe(photo.srcset);
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['1280', '960']);
    expect(img.decoding).toBe('async');
  });

  it("shows processPhoto's reason for this upload, and keeps the placeholder", async () => {
    s3 = {
      status: 204,
      body: '',
      afterUpload: (key) =>
        (f.apig.photoErrors = new Map([
          [1, { key, reason: photoRejections.notAnImage, at: 'now' }],
        ])),
    };
    await render(admin);
    choose(jpeg());
    button(page, 'Upload photo')!.click();
    await until('alert', /not a JPEG/);
    expect(byRole(page, 'alert').map(text)).toEqual([photoRejections.notAnImage]);
    expect(page.querySelector('img')).toBeNull();
  });

  it("puts S3's EntityTooLarge and an expired policy in words, in an alert", async () => {
    await render(admin);
    s3 = {
      status: 400,
      body: s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'),
    };
    choose(jpeg());
    button(page, 'Upload photo')!.click();
    await until('alert', /10 MB/);
    expect(byRole(page, 'alert').map(text)).toEqual([
      'The photo is larger than 10 MB. Choose a smaller one.',
    ]);
    s3 = {
      status: 403,
      body: s3Error('AccessDenied', 'Invalid according to Policy: Policy expired.'),
    };
    button(page, 'Upload photo')!.click();
    await until('alert', /expired/);
    expect(byRole(page, 'alert').map(text)).toEqual([
      'The upload took too long and its permission expired. Please try again.',
    ]);
  });

  it('asks nothing for a file that is not a photo type, and says what to choose', async () => {
    await render(admin);
    choose(new File(['<svg/>'], 'x.svg', { type: 'image/svg+xml' }));
    button(page, 'Upload photo')!.click();
    await stable();
    expect(byRole(page, 'alert').map(text)).toEqual(['Choose a JPEG, PNG, WebP or AVIF image.']);
    expect(f.apig.callsOf('POST', '/test/pets/1/photo')).toEqual([]);
    expect(posts).toEqual([]);
  });
});

// The photo bench's upload: a 12-megapixel picture that compresses as a camera's photo
// does, made with sharp from a seeded generator (no downloads, the same bytes every
// run). A real photo has detail at every scale (fur, grass, leaves, out-of-focus
// shapes) and sensor noise on top; a smooth test picture would flatter the encoder
// most at the small sizes, where its grain averages away.
import sharp from 'sharp';

/** mulberry32: a small seeded generator, so every run measures the same picture. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The scene's large shapes: a sky-to-ground gradient, a pet-sized blob, a lamp. */
function scene(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs>
        <linearGradient id="g" x1="0" y1="0" x2="0.3" y2="1">
          <stop offset="0" stop-color="#8fa9c4"/><stop offset="0.55" stop-color="#c9b49a"/>
          <stop offset="1" stop-color="#5d6b3a"/>
        </linearGradient>
        <radialGradient id="fur"><stop offset="0" stop-color="#a07040"/>
          <stop offset="1" stop-color="#5a3a1c"/></radialGradient>
      </defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <ellipse cx="${width * 0.42}" cy="${height * 0.58}" rx="${width * 0.24}" ry="${height * 0.27}" fill="url(#fur)"/>
      <circle cx="${width * 0.55}" cy="${height * 0.36}" r="${height * 0.14}" fill="#7a5230"/>
      <ellipse cx="${width * 0.82}" cy="${height * 0.2}" rx="${width * 0.07}" ry="${height * 0.11}" fill="#f2e6d0"/>
      <rect x="0" y="${height * 0.8}" width="${width}" height="${height * 0.2}" fill="#4a5a2a" opacity="0.6"/>
    </svg>`,
  );
}

/**
 * Texture at every scale, as one grey channel centred on 128: for each octave, noise
 * on a grid of `cell`-pixel cells, enlarged smoothly to the full size, its amplitude
 * falling with the cell (about 1/f, as natural images are).
 */
async function texture(width: number, height: number, next: () => number): Promise<Float32Array> {
  const sum = new Float32Array(width * height);
  const octaves = [
    { cell: 256, amplitude: 22 },
    { cell: 64, amplitude: 16 },
    { cell: 16, amplitude: 12 },
    { cell: 4, amplitude: 9 },
    // Fur and grass: the fine detail that makes most of a camera JPEG's bytes.
    { cell: 2, amplitude: 18 },
  ];
  for (const { cell, amplitude } of octaves) {
    const w = Math.ceil(width / cell);
    const h = Math.ceil(height / cell);
    const grid = Buffer.alloc(w * h);
    for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(next() * 256);
    const big = await sharp(grid, { raw: { width: w, height: h, channels: 1 } })
      .resize(width, height, { kernel: 'cubic' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    const scale = amplitude / 128;
    for (let i = 0; i < sum.length; i++) sum[i]! += (big[i]! - 128) * scale;
  }
  return sum;
}

/** Brightness grain on top of the texture: a phone's, indoors, after its denoising. */
const grain = 26;

/**
 * A camera's 12 MP JPEG (4000×3000) at quality 90, what a phone saves: about 5 MB,
 * 4:2:0 chroma as phones write it.
 */
export async function cameraJpeg(width = 4000, height = 3000): Promise<Buffer> {
  const next = random(12);
  // Out of focus: soft edges, as a lens at a pet's distance leaves the background.
  const base = await sharp(scene(width, height))
    .removeAlpha()
    .blur(width / 400)
    .raw()
    .toBuffer();
  const detail = await texture(width, height, next);
  const pixels = Buffer.alloc(width * height * 3);
  for (let p = 0, i = 0; p < detail.length; p++) {
    // Texture and grain are brightness: they move the three channels together.
    const shared = detail[p]! + (next() + next() - 1) * grain;
    for (let c = 0; c < 3; c++, i++) {
      const v = base[i]! + shared;
      pixels[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

// Images made with sharp for the photo tests: what an admin might upload, and what an
// attacker might. (The photo bench makes its camera-like upload itself,
// bench/camera-photo.ts.)
import sharp, { type Sharp } from 'sharp';

/**
 * A photo-like picture: smooth shapes with fine grain, so an encoder has real work at
 * full size (flat colour would flatter it, pure noise defeat it). The grain averages
 * away when the picture is made small, so its small web images are far lighter than a
 * camera photo's.
 */
export async function photoLike(width: number, height: number): Promise<Sharp> {
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .blur(1.2)
    .png({ compressionLevel: 0 })
    .toBuffer();
  const shapes = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#6a8caf"/><stop offset="1" stop-color="#d9b38c"/>
      </linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <circle cx="${width * 0.4}" cy="${height * 0.55}" r="${height * 0.3}" fill="#7a5230"/>
      <ellipse cx="${width * 0.7}" cy="${height * 0.3}" rx="${width * 0.12}" ry="${height * 0.2}" fill="#f2e6d0"/>
    </svg>`,
  );
  return sharp(shapes).composite([{ input: grain, blend: 'soft-light' }]);
}

/** A JPEG from a phone: EXIF with GPS and a camera make, orientation 6 (turned), XMP and ICC. */
export async function phoneJpeg(width = 400, height = 300): Promise<Buffer> {
  const jpeg = await (
    await photoLike(width, height)
  )
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'PetCam', Model: 'Secret Model' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Secret Owner</dc:creator>' +
        '</rdf:Description></rdf:RDF></x:xmpmeta>',
    )
    .withIccProfile('p3')
    .toBuffer();
  return withJpegComment(jpeg, 'Secret comment: 12 Hidden Lane');
}

/** A JPEG with a COM segment right after its SOI marker. */
function withJpegComment(jpeg: Buffer, text: string): Buffer {
  const comment = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + comment.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(comment.length + 2, 2);
  comment.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** A 50-megapixel PNG of one colour: a few kB on disk, 150 MB once decoded. */
export function pixelBomb(): Promise<Buffer> {
  return sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: '#888' } })
    .png({ palette: true, colours: 2, compressionLevel: 9 })
    .toBuffer();
}

/** A JPEG cut in half, as an interrupted upload leaves it. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await (await photoLike(800, 600)).jpeg({ quality: 90 }).toBuffer();
  return whole.subarray(0, Math.floor(whole.length / 2));
}

export const svgImage = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);

export const textFile = Buffer.from('Not a picture at all, whatever the form said.\n');

/**
 * Fuzz target "images": PNG and JPEG files — valid ones, mutated, truncated, with huge declared
 * dimensions (checksums fixed, so the decoder believes them) and decompression bombs — through
 * decodeImage with the default limits. A decoded image must be whole and within the limits.
 */
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { decodeImage } from '../../src/sources/image.js';
import { check } from './outcome.js';
import type { Rng } from './rng.js';
import type { FuzzCase } from './target.js';

const MAX_PIXELS = 50_000_000;

let corpus: { png: Buffer[]; jpeg: Buffer[] } | undefined;

function pixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7)) & 255;
  return data;
}

/** A few valid files of each kind, made once. */
function base(): { png: Buffer[]; jpeg: Buffer[] } {
  if (corpus) return corpus;
  const png: Buffer[] = [];
  for (const [w, h] of [[1, 1], [3, 2], [17, 9], [64, 48]] as const) {
    for (const colorType of [0, 2, 4, 6] as const) {
      const image = new pngjs.PNG({ width: w, height: h });
      pixels(w, h).copy(image.data);
      png.push(pngjs.PNG.sync.write(image, { colorType }));
    }
  }
  const jpg: Buffer[] = [];
  for (const [w, h] of [[1, 1], [16, 16], [33, 17], [64, 48]] as const) {
    for (const q of [10, 75, 100]) jpg.push(Buffer.from(jpeg.encode({ width: w, height: h, data: pixels(w, h) }, q).data));
  }
  return (corpus = { png, jpeg: jpg });
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(data: Uint8Array): number {
  let c = -1;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 255]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
  return Buffer.concat([head, body, crc]);
}

/** A PNG that declares width × height RGBA and holds zeros for all of it (a bomb when large); valid checksums. */
function pngOf(width: number, height: number, rows = height): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  // Fewer rows than declared (and at most 1 MiB where the declared size is absurd): a truncated image stream.
  const want = Math.min(rows, height) * (1 + width * 4);
  const raw = Buffer.alloc(want <= 256 * 1048576 ? want : 1 << 20);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Sets a JPEG's declared size (the first SOFn marker's fields). */
function jpegSized(data: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(data);
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      break;
    }
  }
  return out;
}

function mutate(rng: Rng, data: Buffer): Buffer {
  const out = Buffer.from(data);
  const edits = rng.range(1, 12);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(out.length);
    switch (rng.int(4)) {
      case 0: out[at] ^= 1 << rng.int(8); break;
      case 1: out[at] = rng.pick([0, 1, 0x7f, 0x80, 0xfe, 0xff]); break;
      case 2: out[at] = rng.int(256); break;
      default: if (at + 4 <= out.length) out.writeUInt32BE(rng.pick([0, 1, 0x7fffffff, 0xffffffff, rng.int(2 ** 32)]), at);
    }
  }
  return out;
}

export function imageCase(rng: Rng): FuzzCase {
  const { png, jpeg: jpg } = base();
  let data: Buffer;
  let declared = 0; // pixels the file claims, where a case makes it so; 0: small (under 1 MP)
  switch (rng.int(9)) {
    case 0: case 1: data = mutate(rng, rng.pick(png)); break;
    case 2: case 3: data = mutate(rng, rng.pick(jpg)); break;
    case 4: { const file = rng.pick([...png, ...jpg]); data = file.subarray(0, rng.int(file.length + 1)); break; }
    case 5: { // huge declared dimensions, checksums fixed
      const [w, h] = [rng.pick([0, 1, 7000, 65535, 100_000, 2 ** 31 - 1]), rng.pick([0, 1, 7000, 65535, 100_000, 2 ** 31 - 1])];
      data = pngOf(w, h, 1);
      declared = w * h;
      break;
    }
    case 6: { const w = rng.pick([0, 1, 8000, 65535]), h = rng.pick([0, 1, 8000, 65535]); data = jpegSized(rng.pick(jpg), w, h); declared = w * h; break; }
    case 7: { // a decompression bomb: a few megapixels of zeros in a few kilobytes (rarely: near the limit)
      const side = rng.chance(0.02) ? 7000 : rng.pick([600, 1200, 2000]);
      data = pngOf(side, side);
      declared = side * side;
      break;
    }
    default: data = Buffer.from(rng.bytes(rng.int(64))); // not an image at all
  }
  return {
    describe: `${data.length}-byte ${data[0] === 0x89 ? 'PNG' : data[0] === 0xff ? 'JPEG' : 'file'}${declared ? ` declaring ${declared} pixels` : ''}`,
    small: declared < 1_000_000,
    input: data,
    run() {
      const image = decodeImage(data, 'fuzz');
      check(image.width > 0 && image.height > 0 && image.width * image.height <= MAX_PIXELS, `decoded ${image.width}×${image.height}, outside the limits`);
      check(image.rgba.length === image.width * image.height * 4, `decoded ${image.rgba.length} bytes for ${image.width}×${image.height}`);
    },
  };
}

/**
 * PNG and JPEG decoding with explicit limits, so a hostile or broken file gets a clear error instead
 * of an out-of-memory: file size, pixel count (read from the header before decoding), and jpeg-js's
 * own resolution and memory caps.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type JpegJs from 'jpeg-js';
import type PngJs from 'pngjs';
import { LoopcamError } from '../errors.js';
import { fileError } from '../os-errors.js';

// The decoders load on the first image (≈40 ms of start-up otherwise); both are CommonJS, so a
// synchronous require keeps decodeImage() synchronous.
const require = createRequire(import.meta.url);
let decoders: { png: typeof PngJs; jpeg: typeof JpegJs } | undefined;
const load = () => (decoders ??= { png: require('pngjs') as typeof PngJs, jpeg: require('jpeg-js') as typeof JpegJs });

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, rows packed. */
  rgba: Uint8Array;
}

export interface ImageLimits {
  /** Largest file accepted, bytes (default 64 MiB). */
  maxBytes?: number;
  /** Largest image accepted, pixels (default 50 megapixels). */
  maxPixels?: number;
}

const DEFAULTS = { maxBytes: 64 * 1024 * 1024, maxPixels: 50_000_000 };
/**
 * What jpeg-js counts against its memory cap per pixel in the worst case it decodes (four components at
 * full resolution, CMYK): 16 bytes of coefficient blocks (a 256-byte Int32Array per 8×8 block per
 * component), 4 of decoded component planes, 4 of its interleaved output and 4 of RGBA. So an image
 * within `maxPixels` is never refused for memory (a 4:2:0 YCbCr JPEG counts ≈ 13 per pixel).
 */
const JPEG_BYTES_PER_PIXEL = 28;
/** The longest side accepted (JPEG cannot say more; a PNG may, but nothing shows it). */
const MAX_SIDE = 65535;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function tooLarge(name: string, what: string, limit: string): LoopcamError {
  return new LoopcamError('IMAGE_TOO_LARGE', `${name} is ${what}, more than loopcam accepts (${limit}): scale it down first`);
}

/** Decodes PNG or JPEG bytes; `name` is for messages. */
export function decodeImage(bytes: Uint8Array, name = 'image', limits: ImageLimits = {}): DecodedImage {
  const { maxBytes, maxPixels } = { ...DEFAULTS, ...limits };
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length > maxBytes) throw tooLarge(name, `${data.length} bytes`, `${maxBytes} bytes`);
  if (data.subarray(0, 8).equals(PNG_MAGIC)) {
    // IHDR is the first chunk: width and height at bytes 16 and 20, checked before any decoding.
    if (data.length < 24) throw new LoopcamError('BAD_IMAGE', `${name} is a truncated PNG (${data.length} bytes)`);
    const width = data.readUInt32BE(16);
    const height = data.readUInt32BE(20);
    // A zero side is invalid PNG (and a decoder would walk its rows forever); a side past JPEG's own
    // maximum is no picture loopcam can show.
    if (width === 0 || height === 0) throw new LoopcamError('BAD_IMAGE', `${name} declares a ${width}×${height} PNG: not a valid image`);
    if (width > MAX_SIDE || height > MAX_SIDE) throw tooLarge(name, `${width}×${height}`, `${MAX_SIDE} pixels a side`);
    if (width * height > maxPixels) throw tooLarge(name, `${width}×${height}`, `${maxPixels} pixels`);
    try {
      const png = load().png.PNG.sync.read(data);
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    } catch (cause) {
      throw new LoopcamError('BAD_IMAGE', `${name} is not a readable PNG: ${(cause as Error).message}`, { cause });
    }
  }
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    try {
      const img = load().jpeg.decode(data, {
        useTArray: true, formatAsRGBA: true, tolerantDecoding: false,
        maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.ceil((maxPixels * JPEG_BYTES_PER_PIXEL) / 1048576) + 64,
      });
      return { width: img.width, height: img.height, rgba: img.data };
    } catch (cause) {
      const message = (cause as Error).message;
      if (/maxResolutionInMP|maxMemoryUsageInMB|memory/i.test(message)) throw tooLarge(name, 'too large', `${maxPixels} pixels`);
      throw new LoopcamError('BAD_IMAGE', `${name} is not a readable JPEG: ${message}`, { cause });
    }
  }
  throw new LoopcamError('BAD_IMAGE', `${name} is neither PNG nor JPEG (loopcam reads those two; convert others first)`);
}

/** Reads and decodes an image file, checking its size before reading it. */
export function readImage(path: string, limits: ImageLimits = {}): DecodedImage {
  const maxBytes = limits.maxBytes ?? DEFAULTS.maxBytes;
  let size: number;
  let data: Buffer;
  try {
    size = statSync(path).size;
    if (size > maxBytes) throw tooLarge(path, `${size} bytes`, `${maxBytes} bytes`);
    data = readFileSync(path);
  } catch (cause) {
    if (cause instanceof LoopcamError) throw cause;
    throw fileError(path, `cannot read the image ${path}`, cause);
  }
  return decodeImage(data, path, limits);
}

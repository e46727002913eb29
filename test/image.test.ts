// Image sources: PNG and JPEG decoding with limits, and fitting resampled in WASM, at known pixels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConverter, decodeImage, LoopcamError, readImage, type DecodedImage } from '../src/index.js';
import { fitRects } from '../src/sources/fit.js';

function png(width: number, height: number, pixel: (x: number, y: number) => number[]): Buffer {
  const image = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set(pixel(x, y), (y * width + x) * 4);
  return pngjs.PNG.sync.write(image);
}

const fails = (fn: () => unknown, code: string, pattern: RegExp) =>
  assert.throws(fn, (e: LoopcamError) => e instanceof LoopcamError && e.code === code && pattern.test(e.message));

test('PNG decodes to RGBA with its exact pixels', () => {
  const img = decodeImage(png(3, 2, (x, y) => [x * 100, y * 200, 7, 255]), 'a.png');
  assert.equal([img.width, img.height, img.rgba.length], [3, 2, 24]);
  assert.equal([...img.rgba.subarray(20, 24)], [200, 200, 7, 255]);
});

test('JPEG decodes (a flat colour survives compression within a few levels)', () => {
  const data = new Uint8Array(16 * 16 * 4).fill(0).map((_, i) => (i % 4 === 0 ? 200 : i % 4 === 3 ? 255 : 40));
  const encoded = jpeg.encode({ width: 16, height: 16, data }, 95).data;
  const img = decodeImage(encoded, 'a.jpg');
  assert.equal([img.width, img.height], [16, 16]);
  assert.ok(Math.abs(img.rgba[0]! - 200) <= 3 && Math.abs(img.rgba[1]! - 40) <= 3);
});

test('limits and bad files: clear errors, no decoding of oversized images', () => {
  const big = png(2, 2, () => [0, 0, 0, 255]);
  big.writeUInt32BE(100000, 16); // IHDR claims 100000×2 (the CRC no longer matters: rejected before decoding)
  fails(() => decodeImage(big, 'huge.png', { maxPixels: 1000 }), 'IMAGE_TOO_LARGE', /huge\.png is 100000×2/);
  fails(() => decodeImage(png(4, 4, () => [0, 0, 0, 255]), 'x.png', { maxBytes: 10 }), 'IMAGE_TOO_LARGE', /bytes/);
  fails(() => decodeImage(png(4, 4, () => [0, 0, 0, 255]).subarray(0, 40), 'cut.png'), 'BAD_IMAGE', /cut\.png is not a readable PNG/);
  fails(() => decodeImage(Buffer.from('GIF89a...'), 'a.gif'), 'BAD_IMAGE', /neither PNG nor JPEG/);
  fails(() => decodeImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'bad.jpg'), 'BAD_IMAGE', /bad\.jpg is not a readable JPEG/);
});

test('fit rectangles: contain letterboxes, cover crops evenly, stretch fills', () => {
  assert.equal(fitRects('contain', 400, 300, 1280, 720), { src: { x: 0, y: 0, w: 400, h: 300 }, dst: { x: 160, y: 0, w: 960, h: 720 } });
  assert.equal(fitRects('cover', 400, 300, 1280, 720), { src: { x: 0, y: 37, w: 400, h: 225 }, dst: { x: 0, y: 0, w: 1280, h: 720 } });
  assert.equal(fitRects('stretch', 400, 300, 1280, 720).dst, { x: 0, y: 0, w: 1280, h: 720 });
});

const rgbAt = (rgb: Uint8Array, width: number, x: number, y: number) => [...rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
const image = (width: number, height: number, pixel: (x: number, y: number) => number[]): DecodedImage => {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgba.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, rgba };
};

test('shrinking averages the pixels each output pixel covers (area)', () => {
  const c = createConverter({ width: 2, height: 2, format: 'rgb24' });
  // 4×4: each 2×2 block has values 0, 40, 80, 120 → average 60.
  c.drawImage(image(4, 4, (x, y) => [(x % 2) * 40 + (y % 2) * 80, 10, 20, 255]), 'stretch');
  const rgb = c.convert();
  for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) assert.equal(rgbAt(rgb, 2, x, y), [60, 10, 20]);
});

test('enlarging is bilinear: a 2×1 black-white pair becomes a ramp; contain letterboxes with the background', () => {
  const c = createConverter({ width: 8, height: 4, format: 'rgb24' });
  c.drawImage(image(2, 1, (x) => [x * 255, x * 255, x * 255, 255]), 'stretch');
  const row = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => rgbAt(c.convert(), 8, x, 0)[0]!);
  assert.equal(row[0], 0);
  assert.equal(row[7], 255);
  for (let i = 1; i < 8; i++) assert.ok(row[i]! >= row[i - 1]!, `monotonic: ${row}`);
  // A square image in a 8×4 frame: 4×4 in the middle, bars of the background left and right.
  c.drawImage(image(2, 2, () => [200, 100, 50, 255]), 'contain', [0, 0, 255]);
  const rgb = c.convert();
  assert.equal(rgbAt(rgb, 8, 0, 1), [0, 0, 255]);
  assert.equal(rgbAt(rgb, 8, 3, 1), [200, 100, 50]);
  assert.equal(rgbAt(rgb, 8, 7, 1), [0, 0, 255]);
});

test('bad drawImage arguments', () => {
  const c = createConverter({ width: 8, height: 4 });
  assert.throws(() => c.drawImage({ width: 2, height: 2, rgba: new Uint8Array(3) }), TypeError);
  assert.throws(() => c.drawImage(image(2, 2, () => [0, 0, 0, 255]), 'zoom' as never), RangeError);
  assert.throws(() => createConverter({ width: 8, height: 4, input: 'rgb24' }).drawImage(image(2, 2, () => [0, 0, 0, 255])), RangeError);
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

(hasFfmpeg ? test : test.skip)(`a 49-megapixel JPEG, 4:4:4 (jpeg-js's costliest kind), decodes under the 50 MP limit${hasFfmpeg ? '' : ' — ffmpeg not installed (it makes the image)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-big-'));
  try {
    const file = join(dir, 'big.jpg');
    const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=8100x6050', '-frames:v', '1', '-pix_fmt', 'yuvj444p', '-q:v', '8', '-y', file]);
    assert.is(made.status, 0, made.stderr.toString());
    // In a process of its own: the decode leaves millions of small arrays behind, whose collection would
    // pause whatever test runs next in this one (≈ 10 s and 1.6 GB, see the README).
    const index = new URL('../src/index.js', import.meta.url).href;
    const decoded = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import { readImage } from ${JSON.stringify(index)}; const i = readImage(${JSON.stringify(file)}); console.log(JSON.stringify([i.width, i.height, i.rgba.length]));`]);
    assert.is(decoded.status, 0, decoded.stderr.toString());
    assert.equal(JSON.parse(decoded.stdout.toString()), [8100, 6050, 8100 * 6050 * 4]);
    // Just past the limit it is refused before decoding, with the limit named.
    fails(() => readImage(file, { maxPixels: 49_000_000 }), 'IMAGE_TOO_LARGE', /49000000 pixels/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exactYuv } from '../src/colour.js';
import { createConverter, type Matrix, type Range } from '../src/index.js';
import { fillNoise } from './helpers.js';

const ENGINES = ['js', 'wasm'] as const;

/** Y, U, V of one solid colour, through a real converter (a 2×2 I420 frame). */
function yuvOf(rgb: [number, number, number], matrix: Matrix, range: Range, engine: 'js' | 'wasm'): number[] {
  const c = createConverter({ width: 2, height: 2, input: 'rgb24', format: 'i420', matrix, range, engine });
  const out = c.convert(new Uint8Array([...rgb, ...rgb, ...rgb, ...rgb]));
  return [out[0]!, out[4]!, out[5]!];
}

// Published values (ITU-R BT.601 / BT.709 tables of the 75 %/100 % colour bars, 100 % here).
const KNOWN: [Matrix, Range, string, [number, number, number], number[]][] = [
  ['bt601', 'limited', 'white', [255, 255, 255], [235, 128, 128]],
  ['bt601', 'limited', 'black', [0, 0, 0], [16, 128, 128]],

  ['bt709', 'limited', 'white', [255, 255, 255], [235, 128, 128]],
  ['bt709', 'limited', 'black', [0, 0, 0], [16, 128, 128]],
  ['bt709', 'limited', 'red', [255, 0, 0], [63, 102, 240]],
  ['bt709', 'limited', 'green', [0, 255, 0], [173, 42, 26]],
  ['bt709', 'limited', 'blue', [0, 0, 255], [32, 240, 118]],
  ['bt601', 'full', 'white', [255, 255, 255], [255, 128, 128]],
  ['bt601', 'full', 'black', [0, 0, 0], [0, 128, 128]],
  ['bt601', 'full', 'red', [255, 0, 0], [76, 85, 255]],
  ['bt601', 'full', 'green', [0, 255, 0], [150, 44, 21]],
  ['bt601', 'full', 'blue', [0, 0, 255], [29, 255, 107]],
  ['bt709', 'full', 'white', [255, 255, 255], [255, 128, 128]],
  ['bt709', 'full', 'black', [0, 0, 0], [0, 128, 128]],
  ['bt709', 'full', 'red', [255, 0, 0], [54, 99, 255]],
  ['bt709', 'full', 'green', [0, 255, 0], [182, 30, 12]],
  ['bt709', 'full', 'blue', [0, 0, 255], [18, 255, 116]],
];

// libyuv's truncating 8-bit formula lands one below the published value in three samples (red V
// 239.6, green Y 144.99, blue U 239.6 before truncation); bit-exactness with libyuv wins, so these
// are held to libyuv's bytes and to ±1 of the published ones.
const LIBYUV_PRIMARIES: [string, [number, number, number], number[], number[]][] = [
  ['red', [255, 0, 0], [82, 90, 240], [82, 90, 239]],
  ['green', [0, 255, 0], [145, 54, 34], [144, 54, 34]],
  ['blue', [0, 0, 255], [41, 240, 110], [41, 239, 110]],
];
for (const [name, rgb, published, libyuv] of LIBYUV_PRIMARIES) {
  for (const engine of ENGINES) {
    test(`bt601 limited: ${name} → libyuv's Y U V ${libyuv.join(' ')}, within 1 of ${published.join(' ')} (${engine})`, () => {
      const yuv = yuvOf(rgb, 'bt601', 'limited', engine);
      assert.equal(yuv, libyuv);
      yuv.forEach((v, i) => assert.ok(Math.abs(v - published[i]!) <= 1));
    });
  }
}

for (const [matrix, range, name, rgb, expected] of KNOWN) {
  for (const engine of ENGINES) {
    test(`${matrix} ${range}: ${name} → Y U V ${expected.join(' ')} (${engine})`, () => {
      assert.equal(yuvOf(rgb, matrix, range, engine), expected);
    });
  }
}

test('every grey maps to chroma 128 in every matrix and range', () => {
  for (const matrix of ['bt601', 'bt709'] as const) for (const range of ['limited', 'full'] as const) {
    const c = createConverter({ width: 256, height: 1, input: 'gray', format: 'yuyv', matrix, range });
    const out = c.convert(Uint8Array.from({ length: 256 }, (_, i) => i));
    for (let i = 1; i < out.length; i += 2) assert.is(out[i], 128, `${matrix} ${range} byte ${i}`);
  }
});

test('gray in, gray out: identity in full range, 16..235 in limited', () => {
  const ramp = Uint8Array.from({ length: 256 }, (_, i) => i);
  const full = createConverter({ width: 256, height: 1, input: 'gray', format: 'gray', range: 'full' }).convert(ramp);
  assert.equal([...full], [...ramp]);
  const limited = createConverter({ width: 256, height: 1, input: 'gray', format: 'gray' }).convert(ramp);
  assert.equal([limited[0], limited[255]], [16, 235]);
});

// bt601 limited uses libyuv's 8-bit formula, truncated chroma, so it is held to that formula exactly
// (below); the three derived combinations are held to the exact value.
for (const [matrix, range] of [['bt709', 'limited'], ['bt601', 'full'], ['bt709', 'full']] as const) {
  test(`${matrix} ${range}: every sample within ±1 of the exact value (RGB grid, step 5)`, () => {
    const colours: number[] = [];
    for (let r = 0; r <= 255; r += 5) for (let g = 0; g <= 255; g += 5) for (let b = 0; b <= 255; b += 5) colours.push(r, g, b);
    const count = colours.length / 3;
    const width = 1024, height = Math.ceil(count / (width / 2));
    // Each colour twice in a row, so a YUYV pair's chroma is that colour's own.
    const pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < count; i++) {
      pixels.set(colours.slice(i * 3, i * 3 + 3), i * 6);
      pixels.set(colours.slice(i * 3, i * 3 + 3), i * 6 + 3);
    }
    const out = createConverter({ width, height, input: 'rgb24', format: 'yuyv', matrix, range }).convert(pixels);
    let worst = 0;
    for (let i = 0; i < count; i++) {
      const [y, u, v] = exactYuv(matrix, range, colours[i * 3]!, colours[i * 3 + 1]!, colours[i * 3 + 2]!);
      const clamp = (x: number) => Math.min(255, Math.max(0, x));
      worst = Math.max(worst, Math.abs(out[i * 4]! - clamp(y)), Math.abs(out[i * 4 + 1]! - clamp(u)), Math.abs(out[i * 4 + 3]! - clamp(v)));
    }
    assert.ok(worst <= 1, `largest error ${worst}`);
  });
}

// The libyuv formula, written out independently of src/colour.ts.
const Y = (r: number, g: number, b: number) => (66 * r + 129 * g + 25 * b + 0x1080) >> 8;
const U = (r: number, g: number, b: number) => (112 * b - 74 * g - 38 * r + 0x8000) >> 8;
const V = (r: number, g: number, b: number) => (112 * r - 94 * g - 18 * b + 0x8000) >> 8;
const avg = (a: number, b: number) => (a + b + 1) >> 1;

for (const engine of ENGINES) {
  test(`bt601 limited is bit-exact with libyuv's formula: YUYV and I420 from RGBA noise (${engine})`, () => {
    const w = 66, h = 10;
    const rgba = new Uint8Array(w * h * 4);
    fillNoise(rgba, 7);
    const px = (x: number, y: number, c: number) => rgba[(y * w + x) * 4 + c]!;
    const yuyv = createConverter({ width: w, height: h, format: 'yuyv', engine }).convert(rgba);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x += 2) {
      const o = (y * w + x) * 2;
      const [r, g, b] = [0, 1, 2].map((c) => avg(px(x, y, c), px(x + 1, y, c))) as [number, number, number];
      assert.equal([...yuyv.subarray(o, o + 4)],
        [Y(px(x, y, 0), px(x, y, 1), px(x, y, 2)), U(r, g, b), Y(px(x + 1, y, 0), px(x + 1, y, 1), px(x + 1, y, 2)), V(r, g, b)]);
    }
    const i420 = createConverter({ width: w, height: h, format: 'i420', engine }).convert(rgba);
    for (let y = 0; y < h; y += 2) for (let x = 0; x < w; x += 2) {
      const c = (ch: number) => avg(avg(px(x, y, ch), px(x, y + 1, ch)), avg(px(x + 1, y, ch), px(x + 1, y + 1, ch)));
      const i = (y / 2) * (w / 2) + x / 2;
      assert.is(i420[w * h + i], U(c(0), c(1), c(2)), `U at ${x},${y}`);
      assert.is(i420[w * h + (w * h) / 4 + i], V(c(0), c(1), c(2)), `V at ${x},${y}`);
      assert.is(i420[y * w + x], Y(px(x, y, 0), px(x, y, 1), px(x, y, 2)));
    }
  });
}

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, LoopcamError, type ConverterOptions } from '../src/index.js';
import { fillNoise, sameBytes } from './helpers.js';

/** Asserts that `fn` throws `type` with a message matching every pattern. */
function throwsWith(fn: () => unknown, type: typeof TypeError | typeof RangeError, ...patterns: RegExp[]): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, type, `expected a ${type.name}, got ${String(error)}`);
    for (const p of patterns) assert.match((error as Error).message, p);
    return;
  }
  assert.unreachable(`expected a ${type.name}`);
}

const ok: ConverterOptions = { width: 64, height: 32, input: 'rgba', format: 'yuyv' };

test('defaults: rgba in, yuyv out, bt601 limited, wasm', () => {
  const c = createConverter({ width: 64, height: 32 });
  assert.equal({ ...c.spec }, { width: 64, height: 32, input: 'rgba', format: 'yuyv', matrix: 'bt601', range: 'limited', inputStride: 256, mirror: false, flipY: false });
  assert.is(c.engine, 'wasm');
  assert.is(c.input.length, 64 * 32 * 4);
  assert.is(c.output.length, 64 * 32 * 2);
  assert.is(c.layout.bytesPerLine, 128);
});

test('convert() returns the output view itself: no copy, no allocation', () => {
  const c = createConverter(ok);
  fillNoise(c.input, 3);
  const out = c.convert();
  assert.ok(out === c.output);
  assert.ok(c.convert() === out);
});

test('convert(pixels) copies from Uint8Array, Uint8ClampedArray and Buffer alike', () => {
  const pixels = new Uint8Array(64 * 32 * 4);
  fillNoise(pixels, 5);
  const a = createConverter(ok);
  const first = Uint8Array.from(a.convert(pixels));
  sameBytes(a.convert(new Uint8ClampedArray(pixels)), first, 'clamped');
  sameBytes(a.convert(Buffer.from(pixels)), first, 'buffer');
  const b = createConverter(ok);
  b.input.set(pixels);
  sameBytes(b.convert(), first, 'written into input');
});

test('several converters live at once without disturbing each other', () => {
  const small = createConverter(ok);
  const view = small.input;
  fillNoise(view, 11);
  const before = Uint8Array.from(small.convert());
  // A much larger converter must not detach or overwrite the first one's views.
  const big = createConverter({ width: 1920, height: 1080, format: 'i420' });
  fillNoise(big.input, 12);
  big.convert();
  assert.is(view.length, 64 * 32 * 4, 'view still attached');
  assert.ok(view === small.input);
  sameBytes(small.convert(), before, 'small converter output');
});

test('dispose: later use is a LoopcamError DISPOSED', () => {
  const c = createConverter(ok);
  c.dispose();
  try {
    c.convert();
    assert.unreachable();
  } catch (error) {
    assert.instance(error, LoopcamError);
    assert.is((error as LoopcamError).code, 'DISPOSED');
  }
  c.dispose(); // twice is harmless
});

test('engine js gives the same bytes', () => {
  const pixels = new Uint8Array(64 * 32 * 4);
  fillNoise(pixels, 8);
  sameBytes(createConverter({ ...ok, engine: 'js' }).convert(pixels), createConverter(ok).convert(pixels), 'js vs wasm');
});

test('bad options: unknown names', () => {
  throwsWith(() => createConverter({ ...ok, format: 'yuv9' as never }), RangeError, /unknown format "yuv9"/, /yuyv, uyvy, i420/);
  throwsWith(() => createConverter({ ...ok, input: 'argb' as never }), RangeError, /unknown input "argb"/, /rgba, bgra/);
  throwsWith(() => createConverter({ ...ok, matrix: 'bt2020' as never }), RangeError, /matrix/, /bt601, bt709/);
  throwsWith(() => createConverter({ ...ok, range: 'tv' as never }), RangeError, /range/, /limited, full/);
  throwsWith(() => createConverter({ ...ok, engine: 'gpu' as never }), RangeError, /engine/, /wasm, js/);
  throwsWith(() => createConverter({ ...ok, format: 42 as never }), TypeError, /format must be a string/);
});

test('bad options: sizes', () => {
  throwsWith(() => createConverter({ ...ok, width: 0 }), RangeError, /width/, /1 to 16384/, /got 0/);
  throwsWith(() => createConverter({ ...ok, height: -2 }), RangeError, /height/, /got -2/);
  throwsWith(() => createConverter({ ...ok, width: 64.5 }), RangeError, /integer/);
  throwsWith(() => createConverter({ ...ok, width: 16386 }), RangeError, /16384/);
  throwsWith(() => createConverter({ ...ok, width: '640' as never }), TypeError, /width must be a number/, /"640"/);
  throwsWith(() => createConverter({ ...ok, height: undefined as never }), TypeError, /height/);
  throwsWith(() => createConverter(undefined as never), TypeError, /options must be an object/);
});

test('bad options: odd sizes for subsampled formats', () => {
  throwsWith(() => createConverter({ ...ok, width: 63 }), RangeError, /width 63 is odd/, /yuyv \(4:2:2\)/, /62 or 64/);
  throwsWith(() => createConverter({ ...ok, width: 63, format: 'nv12' }), RangeError, /4:2:0/);
  throwsWith(() => createConverter({ ...ok, height: 31, format: 'i420' }), RangeError, /height 31 is odd/, /i420 \(4:2:0\)/);
  // 4:2:2 and unsubsampled formats accept odd heights; RGB and gray accept odd widths.
  createConverter({ ...ok, height: 31 });
  createConverter({ ...ok, width: 63, height: 31, format: 'gray' });
  createConverter({ ...ok, width: 63, height: 31, format: 'rgb24' });
});

test('bad options: stride', () => {
  throwsWith(() => createConverter({ ...ok, inputStride: 100 }), RangeError, /inputStride 100 is smaller than one row/, /at least 256 bytes/);
  throwsWith(() => createConverter({ ...ok, inputStride: 256.5 }), RangeError, /inputStride/);
  throwsWith(() => createConverter({ ...ok, inputStride: '300' as never }), TypeError, /inputStride must be a number/);
  assert.is(createConverter({ ...ok, inputStride: 300 }).input.length, 300 * 32);
});

test('bad options: mirror and flipY must be booleans', () => {
  throwsWith(() => createConverter({ ...ok, mirror: 1 as never }), TypeError, /mirror must be true or false/, /number 1/);
  throwsWith(() => createConverter({ ...ok, flipY: 'yes' as never }), TypeError, /flipY must be true or false/, /"yes"/);
  throwsWith(() => createConverter({ ...ok, mirror: null as never }), TypeError, /mirror/);
  const c = createConverter({ ...ok, mirror: true, flipY: false });
  assert.equal([c.spec.mirror, c.spec.flipY], [true, false]);
});

test('bad options: YUV inputs', () => {
  throwsWith(() => createConverter({ ...ok, input: 'yuyv', format: 'rgb24' }), RangeError, /yuyv cannot be converted to rgb24/,
    /choose a YUV format or an RGB input/);
  throwsWith(() => createConverter({ ...ok, input: 'i420', format: 'bgr24', engine: 'js' }), RangeError, /i420 cannot be converted to bgr24/);
  // The input's own subsampling: even width for every YUV input, even height for 4:2:0 ones.
  throwsWith(() => createConverter({ ...ok, width: 63, input: 'uyvy', format: 'gray' }), RangeError, /width 63 is odd/, /uyvy input \(4:2:2\)/, /62 or 64/);
  throwsWith(() => createConverter({ ...ok, height: 31, input: 'nv12', format: 'yuyv' }), RangeError, /height 31 is odd/, /nv12 input \(4:2:0\)/);
  createConverter({ ...ok, height: 31, input: 'yuyv', format: 'gray' });
  // Strides: planar ones are the luma row's, even for i420/yv12 (chroma rows are half of it).
  throwsWith(() => createConverter({ ...ok, input: 'i420', inputStride: 65 }), RangeError, /inputStride 65 is odd/, /i420/, /half the luma stride/, /64 or 66/);
  throwsWith(() => createConverter({ ...ok, input: 'yv12', inputStride: 62 }), RangeError, /inputStride 62 is smaller than one row/, /at least 64 bytes/);
  throwsWith(() => createConverter({ ...ok, input: 'yuyv', inputStride: 127 }), RangeError, /inputStride 127 is smaller than one row/, /at least 128 bytes \(2 per pixel\)/);
  throwsWith(() => createConverter({ ...ok, input: 'nv12', inputStride: 64.5 }), RangeError, /inputStride 64.5/);
  assert.is(createConverter({ ...ok, input: 'nv12', inputStride: 65 }).input.length, 65 * 32 * 1.5);
  const c = createConverter({ ...ok, input: 'i420', inputStride: 66 });
  throwsWith(() => c.convert(new Uint8Array(64 * 32 * 1.5)), RangeError, /pixels is 3072 bytes, expected 3168/, /64×32 i420, rows 66 bytes apart/);
});

test('bad pixels: wrong type or length names what was expected', () => {
  const c = createConverter(ok);
  throwsWith(() => c.convert(new Uint8Array(100)), RangeError, /pixels is 100 bytes, expected 8192/, /64×32 rgba/);
  throwsWith(() => c.convert(new Uint16Array(4096) as never), TypeError, /Uint8Array, Uint8ClampedArray or Buffer/, /Uint16Array/);
  throwsWith(() => c.convert([1, 2, 3] as never), TypeError, /an array/);
  throwsWith(() => c.convert('pixels' as never), TypeError, /string|"pixels"/);
  const strided = createConverter({ ...ok, inputStride: 300 });
  throwsWith(() => strided.convert(new Uint8Array(8192)), RangeError, /expected 9600/, /rows 300 bytes apart/);
});

test.run();

// Test patterns drawn in WASM, checked at known pixels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WasmEngine } from '../src/convert/wasm-engine.js';
import { frameLayout } from '../src/formats.js';
import { createConverter } from '../src/index.js';
import { convertible, LAYOUT_NAMES, layoutSpec, sameBytes } from './helpers.js';

const rgbAt = (rgb: Uint8Array, width: number, x: number, y: number) => [...rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];

test('bars: the eight 100 % colour bars, left to right', () => {
  const c = createConverter({ width: 640, height: 360, format: 'rgb24' });
  c.drawPattern('bars');
  const rgb = c.convert();
  const expected = [[255, 255, 255], [255, 255, 0], [0, 255, 255], [0, 255, 0], [255, 0, 255], [255, 0, 0], [0, 0, 255], [0, 0, 0]];
  expected.forEach((colour, bar) => assert.equal(rgbAt(rgb, 640, bar * 80 + 40, 200), colour, `bar ${bar}`));
});

test('gradient: red rises left to right, green top to bottom', () => {
  const c = createConverter({ width: 256, height: 256, format: 'rgb24' });
  c.drawPattern('gradient');
  const rgb = c.convert();
  assert.equal(rgbAt(rgb, 256, 0, 0), [0, 0, 255]);
  assert.equal(rgbAt(rgb, 256, 255, 255), [255, 255, 0]);
  assert.equal(rgbAt(rgb, 256, 128, 64), [128, 64, 127]);
});

test('moving: the counter band and the box change from frame to frame; the same frame is the same picture', () => {
  const c = createConverter({ width: 640, height: 360, format: 'yuyv' });
  const shot = (frame: number, millis: number) => {
    c.drawPattern('moving', frame, millis);
    return Buffer.from(c.convert());
  };
  const a = shot(7, 233);
  const b = shot(8, 266);
  assert.ok(!a.equals(b));
  assert.ok(a.equals(shot(7, 233)), 'deterministic');
  const band = 640 * 2 * 36; // the top band: digits
  assert.ok(!a.subarray(0, band).equals(b.subarray(0, band)), 'the counter changed');
});

test('tiny frames do not crash; non-rgba converters are refused', () => {
  const tiny = createConverter({ width: 2, height: 2 });
  for (const p of ['bars', 'gradient', 'moving'] as const) tiny.drawPattern(p, 123456, 99999999);
  assert.throws(() => createConverter({ width: 8, height: 8, input: 'bgra' }).drawPattern('bars'), (e: Error) => e instanceof RangeError && /input: 'rgba'/.test(e.message));
  assert.throws(() => createConverter({ width: 8, height: 8, engine: 'js' }).drawPattern('bars'), RangeError);
  assert.throws(() => tiny.drawPattern('plaid' as never), RangeError);
  assert.throws(() => tiny.drawPattern('moving', -1), RangeError);
});

test('every pattern stays inside the frame at any size and frame number (padding after each row untouched)', () => {
  for (const [width, height] of [[1, 1], [2, 1], [1, 2], [2, 2], [3, 1], [5, 3], [17, 9], [64, 2]] as const) {
    const stride = width * 4 + 8;
    const c = createConverter({ width, height, format: 'gray', inputStride: stride });
    for (const p of ['bars', 'gradient', 'moving'] as const) {
      for (const frame of [0, 1, 7, 1000, 2 ** 31 - 1]) {
        c.input.fill(0xab);
        c.drawPattern(p, frame, frame * 33);
        for (let y = 0; y < height; y++) {
          const pad = c.input.subarray(y * stride + width * 4, (y + 1) * stride);
          assert.ok(pad.every((b) => b === 0xab), `${p} ${width}×${height} frame ${frame}: row ${y}'s padding written`);
        }
      }
    }
  }
});


/**
 * Calls `check` with two engines (one to draw then convert, one to convert by bands) for every layout ×
 * size × mirror × flip. 640×480 puts the digits (5-pixel squares from row 5) and the box across 16-row
 * bands; 326×34 ends in a part band and a row tail; 2×2 is one part band.
 */
function eachPatternCase(check: (drawn: WasmEngine, banded: WasmEngine, what: string) => void): void {
  for (const format of LAYOUT_NAMES) {
    for (const [width, height] of [[2, 2], [34, 18], [326, 34], [640, 480]] as const) {
      if (!convertible('rgba', format, width, height)) continue;
      for (const mirror of [false, true]) {
        for (const flipY of [false, true]) {
          const spec = layoutSpec({ width, height, format, mirror, flipY });
          const layout = frameLayout(format, width, height);
          check(new WasmEngine(spec, layout), new WasmEngine(spec, layout), `${format} ${width}×${height}${mirror ? ' mirrored' : ''}${flipY ? ' flipped' : ''}`);
        }
      }
    }
  }
}

test('convertPattern: the bytes of drawPattern then convert, every layout, size, mirror and flip, band edges across the digits; every output byte written, input and the bytes after the output untouched', () => {
  let cases = 0;
  eachPatternCase((drawn, banded, where) => {
    banded.input.fill(0x5a);
    const guard = banded.guard();
    guard.fill(0xcd);
    for (const [pattern, frame, millis] of [['bars', 0, 0], ['gradient', 0, 0], ['moving', 123456, 3723456]] as const) {
      const what = `${pattern} ${where}`;
      drawn.drawPattern(pattern, frame, millis);
      drawn.run();
      for (const fill of [0xaa, 0x55]) {
        banded.output.fill(fill);
        banded.convertPattern(pattern, frame, millis, false);
        sameBytes(banded.output, drawn.output, what);
      }
      assert.ok(banded.input.every((b) => b === 0x5a), `${what}: input written`);
      assert.ok(guard.every((b) => b === 0xcd), `${what}: wrote past the end of the frame`);
      cases++;
    }
  });
  assert.ok(cases >= 3 * 9 * 3 * 4, `${cases} cases`);
});

test('convertPattern onlyMoving: over another frame of the same pattern, the bytes of drawPattern then convert, every layout, size, mirror and flip; the rows that never move are not written', () => {
  let cases = 0;
  eachPatternCase((drawn, banded, what) => {
    banded.output.fill(0xaa);
    banded.convertPattern('moving', 7, 1000, false);
    // Frames far apart (the box elsewhere, every digit changed), then one step, then back.
    for (const [frame, millis] of [[123456, 3723456], [123457, 3723490], [8, 1010]] as const) {
      banded.convertPattern('moving', frame, millis, true);
      drawn.drawPattern('moving', frame, millis);
      drawn.run();
      sameBytes(banded.output, drawn.output, `${what}: moving frame ${frame}`);
      cases++;
    }
    banded.convertPattern('bars', 0, 0, false);
    const bars = Uint8Array.from(banded.output);
    banded.convertPattern('bars', 0, 0, true);
    sameBytes(banded.output, bars, `${what}: bars over bars`);
  });
  assert.ok(cases >= 3 * 9 * 3 * 4, `${cases} cases`);

  // 640×480: the digits' band is rows 0–44 and the box rows 390–449, so bands 48–383 are bars in
  // every frame and stay as they were; without onlyMoving, every row is written.
  const c = createConverter({ width: 640, height: 480, format: 'yuyv' });
  const rowBytes = 640 * 2;
  for (const [onlyMoving, kept] of [[true, true], [false, false]] as const) {
    c.output.fill(0x11);
    c.convertPattern('moving', 3, 0, onlyMoving);
    const row = (y: number) => c.output.subarray(y * rowBytes, (y + 1) * rowBytes);
    for (const y of [48, 200, 383]) assert.is(row(y).every((b) => b === 0x11), kept, `row ${y} ${kept ? 'kept' : 'written'} (onlyMoving ${onlyMoving})`);
    for (const y of [0, 44, 390, 449]) assert.not.ok(row(y).every((b) => b === 0x11), `row ${y} written (onlyMoving ${onlyMoving})`);
  }
  assert.throws(() => c.convertPattern('moving', 1, 0, 'yes' as never), TypeError);
  c.dispose();
});

test('convertPattern: the same refusals as drawPattern', () => {
  assert.throws(() => createConverter({ width: 8, height: 8, input: 'bgra' }).convertPattern('bars'), (e: Error) => e instanceof RangeError && /input: 'rgba'/.test(e.message));
  assert.throws(() => createConverter({ width: 8, height: 8, engine: 'js' }).convertPattern('bars'), RangeError);
  assert.throws(() => createConverter({ width: 8, height: 8 }).convertPattern('plaid' as never), RangeError);
  assert.throws(() => createConverter({ width: 8, height: 8 }).convertPattern('moving', 1.5), RangeError);
});

test.run();

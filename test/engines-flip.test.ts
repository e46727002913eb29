// mirror and flipY: WASM against the JS reference, byte for byte, for every input × every layout it
// converts to × each flip (mirror, flipY, both), at sizes that exercise the 16-pixel tail and 4:2:0 row
// pairs (odd ones where the pair allows), with packed and padded input rows. To keep the run short, at
// 638×478 each flip takes one of the two strides in turn, and at 1920×1080 each input is checked with
// both flips into two formats (different ones from input to input).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { INPUT_NAMES } from '../src/formats.js';
import { check } from './engine-check.js';
import { convertible, LAYOUT_NAMES, layoutSpec, paddedStrides } from './helpers.js';

const SIZES: [number, number][] = [[2, 2], [18, 2], [34, 6], [1, 1], [17, 3], [33, 5], [638, 478]];
const LARGE = 638;
const FLIPS = [{ mirror: true, flipY: false }, { mirror: false, flipY: true }, { mirror: true, flipY: true }];
// The colour does not interact with the flips: RGB inputs take each combination in turn.
const COLOURS = [['bt601', 'limited'], ['bt709', 'full'], ['bt601', 'full'], ['bt709', 'limited']] as const;

let seed = 7;
for (const [width, height] of SIZES) {
  for (const input of INPUT_NAMES) {
    // YUV inputs take no odd sizes.
    if (!LAYOUT_NAMES.some((format) => convertible(input, format, width, height))) continue;
    test(`${input} → every layout at ${width}×${height}, mirrored and flipped: WASM = JS reference`, () => {
      let cases = 0;
      for (const [f, format] of LAYOUT_NAMES.entries()) {
        if (!convertible(input, format, width, height)) continue;
        for (const [i, flips] of FLIPS.entries()) {
          // At the large size one stride per flip, packed and padded alternating from format to format.
          const strides = paddedStrides(input, width);
          for (const inputStride of width >= LARGE ? [strides[(i + f) % 2]!] : strides) {
            const [matrix, range] = COLOURS[seed % COLOURS.length]!;
            check(layoutSpec({ width, height, input, format, matrix, range, inputStride, ...flips }), seed++);
            cases++;
          }
        }
      }
      assert.ok(cases > 0);
    });
  }
}

test('every input at 1920×1080, mirrored and flipped into two formats: WASM = JS reference', () => {
  for (const [i, input] of INPUT_NAMES.entries()) {
    const formats = LAYOUT_NAMES.filter((format) => convertible(input, format, 1920, 1080));
    for (const format of [formats[i % formats.length]!, formats[(i + 3) % formats.length]!]) {
      const inputStride = paddedStrides(input, 1920)[i % 2];
      check(layoutSpec({ width: 1920, height: 1080, input, format, inputStride, mirror: true, flipY: true }), seed++);
    }
  }
});

test.run();

// YUV inputs, mirror and flipY on tiny frames whose every output byte is written out here by hand: these
// do not depend on the reference converter, and both engines must give them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, type ConverterOptions } from '../src/index.js';
import { fillNoise } from './helpers.js';

const ENGINES = ['wasm', 'js'] as const;

/** Converts `pixels` with both engines and asserts the output bytes. */
function converts(options: ConverterOptions, pixels: number[], expected: number[]): void {
  for (const engine of ENGINES) {
    const c = createConverter({ ...options, engine });
    assert.equal([...c.convert(Uint8Array.from(pixels))], expected, `${engine}: ${JSON.stringify(options)}`);
  }
}

test('i420 → yuyv: each chroma row serves two output rows', () => {
  // 4×4: Y 0…15, U plane 2×2 (10, 11 / 12, 13), V plane (20, 21 / 22, 23).
  const y = Array.from({ length: 16 }, (_, i) => i);
  converts({ width: 4, height: 4, input: 'i420', format: 'yuyv' }, [...y, 10, 11, 12, 13, 20, 21, 22, 23], [
    0, 10, 1, 20, 2, 11, 3, 21,
    4, 10, 5, 20, 6, 11, 7, 21,
    8, 12, 9, 22, 10, 13, 11, 23,
    12, 12, 13, 22, 14, 13, 15, 23,
  ]);
  // UYVY and NV12 input the same way.
  converts({ width: 2, height: 2, input: 'nv12', format: 'uyvy' }, [1, 2, 3, 4, 50, 60], [50, 1, 60, 2, 50, 3, 60, 4]);
});

test('yuyv → i420 / nv12: chroma is (a + b + 1) >> 1 of the two rows', () => {
  // 4×2: row 0 U 10, 255 and V 0, 7; row 1 U 21, 254 and V 1, 8.
  const yuyv = [1, 10, 2, 0, 3, 255, 4, 7, /* row 1 */ 5, 21, 6, 1, 7, 254, 8, 8];
  // (10 + 21 + 1) >> 1 = 16, (255 + 254 + 1) >> 1 = 255, (0 + 1 + 1) >> 1 = 1, (7 + 8 + 1) >> 1 = 8.
  converts({ width: 4, height: 2, input: 'yuyv', format: 'i420' }, yuyv, [1, 2, 3, 4, 5, 6, 7, 8, 16, 255, 1, 8]);
  converts({ width: 4, height: 2, input: 'yuyv', format: 'yv12' }, yuyv, [1, 2, 3, 4, 5, 6, 7, 8, 1, 8, 16, 255]);
  converts({ width: 4, height: 2, input: 'yuyv', format: 'nv12' }, yuyv, [1, 2, 3, 4, 5, 6, 7, 8, 16, 1, 255, 8]);
  const uyvy = [10, 1, 0, 2, 255, 3, 7, 4, /* row 1 */ 21, 5, 1, 6, 254, 7, 8, 8];
  converts({ width: 4, height: 2, input: 'uyvy', format: 'i420' }, uyvy, [1, 2, 3, 4, 5, 6, 7, 8, 16, 255, 1, 8]);
});

test('yuyv ↔ uyvy swaps the bytes of each pair; the same format is a copy', () => {
  const frame = [1, 2, 3, 4, 5, 6, 7, 8];
  converts({ width: 4, height: 1, input: 'yuyv', format: 'uyvy' }, frame, [2, 1, 4, 3, 6, 5, 8, 7]);
  converts({ width: 4, height: 1, input: 'uyvy', format: 'yuyv' }, frame, [2, 1, 4, 3, 6, 5, 8, 7]);
  converts({ width: 4, height: 1, input: 'yuyv', format: 'yuyv' }, frame, frame);
  converts({ width: 4, height: 1, input: 'uyvy', format: 'gray' }, frame, [2, 4, 6, 8]);
  converts({ width: 4, height: 1, input: 'yuyv', format: 'gray' }, frame, [1, 3, 5, 7]);
});

test('4:2:0 ↔ 4:2:0 moves planes: nv12 → i420 / yv12 deinterleaves, i420 → nv12 interleaves', () => {
  const y = [1, 2, 3, 4, 5, 6, 7, 8];
  converts({ width: 4, height: 2, input: 'nv12', format: 'i420' }, [...y, 10, 20, 11, 21], [...y, 10, 11, 20, 21]);
  converts({ width: 4, height: 2, input: 'nv12', format: 'yv12' }, [...y, 10, 20, 11, 21], [...y, 20, 21, 10, 11]);
  converts({ width: 4, height: 2, input: 'i420', format: 'nv12' }, [...y, 10, 11, 20, 21], [...y, 10, 20, 11, 21]);
  converts({ width: 4, height: 2, input: 'yv12', format: 'i420' }, [...y, 20, 21, 10, 11], [...y, 10, 11, 20, 21]);
  converts({ width: 4, height: 2, input: 'i420', format: 'gray' }, [...y, 10, 11, 20, 21], y);
});

test('YUV inputs with padded rows: planar chroma rows are half the luma stride (nv12: equal)', () => {
  // 2×2 i420, luma stride 4 (2 bytes padding: 99), chroma stride 2 (1 byte padding).
  converts({ width: 2, height: 2, input: 'i420', format: 'yuyv', inputStride: 4 },
    [1, 2, 99, 99, 3, 4, 99, 99, 10, 99, 20, 99], [1, 10, 2, 20, 3, 10, 4, 20]);
  converts({ width: 2, height: 2, input: 'nv12', format: 'yuyv', inputStride: 3 },
    [1, 2, 99, 3, 4, 99, 10, 20, 99], [1, 10, 2, 20, 3, 10, 4, 20]);
  converts({ width: 2, height: 2, input: 'yuyv', format: 'i420', inputStride: 5 },
    [1, 10, 2, 20, 99, 3, 12, 4, 23, 99], [1, 2, 3, 4, 11, 22]);
});

test('matrix and range do not apply to YUV inputs: samples pass through', () => {
  const frame = [16, 128, 235, 240, 0, 255, 128, 1];
  for (const [matrix, range] of [['bt601', 'limited'], ['bt709', 'full']] as const) {
    converts({ width: 4, height: 1, input: 'yuyv', format: 'yuyv', matrix, range }, frame, frame);
  }
});

test('mirror: output pixel x is input pixel width − 1 − x', () => {
  // 3×1 rgba: red, green, blue → rgb24 blue, green, red.
  converts({ width: 3, height: 1, input: 'rgba', format: 'rgb24', mirror: true },
    [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], [0, 0, 255, 0, 255, 0, 255, 0, 0]);
  converts({ width: 5, height: 1, input: 'gray', format: 'bgr24', mirror: true }, [1, 2, 3, 4, 5],
    [5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1]);
  // yuyv: the pairs reversed, and the two luma samples of each pair swapped.
  converts({ width: 4, height: 1, input: 'yuyv', format: 'yuyv', mirror: true }, [1, 10, 2, 20, 3, 11, 4, 21], [4, 11, 3, 21, 2, 10, 1, 20]);
  converts({ width: 4, height: 1, input: 'yuyv', format: 'uyvy', mirror: true }, [1, 10, 2, 20, 3, 11, 4, 21], [11, 4, 21, 3, 10, 2, 20, 1]);
  // Planar: every plane's rows reversed (nv12's UV pairs kept together).
  converts({ width: 4, height: 2, input: 'nv12', format: 'nv12', mirror: true }, [1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 11, 21],
    [4, 3, 2, 1, 8, 7, 6, 5, 11, 21, 10, 20]);
  converts({ width: 4, height: 2, input: 'i420', format: 'i420', mirror: true }, [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 20, 21],
    [4, 3, 2, 1, 8, 7, 6, 5, 11, 10, 21, 20]);
});

test('flipY: output row y is input row height − 1 − y', () => {
  converts({ width: 1, height: 3, input: 'gray', format: 'rgb24', flipY: true }, [10, 20, 30], [30, 30, 30, 20, 20, 20, 10, 10, 10]);
  converts({ width: 2, height: 2, input: 'yuyv', format: 'yuyv', flipY: true }, [1, 2, 3, 4, 5, 6, 7, 8], [5, 6, 7, 8, 1, 2, 3, 4]);
  // i420 4×4: luma rows reversed, and the chroma rows too.
  const y = Array.from({ length: 16 }, (_, i) => i);
  converts({ width: 4, height: 4, input: 'i420', format: 'i420', flipY: true }, [...y, 10, 11, 12, 13, 20, 21, 22, 23],
    [12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 10, 11, 22, 23, 20, 21]);
  // Both flips: a half turn.
  converts({ width: 4, height: 2, input: 'nv12', format: 'gray', mirror: true, flipY: true }, [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0], [8, 7, 6, 5, 4, 3, 2, 1]);
});

test('mirror and flipY equal converting the flipped image, for every RGB input and format', () => {
  const width = 34, height = 6;
  for (const [input, bpp] of [['rgba', 4], ['bgra', 4], ['rgb24', 3], ['bgr24', 3], ['gray', 1]] as const) {
    const pixels = new Uint8Array(width * height * bpp);
    fillNoise(pixels, bpp);
    // The flipped image, by hand: pixel (x, y) of `turned` is pixel (w − 1 − x, h − 1 − y) of `pixels`.
    const turned = new Uint8Array(pixels.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = ((height - 1 - y) * width + (width - 1 - x)) * bpp;
        turned.set(pixels.subarray(from, from + bpp), (y * width + x) * bpp);
      }
    }
    for (const format of ['yuyv', 'uyvy', 'i420', 'yv12', 'nv12', 'rgb24', 'bgr24', 'gray'] as const) {
      const flipped = createConverter({ width, height, input, format, mirror: true, flipY: true }).convert(pixels);
      const plain = createConverter({ width, height, input, format }).convert(turned);
      assert.equal([...flipped], [...plain], `${input} → ${format}`);
    }
  }
});

test('YUV input to an RGB format is refused, naming the pairs that work', () => {
  for (const input of ['yuyv', 'i420', 'nv12'] as const) {
    for (const format of ['rgb24', 'bgr24'] as const) {
      try {
        createConverter({ width: 64, height: 32, input, format });
        assert.unreachable('expected a RangeError');
      } catch (error) {
        assert.instance(error, RangeError);
        const message = (error as Error).message;
        assert.match(message, new RegExp(`${input} cannot be converted to ${format}`));
        assert.match(message, /yuyv, uyvy, i420, yv12, nv12, gray/);
        assert.match(message, /rgba, bgra, rgb24, bgr24, gray/);
      }
    }
  }
});

test('input frame sizes follow the input format and stride', () => {
  const size = (options: Omit<ConverterOptions, 'width' | 'height'>) => createConverter({ width: 64, height: 32, ...options }).input.length;
  assert.is(size({ input: 'yuyv' }), 64 * 32 * 2);
  assert.is(size({ input: 'uyvy', inputStride: 131 }), 131 * 32);
  assert.is(size({ input: 'i420' }), 64 * 32 * 1.5);
  assert.is(size({ input: 'yv12', inputStride: 80 }), 80 * 32 + 2 * 40 * 16);
  assert.is(size({ input: 'nv12', inputStride: 81 }), 81 * 32 + 81 * 16);
  assert.is(size({ input: 'i420', format: 'gray', engine: 'js' }), 64 * 32 * 1.5);
});

test.run();

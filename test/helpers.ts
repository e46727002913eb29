/** Shared test helpers: deterministic noise, and byte comparison with a useful message. */
import * as assert from 'uvu/assert';
import { resolveSpec, type ConverterOptions, type FrameSpec } from '../src/convert/spec.js';
import { blockSize, canConvert, inputBlockSize, inputRowBytes, inputStrideProblem, LAYOUTS, type InputName, type LayoutName } from '../src/formats.js';

/** Fills `bytes` with reproducible noise (xorshift32) from `seed`. */
export function fillNoise(bytes: Uint8Array, seed: number): void {
  let x = seed | 0 || 1;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
}

/** Asserts equal bytes; on failure names the first differing offset instead of dumping megabytes. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.unreachable(`${what}: byte ${i} of ${expected.length} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Whether `input` converts to `format` at this size (the pair, and both formats' block sizes). */
export function convertible(input: InputName, format: LayoutName, width: number, height: number): boolean {
  const [fw, fh] = blockSize(format);
  const [iw, ih] = inputBlockSize(input);
  return canConvert(input, format) && width % fw === 0 && height % fh === 0 && width % iw === 0 && height % ih === 0;
}

/** Packed input rows, and rows padded by an odd number of bytes (or the next even one where strides must be even). */
export function paddedStrides(input: InputName, width: number): [number, number] {
  const row = inputRowBytes(input, width);
  return [row, inputStrideProblem(input, width, row + 13) ? row + 14 : row + 13];
}

/** A clock and timers that move only when told: pacing tests without real time. */
export class FakeTime {
  now = 0;
  #queue: { at: number; fn: () => void; id: number }[] = [];
  #id = 0;
  /** How late each timer fires (ms). */
  delay = 0;
  readonly timers = {
    setTimeout: (fn: () => void, ms: number) => {
      const id = ++this.#id;
      // Like Node's, a timer waits at least 1 ms.
      this.#queue.push({ at: this.now + Math.max(1, ms) + this.delay, fn, id });
      return id;
    },
    clearTimeout: (id: unknown) => {
      this.#queue = this.#queue.filter((t) => t.id !== id);
    },
  };
  readonly clock = () => this.now;
  /** Runs timers due within the next `ms`, in order, moving the clock to each. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.#queue.sort((a, b) => a.at - b.at);
      const next = this.#queue[0];
      if (!next || next.at > end) break;
      this.#queue.shift();
      this.now = Math.max(this.now, next.at);
      next.fn();
    }
    this.now = end;
  }
}

/** Every layout a converter writes: the camera formats, and i422 (the planar 4:2:2 of Y4M recordings). */
export const LAYOUT_NAMES = Object.keys(LAYOUTS) as LayoutName[];

/** A resolved spec that writes `format`, a camera format or i422 (resolved as yuyv, which a recording writes as i422). */
export function layoutSpec(options: Omit<ConverterOptions, 'format'> & { format: LayoutName }): FrameSpec {
  const { format, ...rest } = options;
  return { ...resolveSpec({ ...rest, format: format === 'i422' ? 'yuyv' : format }), format };
}

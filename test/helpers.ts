/** Shared test helpers: deterministic noise, and byte comparison with a useful message. */
import * as assert from 'uvu/assert';

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

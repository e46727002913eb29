// Mirrored rows: the units of a row (1-byte samples, 2-byte NV12 chroma pairs, 4-byte pixels or 4:2:2
// pixel pairs) written in reverse order, a 16-byte block at a time.

// Masks that reverse the order of 1-, 2- and 4-byte units inside a block (each unit's bytes kept in order).
export const REVERSE_1 = memory.data<u8>([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 16);
export const REVERSE_2 = memory.data<u8>([14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1], 16);

// Both functions read the source forwards (what the hardware prefetcher follows; reading a row from its
// end was measured much slower) and write the destination from its end.

/**
 * Writes the `pixels` 4-byte pixels at src to dst in reverse order: mirrorRow with unit 4 and no change
 * inside a unit, but with a dword shuffle V8 lowers to one instruction (no mask).
 */
export function reverse4(src: usize, dst: usize, pixels: i32): void {
  const n = <usize>pixels << 2;
  const whole = n & ~15;
  for (let at: usize = 0; at < whole; at += 16) {
    const v = v128.load(src + at);
    v128.store(dst + n - 16 - at, v128.shuffle<i32>(v, v, 3, 2, 1, 0));
  }
  for (let at = whole; at < n; at += 4) store<u32>(dst + n - 4 - at, load<u32>(src + at));
}

/**
 * Writes the `bytes` bytes at src (`unit`-byte units: 1, 2 or 4, `bytes` a multiple of it) to dst with
 * the units in reverse order: src block j, shuffled by `mask`, is block j counted from the end of dst.
 * The mask reverses the units inside a block and, in its last unit, says how each unit's bytes are
 * arranged. The last `bytes % 16` bytes of src (the first of dst) are moved one at a time, so nothing
 * outside the two rows is read or written.
 */
export function mirrorRow(src: usize, dst: usize, bytes: i32, mask: usize, unit: i32): void {
  const m = v128.load(mask);
  const n = <usize>bytes;
  const whole = n & ~15;
  for (let at: usize = 0; at < whole; at += 16) v128.store(dst + n - 16 - at, i8x16.swizzle(v128.load(src + at), m));
  const u = <usize>unit;
  for (let at: usize = 0; at < n - whole; at++) {
    const inUnit = at & (u - 1);
    // This unit of dst is the unit of src that starts `at - inUnit` bytes before the start of the last one.
    store<u8>(dst + at, load<u8>(src + n - u - (at - inUnit) + <usize>load<u8>(mask + 16 - u + inUnit)));
  }
}

/**
 * Writes at `mask` the mask for `mirrorRow` (unit 4) that mirrors packed 4:2:2 pixel pairs from one byte
 * order to another (YUYV is Y0 U Y1 V, UYVY is U Y0 V Y1): the pairs reversed, and inside each pair the
 * two pixels trade places, so its first luma is the source pair's second.
 */
export function setMirrorMask422(mask: usize, uyvyIn: bool, uyvyOut: bool): void {
  const y0: u8 = uyvyIn ? 1 : 0, u: u8 = uyvyIn ? 0 : 1, y1: u8 = uyvyIn ? 3 : 2, v: u8 = uyvyIn ? 2 : 3;
  for (let i: u8 = 0; i < 16; i += 4) {
    const pair: u8 = 12 - i; // where the source pair starts in the block
    store<u8>(mask + i, pair + (uyvyOut ? u : y1));
    store<u8>(mask + i + 1, pair + (uyvyOut ? y1 : u));
    store<u8>(mask + i + 2, pair + (uyvyOut ? v : y0));
    store<u8>(mask + i + 3, pair + (uyvyOut ? y0 : v));
  }
}

// Planar repacking for Y4M, which carries planar YUV only: packed 4:2:2 (YUYV, UYVY) into Y, U and V
// planes, and NV12's interleaved chroma into U and V planes. Byte moves only, 16 bytes of output luma
// (or chroma pairs) per step; the frame is one run of samples, its rows being packed.

/** Splits the even and odd bytes of 32 bytes: [even 16 | odd 16] as two vectors. */
@inline function evens(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
@inline function odds(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}
/** [U0 V0 U1 V1 … U7 V7] → [U0 … U7 | V0 … V7]. */
@inline function splitPairs(uv: v128): v128 {
  return v128.shuffle<u8>(uv, uv, 0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
}

/**
 * `pixels` pixels of packed 4:2:2 at src (YUYV, or UYVY when `uyvy`) into a Y plane at y and U, V planes
 * (half as many samples each) at u and v. `pixels` is even.
 */
export function packed422ToPlanar(src: usize, y: usize, u: usize, v: usize, pixels: i32, uyvy: bool): void {
  const n = <usize>pixels;
  const whole = n & ~15;
  for (let i: usize = 0; i < whole; i += 16) {
    const a = v128.load(src + (i << 1)), b = v128.load(src + (i << 1), 16);
    const luma = uyvy ? odds(a, b) : evens(a, b);
    const chroma = splitPairs(uyvy ? evens(a, b) : odds(a, b));
    v128.store(y + i, luma);
    v128.store64_lane(u + (i >> 1), chroma, 0);
    v128.store64_lane(v + (i >> 1), chroma, 1);
  }
  // The last pixels (fewer than 16), a pair at a time: Y0 C0 Y1 C1, or C0 Y0 C1 Y1.
  const yAt: usize = uyvy ? 1 : 0, cAt: usize = uyvy ? 0 : 1;
  for (let i = whole; i < n; i += 2) {
    const p = src + (i << 1);
    store<u8>(y + i, load<u8>(p + yAt));
    store<u8>(y + i + 1, load<u8>(p + yAt + 2));
    store<u8>(u + (i >> 1), load<u8>(p + cAt));
    store<u8>(v + (i >> 1), load<u8>(p + cAt + 2));
  }
}

/** `pairs` interleaved chroma pairs (NV12's U V U V …) at src into U and V planes. */
export function deinterleavePairs(src: usize, u: usize, v: usize, pairs: i32): void {
  const n = <usize>pairs;
  const whole = n & ~7;
  for (let i: usize = 0; i < whole; i += 8) {
    const uv = splitPairs(v128.load(src + (i << 1)));
    v128.store64_lane(u + i, uv, 0);
    v128.store64_lane(v + i, uv, 1);
  }
  for (let i = whole; i < n; i++) {
    store<u8>(u + i, load<u8>(src + (i << 1)));
    store<u8>(v + i, load<u8>(src + (i << 1) + 1));
  }
}

/** Copies `bytes` from src to dst (NV12's Y plane, moved beside its split chroma). */
export function copyBytes(dst: usize, src: usize, bytes: i32): void {
  memory.copy(dst, src, <usize>bytes);
}

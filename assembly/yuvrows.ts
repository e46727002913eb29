// Row kernels for YUV inputs: samples are only moved (and, 4:2:2 → 4:2:0, two rows' chroma averaged),
// 16 pixels per iteration; `n` is a multiple of 16 (the frame driver handles the tail). Each family is
// one inlined body specialised by constant flags in small wrappers, as in rows.ts.
import { interleaveLow, store422 } from './simd';

// The low byte of each 16-bit lane, loaded into a local before a loop (a v128.const in the loop would be
// re-materialised by V8 on every use).
const LOW_BYTES = memory.data<u16>([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 16);

/**
 * Bytes 0, 2, 4 … 30 of two vectors, the low-byte mask in a local: one AND per vector and a pack (V8
 * lowers the equivalent shuffle to two shifts per vector and a pack).
 */
@inline function evenBytesMasked(a: v128, b: v128, low: v128): v128 {
  return i8x16.narrow_i16x8_u(v128.and(a, low), v128.and(b, low));
}

/** Bytes 1, 3, 5 … 31 of two vectors (one shift per vector and a pack). */
@inline function oddBytes(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

/** The 16 luma bytes of 16 packed 4:2:2 pixels (32 bytes): even bytes of YUYV, odd bytes of UYVY. */
@inline function packedLuma(a: v128, b: v128, uyvy: bool, low: v128): v128 {
  return uyvy ? oddBytes(a, b) : evenBytesMasked(a, b, low);
}

// Packed 4:2:2 → luma (GREY): 32 bytes → 16.
@inline function lumaBody(src: usize, dst: usize, n: i32, uyvy: bool): void {
  const low = v128.load(LOW_BYTES);
  const end = dst + <usize>n;
  while (dst < end) {
    v128.store(dst, packedLuma(v128.load(src), v128.load(src, 16), uyvy, low));
    src += 32;
    dst += 16;
  }
}

export function rowPackedLuma(src: usize, dst: usize, n: i32, uyvy: bool): void {
  if (uyvy) lumaBody(src, dst, n, true);
  else lumaBody(src, dst, n, false);
}

// Packed 4:2:2 → 4:2:0: two rows of 16 pixels → 16 + 16 luma bytes, and each pair's chroma averaged over
// the two rows (byte-wise `avgr_u`, (a + b + 1) >> 1): 8 U + 8 V (planar) or 16 interleaved UV (NV12).
@inline function packedTo420Body(
  s0: usize, s1: usize, dy0: usize, dy1: usize, du: usize, dv: usize, n: i32, uyvy: bool, nv12: bool,
): void {
  const low = v128.load(LOW_BYTES);
  const end = dy0 + <usize>n;
  while (dy0 < end) {
    const a0 = v128.load(s0), a1 = v128.load(s0, 16);
    const b0 = v128.load(s1), b1 = v128.load(s1, 16);
    v128.store(dy0, packedLuma(a0, a1, uyvy, low));
    v128.store(dy1, packedLuma(b0, b1, uyvy, low));
    // Luma bytes are averaged too, and dropped.
    const m0 = i8x16.avgr_u(a0, b0), m1 = i8x16.avgr_u(a1, b1);
    // The chroma bytes in order: U0 V0 U1 V1 … (NV12's chroma row).
    const uv = uyvy ? evenBytesMasked(m0, m1, low) : oddBytes(m0, m1);
    if (nv12) {
      v128.store(du, uv);
      du += 16;
    } else {
      v128.store64_lane(du, evenBytesMasked(uv, uv, low), 0);
      v128.store64_lane(dv, oddBytes(uv, uv), 0);
      du += 8;
      dv += 8;
    }
    s0 += 32;
    s1 += 32;
    dy0 += 16;
    dy1 += 16;
  }
}

// Packed 4:2:2 → planar 4:2:2 (I422): 16 pixels (32 bytes) → 16 luma bytes, 8 U and 8 V.
@inline function packedToPlanarBody(src: usize, dy: usize, du: usize, dv: usize, n: i32, uyvy: bool): void {
  const low = v128.load(LOW_BYTES);
  const end = dy + <usize>n;
  while (dy < end) {
    const a = v128.load(src), b = v128.load(src, 16);
    v128.store(dy, packedLuma(a, b, uyvy, low));
    const uv = uyvy ? evenBytesMasked(a, b, low) : oddBytes(a, b); // U0 V0 U1 V1 …
    v128.store64_lane(du, evenBytesMasked(uv, uv, low), 0);
    v128.store64_lane(dv, oddBytes(uv, uv), 0);
    src += 32;
    dy += 16;
    du += 8;
    dv += 8;
  }
}

export function rowPackedToPlanar(src: usize, dy: usize, du: usize, dv: usize, n: i32, uyvy: bool): void {
  if (uyvy) packedToPlanarBody(src, dy, du, dv, n, true);
  else packedToPlanarBody(src, dy, du, dv, n, false);
}

export function rowPackedTo420(
  s0: usize, s1: usize, dy0: usize, dy1: usize, du: usize, dv: usize, n: i32, uyvy: bool, nv12: bool,
): void {
  if (uyvy) {
    if (nv12) packedTo420Body(s0, s1, dy0, dy1, du, dv, n, true, true);
    else packedTo420Body(s0, s1, dy0, dy1, du, dv, n, true, false);
  } else {
    if (nv12) packedTo420Body(s0, s1, dy0, dy1, du, dv, n, false, true);
    else packedTo420Body(s0, s1, dy0, dy1, du, dv, n, false, false);
  }
}

// 4:2:0 → packed 4:2:2: one luma row of 16 pixels and its chroma row (8 U + 8 V, or 16 UV for NV12)
// → 32 bytes.
@inline function planarTo422Body(sy: usize, su: usize, sv: usize, dst: usize, n: i32, uyvy: bool, nv12: bool): void {
  const end = sy + <usize>n;
  while (sy < end) {
    const y = v128.load(sy);
    let uv: v128;
    if (nv12) {
      uv = v128.load(su);
      su += 16;
    } else {
      uv = interleaveLow(v128.load64_zero(su), v128.load64_zero(sv));
      su += 8;
      sv += 8;
    }
    store422(dst, y, uv, uyvy);
    sy += 16;
    dst += 32;
  }
}

export function rowPlanarTo422(sy: usize, su: usize, sv: usize, dst: usize, n: i32, uyvy: bool, nv12: bool): void {
  if (uyvy) {
    if (nv12) planarTo422Body(sy, su, sv, dst, n, true, true);
    else planarTo422Body(sy, su, sv, dst, n, true, false);
  } else {
    if (nv12) planarTo422Body(sy, su, sv, dst, n, false, true);
    else planarTo422Body(sy, su, sv, dst, n, false, false);
  }
}

// I420 chroma → NV12 chroma: the U and V of 16 pixels (8 + 8 bytes) → 16 interleaved bytes.
export function rowInterleave(su: usize, sv: usize, duv: usize, n: i32): void {
  const end = duv + <usize>n;
  while (duv < end) {
    v128.store(duv, interleaveLow(v128.load64_zero(su), v128.load64_zero(sv)));
    su += 8;
    sv += 8;
    duv += 16;
  }
}

// NV12 chroma → I420 chroma: 16 interleaved bytes → 8 U + 8 V.
export function rowDeinterleave(suv: usize, du: usize, dv: usize, n: i32): void {
  const end = suv + <usize>n;
  const low = v128.load(LOW_BYTES);
  while (suv < end) {
    const uv = v128.load(suv);
    v128.store64_lane(du, evenBytesMasked(uv, uv, low), 0);
    v128.store64_lane(dv, oddBytes(uv, uv), 0);
    suv += 16;
    du += 8;
    dv += 8;
  }
}

// YUYV ↔ UYVY: the two bytes of every 16-bit lane swapped (shifts, no shuffle mask), `bytes` bytes; the
// last `bytes % 16` one pair at a time.
export function rowSwapBytes(src: usize, dst: usize, bytes: i32): void {
  const n = <usize>bytes;
  const whole = n & ~15;
  for (let at: usize = 0; at < whole; at += 16) {
    const v = v128.load(src + at);
    v128.store(dst + at, v128.or(i16x8.shl(v, 8), i16x8.shr_u(v, 8)));
  }
  for (let at = whole; at < n; at += 2) {
    store<u8>(dst + at, load<u8>(src + at + 1));
    store<u8>(dst + at + 1, load<u8>(src + at));
  }
}

// Small SIMD steps shared by the row kernels. All are inlined, so the constants they take stay in
// the caller's locals.

/** Weighted sums of 4 pixels (16 bytes) in 32-bit lanes; see colour.ts for the lane trick. */
@inline export function weigh4(px: v128, lo: v128, hi: v128, lowBytes: v128): v128 {
  return i32x4.add(
    i32x4.dot_i16x8_s(v128.and(px, lowBytes), lo),
    i32x4.dot_i16x8_s(i16x8.shr_u(px, 8), hi),
  );
}

/** (sum + bias) >> shift for 4 samples, still 32-bit. */
@inline export function finish4(sum: v128, bias: v128, shift: i32): v128 {
  return i32x4.shr_s(i32x4.add(sum, bias), shift);
}

/** Four 4-lane results to 16 bytes, clamped to 0..255 by the saturating narrows. */
@inline export function bytes16(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

/** Luma of 16 pixels given as four vectors of 4 pixels. */
@inline export function luma16(
  p0: v128, p1: v128, p2: v128, p3: v128,
  lo: v128, hi: v128, bias: v128, lowBytes: v128, shift: i32,
): v128 {
  return bytes16(
    finish4(weigh4(p0, lo, hi, lowBytes), bias, shift),
    finish4(weigh4(p1, lo, hi, lowBytes), bias, shift),
    finish4(weigh4(p2, lo, hi, lowBytes), bias, shift),
    finish4(weigh4(p3, lo, hi, lowBytes), bias, shift),
  );
}

/**
 * Luma of 16 pixels for 8-bit coefficients: the sums (at most 65535) are narrowed to 16 bits first,
 * then biased (wrapping is exact: the true result is below 65536) and shifted 8 lanes at a time.
 */
@inline export function luma16Narrow(
  p0: v128, p1: v128, p2: v128, p3: v128,
  lo: v128, hi: v128, bias16: v128, lowBytes: v128,
): v128 {
  const a = i16x8.narrow_i32x4_u(weigh4(p0, lo, hi, lowBytes), weigh4(p1, lo, hi, lowBytes));
  const b = i16x8.narrow_i32x4_u(weigh4(p2, lo, hi, lowBytes), weigh4(p3, lo, hi, lowBytes));
  return i8x16.narrow_i16x8_u(i16x8.shr_u(i16x8.add(a, bias16), 8), i16x8.shr_u(i16x8.add(b, bias16), 8));
}

/** Chroma of 8 averaged pixels for 8-bit coefficients: raw sums fit signed 16 bits, so narrow first. */
@inline export function chroma8Narrow(m0: v128, m1: v128, lo: v128, hi: v128, bias16: v128, lowBytes: v128): v128 {
  const raw = i16x8.narrow_i32x4_s(weigh4(m0, lo, hi, lowBytes), weigh4(m1, lo, hi, lowBytes));
  return i16x8.shr_u(i16x8.add(raw, bias16), 8);
}

/** The rounded average of each horizontal pixel pair of 8 pixels: 4 averaged pixels. */
@inline export function pairAverage(p0: v128, p1: v128): v128 {
  return i8x16.avgr_u(v128.shuffle<i32>(p0, p1, 0, 2, 4, 6), v128.shuffle<i32>(p0, p1, 1, 3, 5, 7));
}

/** One chroma sample (U or V) of 8 averaged pixels as eight 16-bit lanes, not yet clamped. */
@inline export function chroma8(
  m0: v128, m1: v128, lo: v128, hi: v128, bias: v128, lowBytes: v128, shift: i32,
): v128 {
  return i16x8.narrow_i32x4_s(
    finish4(weigh4(m0, lo, hi, lowBytes), bias, shift),
    finish4(weigh4(m1, lo, hi, lowBytes), bias, shift),
  );
}

/** Interleaves the low 8 bytes of two vectors: [a0, b0, a1, b1, …] (one punpcklbw). */
@inline export function interleaveLow(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

/** Interleaves the high 8 bytes of two vectors: [a8, b8, a9, b9, …] (one punpckhbw). */
@inline export function interleaveHigh(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/** Stores 16 luma bytes and their 8 chroma pairs ([U0, V0, U1, V1, …]) as 32 bytes of packed 4:2:2. */
@inline export function store422(dst: usize, y: v128, uv: v128, uyvy: bool): void {
  if (uyvy) {
    v128.store(dst, interleaveLow(uv, y));
    v128.store(dst, interleaveHigh(uv, y), 16);
  } else {
    v128.store(dst, interleaveLow(y, uv));
    v128.store(dst, interleaveHigh(y, uv), 16);
  }
}

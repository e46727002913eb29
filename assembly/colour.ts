// The colour block: the coefficients of one conversion, laid out as the SIMD lanes the kernels load
// into locals before their loops (V8 re-materialises a v128.const on every use inside a loop; a load
// into a local is done once).
//
// A 4-byte pixel read as 16-bit lanes gives [byte0 | byte1 << 8, byte2 | byte3 << 8]. Masking with
// 0x00ff leaves [byte0, byte2]; shifting right by 8 leaves [byte1, byte3]. `i32x4.dot_i16x8_s` of
// those with [w0, w2] and [w1, 0] is the pixel's weighted sum in a 32-bit lane. byte0 is R for RGBA
// and B for BGRA: `swap` puts the weights in the pixel's own order, so both need no shuffle at all.

export const K_Y_LO: usize = 0;
export const K_Y_HI: usize = 16;
export const K_Y_BIAS: usize = 32;
export const K_U_LO: usize = 48;
export const K_U_HI: usize = 64;
export const K_V_LO: usize = 80;
export const K_V_HI: usize = 96;
export const K_UV_BIAS: usize = 112;
export const K_LOW_BYTES: usize = 128;
export const K_SHIFT: usize = 144;
export const K_SWAP: usize = 148;
export const K_NARROW_FIRST: usize = 152;
export const K_Y_BIAS16: usize = 160;
export const K_UV_BIAS16: usize = 176;
export const COLOUR_BYTES: usize = 192;

@inline function pairLanes(w0: i32, w2: i32): v128 {
  return i32x4.splat((w0 & 0xffff) | (w2 << 16));
}

/**
 * Fills the colour block at `k`: weights (r, g, b) and biases of Y, U and V, the fixed-point shift,
 * and whether the input pixels hold B before R (`swap` = 1 for BGRA/BGR24).
 */
export function setColour(
  k: usize, swap: i32, shift: i32,
  yr: i32, yg: i32, yb: i32, yBias: i32,
  ur: i32, ug: i32, ub: i32,
  vr: i32, vg: i32, vb: i32, uvBias: i32,
): void {
  v128.store(k, swap ? pairLanes(yb, yr) : pairLanes(yr, yb), K_Y_LO);
  v128.store(k, pairLanes(yg, 0), K_Y_HI);
  v128.store(k, i32x4.splat(yBias), K_Y_BIAS);
  v128.store(k, swap ? pairLanes(ub, ur) : pairLanes(ur, ub), K_U_LO);
  v128.store(k, pairLanes(ug, 0), K_U_HI);
  v128.store(k, swap ? pairLanes(vb, vr) : pairLanes(vr, vb), K_V_LO);
  v128.store(k, pairLanes(vg, 0), K_V_HI);
  v128.store(k, i32x4.splat(uvBias), K_UV_BIAS);
  v128.store(k, i16x8.splat(0x00ff), K_LOW_BYTES);
  store<i32>(k + K_SHIFT, shift);
  store<i32>(k + K_SWAP, swap);
  // 8-bit coefficients (libyuv's BT.601 set) keep every sum within 16 bits, so the kernels can narrow
  // the 32-bit sums first and add the bias and shift on 8 lanes instead of 4: fewer instructions.
  store<i32>(k + K_NARROW_FIRST, shift == 8 ? 1 : 0);
  v128.store(k, i16x8.splat(<i16>yBias), K_Y_BIAS16);
  v128.store(k, i16x8.splat(<i16>uvBias), K_UV_BIAS16);
}

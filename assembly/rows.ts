// Row kernels: each turns `n` pixels of 4-byte input (RGBA/BGRA order, or an unpacked row) into one
// output format, 16 pixels per iteration; `n` is a multiple of 16 (frame.ts handles the tail). Each
// family is one inlined body specialised by a constant flag in small wrappers, so the flag costs nothing.
import {
  K_LOW_BYTES, K_NARROW_FIRST, K_SHIFT, K_SWAP, K_U_HI, K_U_LO, K_UV_BIAS, K_UV_BIAS16, K_V_HI, K_V_LO, K_Y_BIAS,
  K_Y_BIAS16, K_Y_HI, K_Y_LO,
} from './colour';
import { chroma8, chroma8Narrow, interleaveLow, luma16, luma16Narrow, pairAverage, store422 } from './simd';

// Every YUV kernel comes in two precisions (see colour.ts): `narrow` = 8-bit coefficients.
@inline function narrowFirst(k: usize): bool {
  return load<i32>(k + K_NARROW_FIRST) != 0;
}

// 4:2:2 — 16 pixels → 32 bytes packed at dst (YUYV, or UYVY when `uyvy`), or with `planar` 16 luma
// bytes at dst and 8 U at du, 8 V at dv (I422, Y4M's form of 4:2:2).
@inline function row422(src: usize, dst: usize, du: usize, dv: usize, n: i32, k: usize, uyvy: bool, planar: bool, narrow: bool): void {
  const lowBytes = v128.load(k, K_LOW_BYTES);
  const yLo = v128.load(k, K_Y_LO), yHi = v128.load(k, K_Y_HI);
  const yBias = narrow ? v128.load(k, K_Y_BIAS16) : v128.load(k, K_Y_BIAS);
  const uLo = v128.load(k, K_U_LO), uHi = v128.load(k, K_U_HI);
  const vLo = v128.load(k, K_V_LO), vHi = v128.load(k, K_V_HI);
  const uvBias = narrow ? v128.load(k, K_UV_BIAS16) : v128.load(k, K_UV_BIAS);
  const shift = load<i32>(k + K_SHIFT);
  const end = src + (<usize>n << 2);
  while (src < end) {
    const p0 = v128.load(src), p1 = v128.load(src, 16), p2 = v128.load(src, 32), p3 = v128.load(src, 48);
    const y = narrow
      ? luma16Narrow(p0, p1, p2, p3, yLo, yHi, yBias, lowBytes)
      : luma16(p0, p1, p2, p3, yLo, yHi, yBias, lowBytes, shift);
    // Chroma of each pixel pair from the pair's rounded average (what libyuv does).
    const m0 = pairAverage(p0, p1), m1 = pairAverage(p2, p3);
    const u = narrow ? chroma8Narrow(m0, m1, uLo, uHi, uvBias, lowBytes) : chroma8(m0, m1, uLo, uHi, uvBias, lowBytes, shift);
    const v = narrow ? chroma8Narrow(m0, m1, vLo, vHi, uvBias, lowBytes) : chroma8(m0, m1, vLo, vHi, uvBias, lowBytes, shift);
    if (planar) {
      const both = i8x16.narrow_i16x8_u(u, v); // [U0..U7, V0..V7]
      v128.store(dst, y);
      v128.store64_lane(du, both, 0);
      v128.store64_lane(dv, both, 1);
      dst += 16;
      du += 8;
      dv += 8;
    } else {
      store422(dst, y, interleaveLow(i8x16.narrow_i16x8_u(u, u), i8x16.narrow_i16x8_u(v, v)), uyvy);
      dst += 32;
    }
    src += 64;
  }
}

export function rowYUYV(src: usize, dst: usize, n: i32, k: usize): void {
  if (narrowFirst(k)) row422(src, dst, 0, 0, n, k, false, false, true);
  else row422(src, dst, 0, 0, n, k, false, false, false);
}
export function rowUYVY(src: usize, dst: usize, n: i32, k: usize): void {
  if (narrowFirst(k)) row422(src, dst, 0, 0, n, k, true, false, true);
  else row422(src, dst, 0, 0, n, k, true, false, false);
}
export function rowI422(src: usize, dy: usize, du: usize, dv: usize, n: i32, k: usize): void {
  if (narrowFirst(k)) row422(src, dy, du, dv, n, k, false, true, true);
  else row422(src, dy, du, dv, n, k, false, true, false);
}

// 4:2:0 — two rows of 16 pixels → 16 + 16 luma bytes and 8 U + 8 V (planar) or 16 UV (NV12).
@inline function row420(
  src0: usize, src1: usize, dy0: usize, dy1: usize, du: usize, dv: usize, n: i32, k: usize, nv12: bool, narrow: bool,
): void {
  const lowBytes = v128.load(k, K_LOW_BYTES);
  const yLo = v128.load(k, K_Y_LO), yHi = v128.load(k, K_Y_HI);
  const yBias = narrow ? v128.load(k, K_Y_BIAS16) : v128.load(k, K_Y_BIAS);
  const uLo = v128.load(k, K_U_LO), uHi = v128.load(k, K_U_HI);
  const vLo = v128.load(k, K_V_LO), vHi = v128.load(k, K_V_HI);
  const uvBias = narrow ? v128.load(k, K_UV_BIAS16) : v128.load(k, K_UV_BIAS);
  const shift = load<i32>(k + K_SHIFT);
  const end = src0 + (<usize>n << 2);
  while (src0 < end) {
    const a0 = v128.load(src0), a1 = v128.load(src0, 16), a2 = v128.load(src0, 32), a3 = v128.load(src0, 48);
    const b0 = v128.load(src1), b1 = v128.load(src1, 16), b2 = v128.load(src1, 32), b3 = v128.load(src1, 48);
    v128.store(dy0, narrow
      ? luma16Narrow(a0, a1, a2, a3, yLo, yHi, yBias, lowBytes)
      : luma16(a0, a1, a2, a3, yLo, yHi, yBias, lowBytes, shift));
    v128.store(dy1, narrow
      ? luma16Narrow(b0, b1, b2, b3, yLo, yHi, yBias, lowBytes)
      : luma16(b0, b1, b2, b3, yLo, yHi, yBias, lowBytes, shift));
    // Average the two rows first (byte-wise, rounded), then each pair.
    const m0 = pairAverage(i8x16.avgr_u(a0, b0), i8x16.avgr_u(a1, b1));
    const m1 = pairAverage(i8x16.avgr_u(a2, b2), i8x16.avgr_u(a3, b3));
    const u = narrow ? chroma8Narrow(m0, m1, uLo, uHi, uvBias, lowBytes) : chroma8(m0, m1, uLo, uHi, uvBias, lowBytes, shift);
    const v = narrow ? chroma8Narrow(m0, m1, vLo, vHi, uvBias, lowBytes) : chroma8(m0, m1, vLo, vHi, uvBias, lowBytes, shift);
    if (nv12) {
      v128.store(du, interleaveLow(i8x16.narrow_i16x8_u(u, u), i8x16.narrow_i16x8_u(v, v)));
      du += 16;
    } else {
      const both = i8x16.narrow_i16x8_u(u, v); // [U0..U7, V0..V7]
      v128.store64_lane(du, both, 0);
      v128.store64_lane(dv, both, 1);
      du += 8;
      dv += 8;
    }
    src0 += 64;
    src1 += 64;
    dy0 += 16;
    dy1 += 16;
  }
}

export function rowI420(src0: usize, src1: usize, dy0: usize, dy1: usize, du: usize, dv: usize, n: i32, k: usize): void {
  if (narrowFirst(k)) row420(src0, src1, dy0, dy1, du, dv, n, k, false, true);
  else row420(src0, src1, dy0, dy1, du, dv, n, k, false, false);
}
export function rowNV12(src0: usize, src1: usize, dy0: usize, dy1: usize, duv: usize, n: i32, k: usize): void {
  if (narrowFirst(k)) row420(src0, src1, dy0, dy1, duv, 0, n, k, true, true);
  else row420(src0, src1, dy0, dy1, duv, 0, n, k, true, false);
}

// Luma only (GREY) — 16 pixels → 16 bytes.
export function rowGray(src: usize, dst: usize, n: i32, k: usize): void {
  const lowBytes = v128.load(k, K_LOW_BYTES);
  const yLo = v128.load(k, K_Y_LO), yHi = v128.load(k, K_Y_HI), yBias = v128.load(k, K_Y_BIAS);
  const shift = load<i32>(k + K_SHIFT);
  const end = src + (<usize>n << 2);
  while (src < end) {
    const y = luma16(v128.load(src), v128.load(src, 16), v128.load(src, 32), v128.load(src, 48),
      yLo, yHi, yBias, lowBytes, shift);
    v128.store(dst, y);
    src += 64;
    dst += 16;
  }
}

// Byte shuffles: drop the 4th byte of each pixel, keeping or reversing the first three.
const KEEP_RGB = memory.data<u8>([0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80], 16);
const SWAP_RGB = memory.data<u8>([2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0x80, 0x80, 0x80, 0x80], 16);

// RGB24 or BGR24 — 16 pixels → 48 bytes. `bgr` is the output order; the block's swap flag says the input's.
export function rowRGB(src: usize, dst: usize, n: i32, k: usize, bgr: bool): void {
  const mask = v128.load((load<i32>(k + K_SWAP) != 0) != bgr ? SWAP_RGB : KEEP_RGB);
  const end = src + (<usize>n << 2);
  while (src < end) {
    for (let i: usize = 0; i < 4; i++) {
      const rgb = i8x16.swizzle(v128.load(src + (i << 4)), mask);
      v128.store64_lane(dst + i * 12, rgb, 0);
      v128.store32_lane(dst + i * 12, rgb, 2, 8);
    }
    src += 64;
    dst += 48;
  }
}

// The frame driver: walks rows (or row pairs for 4:2:0), bottom-up for flipY, unpacks 3- and 1-byte
// inputs to a 4-byte row, reverses the row into scratch for mirror, runs the row kernel on the part of
// the row that is a whole number of 16-pixel blocks, and finishes the rest (libyuv's "Any" scheme): one
// more block written to a scratch tail, of which only the real pixels are copied out. No pixel maths here.
import { rowGray, rowI420, rowI422, rowNV12, rowRGB, rowUYVY, rowYUYV } from './rows';
import { copyTail422, rowAt, scratchRow, TAIL_U, TAIL_V } from './scratch';
import { reverse4 } from './shuffle';
import { unpackGray, unpackRGB24 } from './unpack';

export const KERNEL_YUYV: i32 = 0;
export const KERNEL_UYVY: i32 = 1;
export const KERNEL_I420: i32 = 2;
export const KERNEL_NV12: i32 = 3;
export const KERNEL_RGB24: i32 = 4;
export const KERNEL_BGR24: i32 = 5;
export const KERNEL_GRAY: i32 = 6;
/** Planar 4:2:2: no camera carries it; Y4M recordings of YUYV and UYVY do. */
export const KERNEL_I422: i32 = 7;

/** Output pixel x is input pixel width − 1 − x. */
export const FLAG_MIRROR: i32 = 1;
/** Output row y is input row height − 1 − y. */
export const FLAG_FLIP_Y: i32 = 2;

/**
 * Bytes a kernel may read past the end of the input (the last block of the last row) and that the
 * caller must leave readable after it.
 */
export const INPUT_OVERREAD: usize = 64;

function unpack(bytesPerPixel: i32, src: usize, dst: usize, width: i32): void {
  const n = (width + 15) & ~15;
  if (bytesPerPixel == 3) unpackRGB24(src, dst, n);
  else unpackGray(src, dst, n);
}

/**
 * Converts one frame. `src` rows are `stride` bytes apart, `bytesPerPixel` 4 (in the colour block's
 * channel order), 3 or 1. Output planes: d0 (packed or Y), d1 (U, or NV12's UV), d2 (V). `flags`:
 * FLAG_MIRROR, FLAG_FLIP_Y.
 */
export function convertFrame(
  kernel: i32, bytesPerPixel: i32, width: i32, height: i32, src: usize, stride: i32,
  d0: usize, d1: usize, d2: usize, k: usize, scratch: usize, flags: i32,
): void {
  convertBand(kernel, bytesPerPixel, width, height, src, stride, d0, d1, d2, k, scratch, flags, 0);
}

/**
 * Converts `height` source rows into output rows [top, top + height) of the planes at d0, d1, d2 (an
 * even `top` for 4:2:0): a whole frame when `top` is 0, or one band of it (patternframe.ts). flipY
 * turns the band over; the caller hands the band of source rows that lands there.
 */
export function convertBand(
  kernel: i32, bytesPerPixel: i32, width: i32, height: i32, src: usize, stride: i32,
  d0: usize, d1: usize, d2: usize, k: usize, scratch: usize, flags: i32, top: i32,
): void {
  const pairs = kernel == KERNEL_I420 || kernel == KERNEL_NV12;
  const w = <usize>width;
  const full = width & ~15;
  const done = <usize>full;
  const rem = w - done;
  const mirror = (flags & FLAG_MIRROR) != 0;
  const flip = (flags & FLAG_FLIP_Y) != 0;
  const tail = scratch;
  const rowA = scratchRow(scratch, width, 0), rowB = scratchRow(scratch, width, 1);
  const rowC = scratchRow(scratch, width, 2), rowD = scratchRow(scratch, width, 3);
  for (let y = 0; y < height; y += pairs ? 2 : 1) {
    let s0 = rowAt(src, stride, height, y, flip);
    let s1 = pairs ? rowAt(src, stride, height, y + 1, flip) : s0;
    if (bytesPerPixel != 4) {
      unpack(bytesPerPixel, s0, rowA, width);
      s0 = rowA;
      if (pairs) {
        unpack(bytesPerPixel, s1, rowB, width);
        s1 = rowB;
      }
    }
    if (mirror) {
      // Into the rows unpacking left free (4-byte input) or the next two.
      const m0 = bytesPerPixel == 4 ? rowA : rowC, m1 = bytesPerPixel == 4 ? rowB : rowD;
      reverse4(s0, m0, width);
      s0 = m0;
      if (pairs) {
        reverse4(s1, m1, width);
        s1 = m1;
      }
    }
    const r = <usize>(top + y);
    if (kernel == KERNEL_YUYV || kernel == KERNEL_UYVY) {
      const d = d0 + r * w * 2;
      if (kernel == KERNEL_YUYV) rowYUYV(s0, d, full, k);
      else rowUYVY(s0, d, full, k);
      if (rem) {
        if (kernel == KERNEL_YUYV) rowYUYV(s0 + (done << 2), tail, 16, k);
        else rowUYVY(s0 + (done << 2), tail, 16, k);
        memory.copy(d + done * 2, tail, rem * 2);
      }
    } else if (kernel == KERNEL_I422) {
      const yRow = d0 + r * w;
      const u = d1 + r * (w >> 1), v = d2 + r * (w >> 1);
      rowI422(s0, yRow, u, v, full, k);
      if (rem) {
        rowI422(s0 + (done << 2), tail, tail + TAIL_U, tail + TAIL_V, 16, k);
        copyTail422(tail, yRow, u, v, done, rem);
      }
    } else if (kernel == KERNEL_I420) {
      const y0 = d0 + r * w, y1 = y0 + w;
      const u = d1 + (r >> 1) * (w >> 1), v = d2 + (r >> 1) * (w >> 1);
      rowI420(s0, s1, y0, y1, u, v, full, k);
      if (rem) {
        rowI420(s0 + (done << 2), s1 + (done << 2), tail, tail + 16, tail + 32, tail + 48, 16, k);
        memory.copy(y0 + done, tail, rem);
        memory.copy(y1 + done, tail + 16, rem);
        memory.copy(u + (done >> 1), tail + 32, rem >> 1);
        memory.copy(v + (done >> 1), tail + 48, rem >> 1);
      }
    } else if (kernel == KERNEL_NV12) {
      const y0 = d0 + r * w, y1 = y0 + w;
      const uv = d1 + (r >> 1) * w;
      rowNV12(s0, s1, y0, y1, uv, full, k);
      if (rem) {
        rowNV12(s0 + (done << 2), s1 + (done << 2), tail, tail + 16, tail + 32, 16, k);
        memory.copy(y0 + done, tail, rem);
        memory.copy(y1 + done, tail + 16, rem);
        memory.copy(uv + done, tail + 32, rem);
      }
    } else if (kernel == KERNEL_RGB24 || kernel == KERNEL_BGR24) {
      const bgr = kernel == KERNEL_BGR24;
      const d = d0 + r * w * 3;
      rowRGB(s0, d, full, k, bgr);
      if (rem) {
        rowRGB(s0 + (done << 2), tail, 16, k, bgr);
        memory.copy(d + done * 3, tail, rem * 3);
      }
    } else {
      const d = d0 + r * w;
      rowGray(s0, d, full, k);
      if (rem) {
        rowGray(s0 + (done << 2), tail, 16, k);
        memory.copy(d + done, tail, rem);
      }
    }
  }
}

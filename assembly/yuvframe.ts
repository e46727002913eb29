// The frame driver for YUV inputs (YUYV, UYVY, I420/YV12, NV12) to YUV outputs: the same format is a copy,
// packed ↔ packed a byte swap, 4:2:0 ↔ 4:2:0 moves planes, 4:2:0 → 4:2:2 repeats each chroma row and
// 4:2:2 → 4:2:0 averages two rows' chroma. flipY walks source rows from the bottom; mirror works from a
// reversed copy of each source row in scratch (or, where the output is the source rearranged, writes the
// reversed row straight out). Row tails as in frame.ts: one more block into scratch, the real part copied.
import { FLAG_FLIP_Y, FLAG_MIRROR, KERNEL_GRAY, KERNEL_I420, KERNEL_I422, KERNEL_NV12, KERNEL_UYVY, KERNEL_YUYV } from './frame';
import { copyTail422, MASK_AT, rowAt, scratchRow, TAIL_U, TAIL_V } from './scratch';
import { mirrorRow, REVERSE_1, REVERSE_2, setMirrorMask422 } from './shuffle';
import { rowDeinterleave, rowInterleave, rowPackedLuma, rowPackedTo420, rowPackedToPlanar, rowPlanarTo422, rowSwapBytes } from './yuvrows';

export const INPUT_YUYV: i32 = 0;
export const INPUT_UYVY: i32 = 1;
/** I420 or YV12: the caller passes the U and V planes' addresses, whichever comes first. */
export const INPUT_I420: i32 = 2;
export const INPUT_NV12: i32 = 3;

/**
 * Copies a plane of `rows` rows of `rowBytes` bytes to a packed plane at `dst`, source rows `stride`
 * bytes apart, bottom-up if `flip`; mirrored unit by unit (`mask`/`unit` as for mirrorRow) if `mirror`.
 */
function movePlane(
  src: usize, stride: i32, dst: usize, rowBytes: i32, rows: i32, mask: usize, unit: i32, mirror: bool, flip: bool,
): void {
  const n = <usize>rowBytes;
  if (mirror) {
    for (let y = 0; y < rows; y++) mirrorRow(rowAt(src, stride, rows, y, flip), dst + <usize>y * n, rowBytes, mask, unit);
  } else if (!flip && stride == rowBytes) {
    memory.copy(dst, src, n * <usize>rows);
  } else {
    for (let y = 0; y < rows; y++) memory.copy(dst + <usize>y * n, rowAt(src, stride, rows, y, flip), n);
  }
}

/**
 * Converts one frame from a YUV input. Source planes: sy (packed, or Y), su (U, or NV12's UV), sv (V),
 * luma rows `strideY` bytes apart and chroma rows `strideC`. Output planes d0 (packed or Y), d1 (U, or
 * NV12's UV), d2 (V). `flags`: FLAG_MIRROR, FLAG_FLIP_Y.
 */
export function convertYuvFrame(
  kernel: i32, input: i32, width: i32, height: i32, sy: usize, su: usize, sv: usize, strideY: i32, strideC: i32,
  d0: usize, d1: usize, d2: usize, scratch: usize, flags: i32,
): void {
  const mirror = (flags & FLAG_MIRROR) != 0;
  const flip = (flags & FLAG_FLIP_Y) != 0;
  if (input == INPUT_YUYV || input == INPUT_UYVY) {
    fromPacked(kernel, input == INPUT_UYVY, width, height, sy, strideY, d0, d1, d2, scratch, mirror, flip);
  } else {
    fromPlanar(kernel, input == INPUT_NV12, width, height, sy, su, sv, strideY, strideC, d0, d1, d2, scratch, mirror, flip);
  }
}

function fromPacked(
  kernel: i32, uyvyIn: bool, width: i32, height: i32, src: usize, stride: i32,
  d0: usize, d1: usize, d2: usize, scratch: usize, mirror: bool, flip: bool,
): void {
  const w = <usize>width;
  const rowBytes = width << 1;
  const mask = scratch + MASK_AT;
  if (kernel == KERNEL_YUYV || kernel == KERNEL_UYVY) {
    const uyvyOut = kernel == KERNEL_UYVY;
    if (uyvyIn == uyvyOut && !mirror) {
      movePlane(src, stride, d0, rowBytes, height, 0, 4, false, flip);
    } else if (!mirror) {
      for (let y = 0; y < height; y++) rowSwapBytes(rowAt(src, stride, height, y, flip), d0 + <usize>y * w * 2, rowBytes);
    } else {
      setMirrorMask422(mask, uyvyIn, uyvyOut);
      for (let y = 0; y < height; y++) mirrorRow(rowAt(src, stride, height, y, flip), d0 + <usize>y * w * 2, rowBytes, mask, 4);
    }
    return;
  }
  // Mirrored rows are first copied reversed, in their own byte order.
  if (mirror) setMirrorMask422(mask, uyvyIn, uyvyIn);
  const rowA = scratchRow(scratch, width, 0), rowB = scratchRow(scratch, width, 1);
  const full = width & ~15;
  const done = <usize>full;
  const rem = w - done;
  const tail = scratch;
  if (kernel == KERNEL_I422) {
    const cw = w >> 1;
    for (let y = 0; y < height; y++) {
      let s = rowAt(src, stride, height, y, flip);
      if (mirror) {
        mirrorRow(s, rowA, rowBytes, mask, 4);
        s = rowA;
      }
      const dy = d0 + <usize>y * w, du = d1 + <usize>y * cw, dv = d2 + <usize>y * cw;
      rowPackedToPlanar(s, dy, du, dv, full, uyvyIn);
      if (rem) {
        rowPackedToPlanar(s + (done << 1), tail, tail + TAIL_U, tail + TAIL_V, 16, uyvyIn);
        copyTail422(tail, dy, du, dv, done, rem);
      }
    }
    return;
  }
  if (kernel == KERNEL_GRAY) {
    for (let y = 0; y < height; y++) {
      let s = rowAt(src, stride, height, y, flip);
      if (mirror) {
        mirrorRow(s, rowA, rowBytes, mask, 4);
        s = rowA;
      }
      const d = d0 + <usize>y * w;
      rowPackedLuma(s, d, full, uyvyIn);
      if (rem) {
        rowPackedLuma(s + (done << 1), tail, 16, uyvyIn);
        memory.copy(d + done, tail, rem);
      }
    }
    return;
  }
  // 4:2:0: I420/YV12 (d1 = U, d2 = V) or NV12 (d1 = UV).
  const nv12 = kernel == KERNEL_NV12;
  for (let y = 0; y < height; y += 2) {
    let s0 = rowAt(src, stride, height, y, flip);
    let s1 = rowAt(src, stride, height, y + 1, flip);
    if (mirror) {
      mirrorRow(s0, rowA, rowBytes, mask, 4);
      mirrorRow(s1, rowB, rowBytes, mask, 4);
      s0 = rowA;
      s1 = rowB;
    }
    const y0 = d0 + <usize>y * w, y1 = y0 + w;
    const c = <usize>(y >> 1);
    const u = nv12 ? d1 + c * w : d1 + c * (w >> 1), v = d2 + c * (w >> 1);
    rowPackedTo420(s0, s1, y0, y1, u, v, full, uyvyIn, nv12);
    if (rem) {
      rowPackedTo420(s0 + (done << 1), s1 + (done << 1), tail, tail + 16, tail + 32, tail + 48, 16, uyvyIn, nv12);
      memory.copy(y0 + done, tail, rem);
      memory.copy(y1 + done, tail + 16, rem);
      if (nv12) {
        memory.copy(u + done, tail + 32, rem);
      } else {
        memory.copy(u + (done >> 1), tail + 32, rem >> 1);
        memory.copy(v + (done >> 1), tail + 48, rem >> 1);
      }
    }
  }
}

function fromPlanar(
  kernel: i32, nv12In: bool, width: i32, height: i32, sy: usize, su: usize, sv: usize, strideY: i32, strideC: i32,
  d0: usize, d1: usize, d2: usize, scratch: usize, mirror: bool, flip: bool,
): void {
  const w = <usize>width;
  const cw = width >> 1; // chroma samples (of each of U and V) per row
  const ch = height >> 1; // chroma rows
  const rowA = scratchRow(scratch, width, 0), rowB = scratchRow(scratch, width, 1), rowC = scratchRow(scratch, width, 2);
  const full = width & ~15;
  const done = <usize>full;
  const rem = w - done;
  const tail = scratch;

  if (kernel == KERNEL_YUYV || kernel == KERNEL_UYVY) {
    // Each output row: its own luma row and the chroma row it shares with its pair.
    const uyvyOut = kernel == KERNEL_UYVY;
    let mirrored = -1; // the chroma row now reversed in scratch
    for (let y = 0; y < height; y++) {
      const from = flip ? height - 1 - y : y;
      const c = from >> 1;
      let sRow = sy + <usize>from * <usize>strideY;
      let u = su + <usize>c * <usize>strideC, v = sv + <usize>c * <usize>strideC;
      if (mirror) {
        mirrorRow(sRow, rowA, width, REVERSE_1, 1);
        sRow = rowA;
        if (c != mirrored) {
          if (nv12In) mirrorRow(u, rowB, width, REVERSE_2, 2);
          else {
            mirrorRow(u, rowB, cw, REVERSE_1, 1);
            mirrorRow(v, rowC, cw, REVERSE_1, 1);
          }
          mirrored = c;
        }
        u = rowB;
        v = rowC;
      }
      const d = d0 + <usize>y * w * 2;
      rowPlanarTo422(sRow, u, v, d, full, uyvyOut, nv12In);
      if (rem) {
        rowPlanarTo422(sRow + done, u + (nv12In ? done : done >> 1), v + (done >> 1), tail, 16, uyvyOut, nv12In);
        memory.copy(d + (done << 1), tail, rem << 1);
      }
    }
    return;
  }

  // GREY, I420/YV12 and NV12 take the Y plane as it is.
  movePlane(sy, strideY, d0, width, height, REVERSE_1, 1, mirror, flip);
  if (kernel == KERNEL_GRAY) return;

  if (kernel == KERNEL_I422) {
    // Each output row takes the chroma row of its pair (de-interleaved from NV12's).
    const n = <usize>cw;
    for (let y = 0; y < height; y++) {
      const c = (flip ? height - 1 - y : y) >> 1;
      let u = su + <usize>c * <usize>strideC;
      const v = sv + <usize>c * <usize>strideC;
      const du = d1 + <usize>y * n, dv = d2 + <usize>y * n;
      if (nv12In) {
        if (mirror) {
          mirrorRow(u, rowA, width, REVERSE_2, 2);
          u = rowA;
        }
        rowDeinterleave(u, du, dv, full);
        if (rem) {
          rowDeinterleave(u + done, tail, tail + 16, 16);
          memory.copy(du + (done >> 1), tail, rem >> 1);
          memory.copy(dv + (done >> 1), tail + 16, rem >> 1);
        }
      } else if (mirror) {
        mirrorRow(u, du, cw, REVERSE_1, 1);
        mirrorRow(v, dv, cw, REVERSE_1, 1);
      } else {
        memory.copy(du, u, n);
        memory.copy(dv, v, n);
      }
    }
    return;
  }

  if (kernel == KERNEL_I420) {
    if (!nv12In) {
      movePlane(su, strideC, d1, cw, ch, REVERSE_1, 1, mirror, flip);
      movePlane(sv, strideC, d2, cw, ch, REVERSE_1, 1, mirror, flip);
      return;
    }
    for (let k = 0; k < ch; k++) {
      let c = rowAt(su, strideC, ch, k, flip);
      if (mirror) {
        mirrorRow(c, rowA, width, REVERSE_2, 2);
        c = rowA;
      }
      const u = d1 + <usize>k * <usize>cw, v = d2 + <usize>k * <usize>cw;
      rowDeinterleave(c, u, v, full);
      if (rem) {
        rowDeinterleave(c + done, tail, tail + 16, 16);
        memory.copy(u + (done >> 1), tail, rem >> 1);
        memory.copy(v + (done >> 1), tail + 16, rem >> 1);
      }
    }
    return;
  }

  // NV12 output.
  if (nv12In) {
    movePlane(su, strideC, d1, width, ch, REVERSE_2, 2, mirror, flip);
    return;
  }
  for (let k = 0; k < ch; k++) {
    let u = rowAt(su, strideC, ch, k, flip), v = rowAt(sv, strideC, ch, k, flip);
    if (mirror) {
      mirrorRow(u, rowA, cw, REVERSE_1, 1);
      mirrorRow(v, rowB, cw, REVERSE_1, 1);
      u = rowA;
      v = rowB;
    }
    const uv = d1 + <usize>k * w;
    rowInterleave(u, v, uv, full);
    if (rem) {
      rowInterleave(u + (done >> 1), v + (done >> 1), tail, 16);
      memory.copy(uv + done, tail, rem);
    }
  }
}

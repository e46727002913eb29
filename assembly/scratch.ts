// A converter's scratch memory: the outputs of one extra 16-pixel block (the row tail, see frame.ts),
// one shuffle mask, four rows of 4-byte pixels rounded up to whole blocks, for unpacked and mirrored
// copies of input rows, then a band of BAND_ROWS such rows that a pattern is drawn into, band by band.

/** Offset of the shuffle mask a frame may compute for itself (16 bytes). */
export const MASK_AT: usize = 192;
/** Offset of the first row; the tail block's outputs (at most 64 bytes) sit at offset 0. */
const ROWS_AT: usize = 256;
const ROWS: usize = 4;

/** Bytes of one scratch row: the width rounded up to whole 16-pixel blocks, 4 bytes a pixel. */
@inline function rowBytes(width: i32): usize {
  return (<usize>((width + 15) & ~15)) << 2;
}

/** Rows of a pattern band: 16 rows of 1080p RGBA (123 KB) stay in the L2 cache while they are converted. */
export const BAND_ROWS: i32 = 16;

/** Scratch bytes a frame of this width needs (the kernels' over-read past the band included). */
export function scratchBytes(width: i32): usize {
  return ROWS_AT + (ROWS + <usize>BAND_ROWS) * rowBytes(width) + 64;
}

/** The pattern band: BAND_ROWS rows of scratchStride(width) bytes. */
@inline export function scratchBand(scratch: usize, width: i32): usize {
  return scratch + ROWS_AT + ROWS * rowBytes(width);
}

/** Bytes between the rows of scratch (and of the band). */
@inline export function scratchStride(width: i32): i32 {
  return <i32>rowBytes(width);
}

/** The start of scratch row `i` (0 to 3). */
@inline export function scratchRow(scratch: usize, width: i32, i: usize): usize {
  return scratch + ROWS_AT + i * rowBytes(width);
}

/** The address of row `y` of a plane of `rows` rows `stride` bytes apart, counted from the bottom if `flip`. */
@inline export function rowAt(plane: usize, stride: i32, rows: i32, y: i32, flip: bool): usize {
  return plane + <usize>(flip ? rows - 1 - y : y) * <usize>stride;
}

/** Where a planar 4:2:2 tail block puts its U and V (16 luma bytes at the tail's start). */
export const TAIL_U: usize = 16;
export const TAIL_V: usize = 24;

/** Copies the real `rem` pixels of a planar 4:2:2 tail block out to the row's planes, from pixel `done`. */
@inline export function copyTail422(tail: usize, dy: usize, du: usize, dv: usize, done: usize, rem: usize): void {
  memory.copy(dy + done, tail, rem);
  memory.copy(du + (done >> 1), tail + TAIL_U, rem >> 1);
  memory.copy(dv + (done >> 1), tail + TAIL_V, rem >> 1);
}

// A converter's scratch memory: the outputs of one extra 16-pixel block (the row tail, see frame.ts),
// one shuffle mask, then four rows of 4-byte pixels rounded up to whole blocks, for unpacked and
// mirrored copies of input rows.

/** Offset of the shuffle mask a frame may compute for itself (16 bytes). */
export const MASK_AT: usize = 192;
/** Offset of the first row; the tail block's outputs (at most 64 bytes) sit at offset 0. */
const ROWS_AT: usize = 256;
const ROWS: usize = 4;

/** Bytes of one scratch row: the width rounded up to whole 16-pixel blocks, 4 bytes a pixel. */
@inline function rowBytes(width: i32): usize {
  return (<usize>((width + 15) & ~15)) << 2;
}

/** Scratch bytes a frame of this width needs. */
export function scratchBytes(width: i32): usize {
  return ROWS_AT + ROWS * rowBytes(width);
}

/** The start of scratch row `i` (0 to 3). */
@inline export function scratchRow(scratch: usize, width: i32, i: usize): usize {
  return scratch + ROWS_AT + i * rowBytes(width);
}

/** The address of row `y` of a plane of `rows` rows `stride` bytes apart, counted from the bottom if `flip`. */
@inline export function rowAt(plane: usize, stride: i32, rows: i32, y: i32, flip: bool): usize {
  return plane + <usize>(flip ? rows - 1 - y : y) * <usize>stride;
}

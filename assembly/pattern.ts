// Test patterns, drawn as RGBA into a frame (rows `stride` bytes apart): colour bars, a gradient, and a
// moving pattern — bars, a sweeping box and a frame counter and timestamp in large digits — from which a
// reader can measure latency and spot dropped or repeated frames. Any band of rows can be drawn on its
// own, the same bytes as in the whole picture, so a pattern can be converted band by band (frame.ts).

export const PATTERN_BARS: i32 = 0;
export const PATTERN_GRADIENT: i32 = 1;
export const PATTERN_MOVING: i32 = 2;

// 100 % colour bars, left to right: white, yellow, cyan, green, magenta, red, blue, black (0xAABBGGRR).
const BARS = memory.data<u32>([
  0xffffffff, 0xff00ffff, 0xffffff00, 0xff00ff00, 0xffff00ff, 0xff0000ff, 0xffff0000, 0xff000000,
]);

// A 5×7 font for "0123456789:. =": one byte per row, the low 5 bits left to right.
const FONT = memory.data<u8>([
  0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e, // 0
  0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e, // 1
  0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f, // 2
  0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e, // 3
  0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02, // 4
  0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e, // 5
  0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e, // 6
  0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, // 7
  0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e, // 8
  0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c, // 9
  0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00, // :
  0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c, // .
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // space
  0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00, // =
]);
const GLYPH_COLON: i32 = 10;
const GLYPH_DOT: i32 = 11;
const GLYPH_SPACE: i32 = 12;

/** Fills `count` pixels from `dst` with one colour, 4 pixels per store. */
function fillPixels(dst: usize, count: i32, colour: u32): void {
  const v = i32x4.splat(colour);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < count; i++) store<u32>(dst + (<usize>i << 2), colour);
}

// The band being drawn: picture rows [top, top + rows), held at `dst` (set by renderPatternRows).
let top: i32 = 0;
let rows: i32 = 0;

export function fillRect(dst: usize, stride: i32, x: i32, y: i32, w: i32, h: i32, colour: u32): void {
  for (let r = 0; r < h; r++) fillPixels(dst + <usize>(y + r) * <usize>stride + (<usize>x << 2), w, colour);
}

/** Fills a rectangle of the picture, as far as it lies in the band. */
function fillBand(dst: usize, stride: i32, x: i32, y: i32, w: i32, h: i32, colour: u32): void {
  const r1 = min(y + h, top + rows);
  for (let r = max(y, top); r < r1; r++) fillPixels(dst + <usize>(r - top) * <usize>stride + (<usize>x << 2), w, colour);
}

/** Bars in the band's first row, copied down: one row of work per band. */
function bars(dst: usize, width: i32, stride: i32): void {
  for (let b = 0; b < 8; b++) {
    const x0 = (width * b) >> 3;
    const x1 = (width * (b + 1)) >> 3;
    fillPixels(dst + (<usize>x0 << 2), x1 - x0, load<u32>(BARS + (<usize>b << 2)));
  }
  for (let r = 1; r < rows; r++) memory.copy(dst + <usize>r * <usize>stride, dst, <usize>width << 2);
}

/** Red rises left to right, green top to bottom, blue against red. */
function gradient(dst: usize, width: i32, height: i32, stride: i32): void {
  for (let y = top; y < top + rows; y++) {
    const g = height > 1 ? (y * 255) / (height - 1) : 0;
    const row = dst + <usize>(y - top) * <usize>stride;
    for (let x = 0; x < width; x++) {
      const r = width > 1 ? (x * 255) / (width - 1) : 0;
      store<u32>(row + (<usize>x << 2), 0xff000000 | ((255 - r) << 16) | (g << 8) | r);
    }
  }
}

function glyph(dst: usize, stride: i32, width: i32, height: i32, x: i32, y: i32, index: i32, scale: i32, colour: u32): void {
  for (let r = 0; r < 7; r++) {
    const bits = <i32>load<u8>(FONT + <usize>(index * 7 + r));
    for (let c = 0; c < 5; c++) {
      if (bits & (0x10 >> c)) {
        const px = x + c * scale, py = y + r * scale;
        if (px + scale <= width && py + scale <= height) fillBand(dst, stride, px, py, scale, scale, colour);
      }
    }
  }
}

/** Draws `digits` decimal digits of `value` (zero-padded) and returns the x after them. */
function number(dst: usize, stride: i32, width: i32, height: i32, x: i32, y: i32, value: i64, digits: i32, scale: i32): i32 {
  let divisor: i64 = 1;
  for (let i = 1; i < digits; i++) divisor *= 10;
  for (let i = 0; i < digits; i++) {
    glyph(dst, stride, width, height, x, y, <i32>((value / divisor) % 10), scale, 0xffffffff);
    x += 6 * scale;
    divisor /= 10;
  }
  return x;
}

// Where the moving pattern changes from frame to frame: the rows of its box and of its black band of
// digits. Every other row is a row of bars in every frame.

/** The box's side: it stays inside the frame however small it is (a 2×1 frame too). */
function boxSize(width: i32, height: i32): i32 {
  return min(max(height >> 3, 2), min(width, height));
}

function boxTop(height: i32, box: i32): i32 {
  return max(height - box - (height >> 4), 0);
}

/** The black band's height, 0 when the digits do not fit. */
function textRows(height: i32): i32 {
  const band = 9 * max(height / 90, 1);
  return band > height ? 0 : band;
}

/** Whether picture rows [bandTop, bandTop + bandRows) of pattern `kind` differ from one frame to another. */
export function patternRowsMove(kind: i32, width: i32, height: i32, bandTop: i32, bandRows: i32): bool {
  if (kind != PATTERN_MOVING) return false;
  const end = bandTop + bandRows;
  const box = boxSize(width, height), y = boxTop(height, box);
  return bandTop < textRows(height) || (bandTop < y + box && y < end);
}

/**
 * Bars, a box that sweeps one step per frame, and on a black band the frame number and the time
 * (HH:MM:SS.mmm) at which the frame was made: `frame` and `millis` come from the caller.
 */
function moving(dst: usize, width: i32, height: i32, stride: i32, frame: i32, millis: i64): void {
  bars(dst, width, stride);
  // frame × step may pass 2^31.
  const box = boxSize(width, height);
  const travel = width - box;
  const step = max(width >> 6, 1);
  let pos = travel > 0 ? <i32>((<i64>frame * <i64>step) % <i64>(2 * travel)) : 0;
  if (pos > travel) pos = 2 * travel - pos; // bounce
  fillBand(dst, stride, pos, boxTop(height, box), box, box, 0xff808080);
  const scale = max(height / 90, 1);
  const band = textRows(height);
  if (band == 0) return;
  fillBand(dst, stride, 0, 0, width, band, 0xff000000);
  let x = scale;
  x = number(dst, stride, width, height, x, scale, frame, 6, scale);
  glyph(dst, stride, width, height, x, scale, GLYPH_SPACE, scale, 0xffffffff);
  x += 6 * scale;
  const ms = millis % 1000, s = (millis / 1000) % 60, m = (millis / 60000) % 60, h = (millis / 3600000) % 100;
  x = number(dst, stride, width, height, x, scale, h, 2, scale);
  glyph(dst, stride, width, height, x, scale, GLYPH_COLON, scale, 0xffffffff);
  x = number(dst, stride, width, height, x + 6 * scale, scale, m, 2, scale);
  glyph(dst, stride, width, height, x, scale, GLYPH_COLON, scale, 0xffffffff);
  x = number(dst, stride, width, height, x + 6 * scale, scale, s, 2, scale);
  glyph(dst, stride, width, height, x, scale, GLYPH_DOT, scale, 0xffffffff);
  number(dst, stride, width, height, x + 6 * scale, scale, ms, 3, scale);
}

/** Draws pattern `kind` into the RGBA frame at `dst`. */
export function renderPattern(kind: i32, dst: usize, width: i32, height: i32, stride: i32, frame: i32, millis: f64): void {
  renderPatternRows(kind, dst, width, height, stride, 0, height, frame, millis);
}

/** Draws rows [bandTop, bandTop + bandRows) of pattern `kind` (a width × height picture) at `dst`. */
export function renderPatternRows(
  kind: i32, dst: usize, width: i32, height: i32, stride: i32, bandTop: i32, bandRows: i32, frame: i32, millis: f64,
): void {
  top = bandTop;
  rows = bandRows;
  if (kind == PATTERN_GRADIENT) gradient(dst, width, height, stride);
  else if (kind == PATTERN_MOVING) moving(dst, width, height, stride, frame, <i64>millis);
  else bars(dst, width, stride);
}

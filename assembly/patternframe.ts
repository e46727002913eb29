// A test pattern converted straight into an output frame: each band of BAND_ROWS rows is drawn into
// scratch and converted from there by the frame driver, so the RGBA picture is never whole in memory.
// The same bytes as renderPattern then convertFrame (every band is drawn as in the whole picture, and
// a band of a flipped frame is the flipped band of source rows), from 123 KB instead of 8 MB at 1080p.
import { convertBand, FLAG_FLIP_Y } from './frame';
import { patternRowsMove, renderPatternRows } from './pattern';
import { BAND_ROWS, scratchBand, scratchStride } from './scratch';

/**
 * Converts pattern `kind` (see renderPattern) into output planes d0, d1, d2 as convertFrame would.
 * `onlyMoving`: the planes already hold this pattern, converted with the same kernel, size, colour and
 * flags (another frame of it), so only the bands with rows that move are converted again.
 */
export function convertPattern(
  kernel: i32, kind: i32, frame: i32, millis: f64, width: i32, height: i32,
  d0: usize, d1: usize, d2: usize, k: usize, scratch: usize, flags: i32, onlyMoving: bool,
): void {
  const band = scratchBand(scratch, width);
  const stride = scratchStride(width);
  const flip = (flags & FLAG_FLIP_Y) != 0;
  for (let y = 0; y < height; y += BAND_ROWS) {
    const rows = min(BAND_ROWS, height - y);
    // Output rows [y, y + rows) come from source rows [height − y − rows, height − y) when flipped.
    const from = flip ? height - y - rows : y;
    if (onlyMoving && !patternRowsMove(kind, width, height, from, rows)) continue;
    renderPatternRows(kind, band, width, height, stride, from, rows, frame, millis);
    convertBand(kernel, 4, width, rows, band, stride, d0, d1, d2, k, scratch, flags, y);
  }
}

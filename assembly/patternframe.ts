// A test pattern converted straight into an output frame: each band of BAND_ROWS rows is drawn into
// scratch and converted from there by the frame driver, so the RGBA picture is never whole in memory.
// The same bytes as renderPattern then convertFrame (every band is drawn as in the whole picture, and
// a band of a flipped frame is the flipped band of source rows), from 123 KB instead of 8 MB at 1080p.
import { convertFrame, FLAG_FLIP_Y, KERNEL_BGR24, KERNEL_I420, KERNEL_I422, KERNEL_NV12, KERNEL_RGB24, KERNEL_UYVY, KERNEL_YUYV } from './frame';
import { renderPatternRows } from './pattern';
import { BAND_ROWS, scratchBand, scratchStride } from './scratch';

/** Converts pattern `kind` (see renderPattern) into output planes d0, d1, d2 as convertFrame would. */
export function convertPattern(
  kernel: i32, kind: i32, frame: i32, millis: f64, width: i32, height: i32,
  d0: usize, d1: usize, d2: usize, k: usize, scratch: usize, flags: i32,
): void {
  const band = scratchBand(scratch, width);
  const stride = scratchStride(width);
  const flip = (flags & FLAG_FLIP_Y) != 0;
  const w = <usize>width;
  for (let y = 0; y < height; y += BAND_ROWS) {
    const rows = min(BAND_ROWS, height - y);
    // Output rows [y, y + rows) come from source rows [height − y − rows, height − y) when flipped.
    renderPatternRows(kind, band, width, height, stride, flip ? height - y - rows : y, rows, frame, millis);
    const r = <usize>y;
    let o0: usize, o1: usize = 0, o2: usize = 0;
    if (kernel == KERNEL_YUYV || kernel == KERNEL_UYVY) o0 = r * w * 2;
    else if (kernel == KERNEL_RGB24 || kernel == KERNEL_BGR24) o0 = r * w * 3;
    else {
      o0 = r * w; // Y, or gray
      if (kernel == KERNEL_I422) o1 = o2 = r * (w >> 1);
      else if (kernel == KERNEL_I420) o1 = o2 = (r >> 1) * (w >> 1);
      else if (kernel == KERNEL_NV12) o1 = (r >> 1) * w;
    }
    convertFrame(kernel, 4, width, rows, band, stride, d0 + o0, d1 ? d1 + o1 : 0, d2 ? d2 + o2 : 0, k, scratch, flags);
  }
}

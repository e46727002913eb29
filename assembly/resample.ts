// Resampling RGBA: a source rectangle into a destination rectangle. Shrinking in both directions
// averages every source pixel a destination pixel covers (area); otherwise bilinear. Run once per
// image (a slideshow repeats the result), so plain scalar code is enough.
import { fillRect } from './pattern';

@inline function channel(p: u32, shift: u32): u32 {
  return (p >> shift) & 0xff;
}

function area(src: usize, sstride: i32, sx: i32, sy: i32, sw: i32, sh: i32, dst: usize, dstride: i32, dx: i32, dy: i32, dw: i32, dh: i32): void {
  for (let y = 0; y < dh; y++) {
    const y0 = sy + <i32>((<i64>y * sh) / dh);
    const y1 = max(y0 + 1, sy + <i32>((<i64>(y + 1) * sh) / dh));
    const out = dst + <usize>(dy + y) * <usize>dstride + (<usize>dx << 2);
    for (let x = 0; x < dw; x++) {
      const x0 = sx + <i32>((<i64>x * sw) / dw);
      const x1 = max(x0 + 1, sx + <i32>((<i64>(x + 1) * sw) / dw));
      let r: u32 = 0, g: u32 = 0, b: u32 = 0, a: u32 = 0;
      for (let yy = y0; yy < y1; yy++) {
        const row = src + <usize>yy * <usize>sstride;
        for (let xx = x0; xx < x1; xx++) {
          const p = load<u32>(row + (<usize>xx << 2));
          r += channel(p, 0); g += channel(p, 8); b += channel(p, 16); a += channel(p, 24);
        }
      }
      const n = <u32>((y1 - y0) * (x1 - x0));
      const half = n >> 1;
      store<u32>(out + (<usize>x << 2), ((r + half) / n) | (((g + half) / n) << 8) | (((b + half) / n) << 16) | (((a + half) / n) << 24));
    }
  }
}

function bilinear(src: usize, sstride: i32, sx: i32, sy: i32, sw: i32, sh: i32, dst: usize, dstride: i32, dx: i32, dy: i32, dw: i32, dh: i32): void {
  const xScale = <f64>sw / dw, yScale = <f64>sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = max<f64>(0, min<f64>(<f64>sh - 1, (y + 0.5) * yScale - 0.5));
    const y0 = <i32>fy;
    const y1 = min(y0 + 1, sh - 1);
    const wy = <u32>((fy - y0) * 256 + 0.5);
    const row0 = src + <usize>(sy + y0) * <usize>sstride, row1 = src + <usize>(sy + y1) * <usize>sstride;
    const out = dst + <usize>(dy + y) * <usize>dstride + (<usize>dx << 2);
    for (let x = 0; x < dw; x++) {
      const fx = max<f64>(0, min<f64>(<f64>sw - 1, (x + 0.5) * xScale - 0.5));
      const x0 = <i32>fx;
      const x1 = min(x0 + 1, sw - 1);
      const wx = <u32>((fx - x0) * 256 + 0.5);
      const a = load<u32>(row0 + (<usize>(sx + x0) << 2)), b = load<u32>(row0 + (<usize>(sx + x1) << 2));
      const c = load<u32>(row1 + (<usize>(sx + x0) << 2)), d = load<u32>(row1 + (<usize>(sx + x1) << 2));
      let pixel: u32 = 0;
      for (let shift: u32 = 0; shift < 32; shift += 8) {
        const top = channel(a, shift) * (256 - wx) + channel(b, shift) * wx;
        const bottom = channel(c, shift) * (256 - wx) + channel(d, shift) * wx;
        pixel |= (((top * (256 - wy) + bottom * wy) + 32768) >> 16) << shift;
      }
      store<u32>(out + (<usize>x << 2), pixel);
    }
  }
}

/**
 * Draws the source rectangle (sx, sy, sw, sh) of an RGBA image into the destination rectangle
 * (dx, dy, dw, dh) of an RGBA frame, first filling the whole frame (width × height) with `background`
 * when the rectangle does not cover it (letterboxing).
 */
export function drawImage(
  src: usize, sstride: i32, sx: i32, sy: i32, sw: i32, sh: i32,
  dst: usize, dstride: i32, width: i32, height: i32, dx: i32, dy: i32, dw: i32, dh: i32, background: u32,
): void {
  if (dx > 0 || dy > 0 || dw < width || dh < height) fillRect(dst, dstride, 0, 0, width, height, background);
  if (sw >= dw && sh >= dh) area(src, sstride, sx, sy, sw, sh, dst, dstride, dx, dy, dw, dh);
  else bilinear(src, sstride, sx, sy, sw, sh, dst, dstride, dx, dy, dw, dh);
}

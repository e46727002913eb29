/** How an image fills a frame of another shape: the source and destination rectangles. */
export const FITS = ['contain', 'cover', 'stretch'] as const;
export type Fit = (typeof FITS)[number];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * contain: the whole image, letterboxed; cover: the frame filled, the image's overflow cropped evenly;
 * stretch: the whole image into the whole frame.
 */
export function fitRects(fit: Fit, sw: number, sh: number, dw: number, dh: number): { src: Rect; dst: Rect } {
  const whole = (w: number, h: number): Rect => ({ x: 0, y: 0, w, h });
  if (fit === 'stretch') return { src: whole(sw, sh), dst: whole(dw, dh) };
  if (fit === 'contain') {
    const scale = Math.min(dw / sw, dh / sh);
    const w = Math.max(1, Math.min(dw, Math.round(sw * scale)));
    const h = Math.max(1, Math.min(dh, Math.round(sh * scale)));
    return { src: whole(sw, sh), dst: { x: (dw - w) >> 1, y: (dh - h) >> 1, w, h } };
  }
  const scale = Math.max(dw / sw, dh / sh);
  const w = Math.max(1, Math.min(sw, Math.round(dw / scale)));
  const h = Math.max(1, Math.min(sh, Math.round(dh / scale)));
  return { src: { x: (sw - w) >> 1, y: (sh - h) >> 1, w, h }, dst: whole(dw, dh) };
}

/**
 * YUV4MPEG2 (.y4m) framing: a text header, then "FRAME\n" and the planes of each frame, in Y, U, V order
 * (Y4M carries planar YUV only). A recording's converters write that layout straight away (`y4mLayout`:
 * packed 4:2:2 as planar I422, NV12 and YV12 as I420, gray as it is), so each frame goes out as it lies in
 * memory: one writev of the marker and the frame, no repacking pass. RGB has no Y4M form and is refused.
 */
import type { Range } from '../colour.js';
import type { FormatName, LayoutName } from '../formats.js';
import { timePerFrame } from '../v4l2/output.js';
import { ArgumentRangeError } from '../errors.js';

/** Each YUV format's Y4M colour tag, and the layout its frames are written in. */
const Y4M: Partial<Record<FormatName, { readonly tag: string; readonly layout: LayoutName }>> = {
  yuyv: { tag: 'C422', layout: 'i422' },
  uyvy: { tag: 'C422', layout: 'i422' },
  i420: { tag: 'C420jpeg', layout: 'i420' },
  yv12: { tag: 'C420jpeg', layout: 'i420' },
  nv12: { tag: 'C420jpeg', layout: 'i420' },
  gray: { tag: 'Cmono', layout: 'gray' },
};

export const FRAME_MARKER = Buffer.from('FRAME\n');

/** The layout a Y4M recording of `format` is converted to (RGB keeps its own: the header refuses it). */
export function y4mLayout(format: FormatName): LayoutName {
  return Y4M[format]?.layout ?? format;
}

/** The stream header line, or a RangeError for formats Y4M cannot carry. */
export function y4mHeader(format: FormatName, width: number, height: number, fps: number, range: Range): string {
  const tag = Y4M[format]?.tag;
  if (!tag) {
    throw new ArgumentRangeError(`Y4M carries planar YUV only, not ${format}: use --format yuyv, i420, nv12 or gray for a .y4m file, or raw output (--output -)`);
  }
  const { numerator, denominator } = timePerFrame(fps);
  return `YUV4MPEG2 W${width} H${height} F${denominator}:${numerator} Ip A1:1 ${tag} XCOLORRANGE=${range === 'full' ? 'FULL' : 'LIMITED'}\n`;
}

/** The chunks of one Y4M frame (the marker, then a frame in `y4mLayout`), in one list reused for every frame. */
export function y4mChunks(): (frame: Uint8Array) => Uint8Array[] {
  const chunks: Uint8Array[] = [FRAME_MARKER, FRAME_MARKER];
  return (frame) => {
    chunks[1] = frame;
    return chunks;
  };
}

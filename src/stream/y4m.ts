/**
 * YUV4MPEG2 (.y4m) framing: a text header, then "FRAME\n" and the planes of each frame, planar only.
 * Packed 4:2:2 (YUYV, UYVY) becomes planar C422 and NV12's interleaved chroma becomes C420 planes;
 * I420 and YV12 are written plane by plane (YV12's planes reordered); gray is Cmono. RGB has no Y4M
 * form and is refused.
 */
import type { Range } from '../colour.js';
import { frameLayout, type FormatName, type FrameLayout } from '../formats.js';
import { timePerFrame } from '../v4l2/output.js';

const COLOUR_TAGS: Partial<Record<FormatName, string>> = {
  yuyv: 'C422', uyvy: 'C422', i420: 'C420jpeg', yv12: 'C420jpeg', nv12: 'C420jpeg', gray: 'Cmono',
};

export const FRAME_MARKER = Buffer.from('FRAME\n');

/** The stream header line, or a RangeError for formats Y4M cannot carry. */
export function y4mHeader(format: FormatName, width: number, height: number, fps: number, range: Range): string {
  const tag = COLOUR_TAGS[format];
  if (!tag) {
    throw new RangeError(`Y4M carries planar YUV only, not ${format}: use --format yuyv, i420, nv12 or gray for a .y4m file, or raw output (--output -)`);
  }
  const { numerator, denominator } = timePerFrame(fps);
  return `YUV4MPEG2 W${width} H${height} F${denominator}:${numerator} Ip A1:1 ${tag} XCOLORRANGE=${range === 'full' ? 'FULL' : 'LIMITED'}\n`;
}

/**
 * Turns one frame into the byte chunks of a Y4M frame (after the FRAME marker), in Y, U, V order.
 * Planar formats give views of the frame itself; packed ones are repacked into a buffer made once.
 */
export class Y4mPlanes {
  readonly #layout: FrameLayout;
  readonly #scratch: Uint8Array | undefined;

  constructor(readonly format: FormatName, width: number, height: number) {
    this.#layout = frameLayout(format, width, height);
    if (!COLOUR_TAGS[format]) throw new RangeError(`Y4M carries planar YUV only, not ${format}`);
    this.#scratch = format === 'yuyv' || format === 'uyvy' || format === 'nv12' ? new Uint8Array(this.#layout.sizeImage) : undefined;
  }

  chunks(frame: Uint8Array): Uint8Array[] {
    const { planes, width, height } = this.#layout;
    const view = (p: { offset: number; size: number }) => frame.subarray(p.offset, p.offset + p.size);
    switch (this.format) {
      case 'i420':
      case 'gray':
        return planes.map(view);
      case 'yv12':
        return [view(planes[0]!), view(planes[2]!), view(planes[1]!)];
      case 'nv12': {
        const out = this.#scratch!;
        const ySize = width * height;
        const cSize = ySize / 4;
        out.set(frame.subarray(0, ySize));
        for (let i = 0; i < cSize; i++) {
          out[ySize + i] = frame[ySize + 2 * i]!;
          out[ySize + cSize + i] = frame[ySize + 2 * i + 1]!;
        }
        return [out];
      }
      default: {
        // YUYV: Y0 U Y1 V; UYVY: U Y0 V Y1. Planar 4:2:2: Y plane, then U and V at half width.
        const out = this.#scratch!;
        const pixels = width * height;
        const [y0, u, y1, v] = this.format === 'yuyv' ? [0, 1, 2, 3] : [1, 0, 3, 2];
        for (let i = 0, o = 0; i < pixels / 2; i++, o += 4) {
          out[2 * i] = frame[o + y0]!;
          out[2 * i + 1] = frame[o + y1]!;
          out[pixels + i] = frame[o + u]!;
          out[pixels + pixels / 2 + i] = frame[o + v]!;
        }
        return [out];
      }
    }
  }
}

/**
 * YUV4MPEG2 (.y4m) framing: a text header, then "FRAME\n" and the planes of each frame, planar only.
 * Packed 4:2:2 (YUYV, UYVY) becomes planar C422 and NV12's interleaved chroma becomes C420 planes;
 * I420 and YV12 are written plane by plane (YV12's planes reordered); gray is Cmono. RGB has no Y4M
 * form and is refused.
 */
import type { Range } from '../colour.js';
import { frameLayout, type FormatName, type FrameLayout } from '../formats.js';
import { WasmInstance } from '../convert/wasm-module.js';
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

interface Repacker {
  /** Where the frame is copied in. */
  input: Uint8Array;
  run(): void;
  /** The FRAME marker and the planes, one view. */
  chunks: Uint8Array[];
}

/**
 * Turns one frame into the chunks of a Y4M frame — the FRAME marker, then the planes in Y, U, V order —
 * for one writev, with no allocation per frame. I420 and gray frames are Y4M's layout already; YV12's
 * planes are reordered by reference; packed 4:2:2 and NV12 are repacked in WASM (a copy in, one pass of
 * byte shuffles) into planes laid out once.
 */
export class Y4mPlanes {
  readonly #layout: FrameLayout;
  readonly #repack: Repacker | undefined;
  // The chunk list is reused; YV12's plane views are re-taken only when a different frame buffer comes.
  #chunks: Uint8Array[] = [FRAME_MARKER];
  #frame: Uint8Array | undefined;

  constructor(readonly format: FormatName, width: number, height: number) {
    this.#layout = frameLayout(format, width, height);
    if (!COLOUR_TAGS[format]) throw new RangeError(`Y4M carries planar YUV only, not ${format}`);
    if (format === 'yuyv' || format === 'uyvy' || format === 'nv12') this.#repack = this.#repacker(format, width, height);
  }

  chunks(frame: Uint8Array): Uint8Array[] {
    if (this.#repack) {
      this.#repack.input.set(frame);
      this.#repack.run();
      return this.#repack.chunks;
    }
    if (frame !== this.#frame) {
      const [y, p1, p2] = this.#layout.planes.map((p) => frame.subarray(p.offset, p.offset + p.size));
      // I420 and gray: the frame is Y4M's plane order already. YV12 holds V before U.
      this.#chunks = this.format === 'yv12' ? [FRAME_MARKER, y!, p2!, p1!] : [FRAME_MARKER, frame];
      this.#frame = frame;
    }
    return this.#chunks;
  }

  #repacker(format: 'yuyv' | 'uyvy' | 'nv12', width: number, height: number): Repacker {
    const wasm = new WasmInstance();
    const size = this.#layout.sizeImage;
    const luma = width * height;
    const chroma = format === 'nv12' ? luma / 4 : luma / 2;
    const inAt = wasm.alloc(size);
    const outAt = wasm.alloc(luma + 2 * chroma);
    const [y, u, v] = [outAt, outAt + luma, outAt + luma + chroma];
    const x = wasm.exports;
    // Memory never grows after these allocations, so views taken now stay valid.
    const [lumaIn, lumaOut] = [wasm.view(inAt, luma), wasm.view(y, luma)];
    const run = format === 'nv12'
      ? () => {
        // NV12's Y plane is planar already: moved beside the chroma, so one view holds all three planes.
        lumaOut.set(lumaIn);
        x.deinterleavePairs(inAt + luma, u, v, chroma);
      }
      : () => x.packed422ToPlanar(inAt, y, u, v, luma, format === 'uyvy' ? 1 : 0);
    return { input: wasm.view(inAt, size), run, chunks: [FRAME_MARKER, wasm.view(outAt, luma + 2 * chroma)] };
  }
}

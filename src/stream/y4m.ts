/**
 * YUV4MPEG2 (.y4m) framing: a text header, then "FRAME\n" and the planes of each frame, planar only.
 * Packed 4:2:2 (YUYV, UYVY) becomes planar C422 and NV12's interleaved chroma becomes C420 planes;
 * I420 and YV12 are written plane by plane (YV12's planes reordered); gray is Cmono. RGB has no Y4M
 * form and is refused.
 */
import type { Range } from '../colour.js';
import { frameLayout, type FormatName, type FrameLayout } from '../formats.js';
import { WasmInstance, type WasmMemory } from '../convert/wasm-module.js';
import { timePerFrame } from '../v4l2/output.js';
import { ArgumentRangeError } from '../errors.js';

const COLOUR_TAGS: Partial<Record<FormatName, string>> = {
  yuyv: 'C422', uyvy: 'C422', i420: 'C420jpeg', yv12: 'C420jpeg', nv12: 'C420jpeg', gray: 'Cmono',
};

export const FRAME_MARKER = Buffer.from('FRAME\n');

/** The stream header line, or a RangeError for formats Y4M cannot carry. */
export function y4mHeader(format: FormatName, width: number, height: number, fps: number, range: Range): string {
  const tag = COLOUR_TAGS[format];
  if (!tag) {
    throw new ArgumentRangeError(`Y4M carries planar YUV only, not ${format}: use --format yuyv, i420, nv12 or gray for a .y4m file, or raw output (--output -)`);
  }
  const { numerator, denominator } = timePerFrame(fps);
  return `YUV4MPEG2 W${width} H${height} F${denominator}:${numerator} Ip A1:1 ${tag} XCOLORRANGE=${range === 'full' ? 'FULL' : 'LIMITED'}\n`;
}

interface Repacker {
  /** Where the planes go. */
  readonly planarAt: number;
  /** Repacks the frame at `address`. */
  run(address: number): void;
  /** The FRAME marker and the planes, one view. */
  readonly chunks: Uint8Array[];
}

/**
 * Turns one frame into the chunks of a Y4M frame — the FRAME marker, then the planes in Y, U, V order —
 * for one writev, with no allocation per frame. I420 and gray frames are Y4M's layout already; YV12's
 * planes are reordered by reference; packed 4:2:2 and NV12 are repacked in WASM (one pass of byte
 * shuffles) into planes laid out once. Over a stream's memory (`memory`), frames are views of it and
 * are repacked where they lie; otherwise each is copied into a memory of the repacker's own first.
 */
export class Y4mPlanes {
  readonly #layout: FrameLayout;
  readonly #repack: Repacker | undefined;
  /** Without a shared memory: where frames are copied in. */
  #input: Uint8Array | undefined;
  #inputAt = 0;
  // The chunk list is reused; YV12's plane views are re-taken only when a different frame buffer comes.
  #chunks: Uint8Array[] = [FRAME_MARKER];
  #frame: Uint8Array | undefined;

  /**
   * `memory`: the stream's (frames are views of it); `planarAt`: where in it the planes go, when laid
   * out already (the output thread's copy of a repacker the main thread made).
   */
  constructor(readonly format: FormatName, width: number, height: number, memory?: WasmMemory, planarAt?: number) {
    this.#layout = frameLayout(format, width, height);
    if (!COLOUR_TAGS[format]) throw new RangeError(`Y4M carries planar YUV only, not ${format}`); // y4mHeader refused it first
    if (format === 'yuyv' || format === 'uyvy' || format === 'nv12') this.#repack = this.#repacker(format, width, height, memory, planarAt);
  }

  /** Bytes of the planes of one frame (without the FRAME marker). */
  get frameBytes(): number {
    return this.#layout.sizeImage;
  }

  /** Where the planes are written in the memory (0 when the format needs no repacking). */
  get planarAt(): number {
    return this.#repack?.planarAt ?? 0;
  }

  chunks(frame: Uint8Array): Uint8Array[] {
    if (this.#repack) {
      if (this.#input) this.#input.set(frame);
      this.#repack.run(this.#input ? this.#inputAt : frame.byteOffset);
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

  #repacker(format: 'yuyv' | 'uyvy' | 'nv12', width: number, height: number, memory: WasmMemory | undefined, planarAt: number | undefined): Repacker {
    const wasm = new WasmInstance(memory);
    const luma = width * height;
    const chroma = format === 'nv12' ? luma / 4 : luma / 2;
    const outAt = planarAt ?? wasm.alloc(luma + 2 * chroma);
    if (!memory) {
      this.#inputAt = wasm.alloc(this.#layout.sizeImage);
      this.#input = wasm.view(this.#inputAt, this.#layout.sizeImage);
    }
    const [y, u, v] = [outAt, outAt + luma, outAt + luma + chroma];
    const x = wasm.exports;
    const run = format === 'nv12'
      ? (at: number) => {
        // NV12's Y plane is planar already: moved beside the chroma, so one view holds all three planes.
        x.copyBytes(y, at, luma);
        x.deinterleavePairs(at + luma, u, v, chroma);
      }
      : (at: number) => x.packed422ToPlanar(at, y, u, v, luma, format === 'uyvy' ? 1 : 0);
    // Views of the planes taken now: allocations made later (elsewhere in a shared memory) do not move them.
    return { planarAt: outAt, run, chunks: [FRAME_MARKER, wasm.view(outAt, luma + 2 * chroma)] };
  }
}

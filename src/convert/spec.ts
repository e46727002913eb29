/**
 * What a converter converts, checked once up front. Every wrong argument gets a TypeError (wrong
 * type) or RangeError (wrong value) whose message names the option, the value and what is expected.
 */
import { MATRICES, RANGES, type Matrix, type Range } from '../colour.js';
import {
  blockSize, canConvert, FORMAT_NAMES, FORMATS, INPUT_NAMES, inputBlockSize, inputRowBytes, inputStrideProblem, yuvInputFormat,
  type FormatName, type InputName, type LayoutName,
} from '../formats.js';
import { ArgumentTypeError, ArgumentRangeError } from '../errors.js';

export const ENGINES = ['wasm', 'js'] as const;
export type Engine = (typeof ENGINES)[number];

/** The largest width or height loopcam accepts (V4L2 drivers stop well before this). */
export const MAX_DIMENSION = 16384;

export interface ConverterOptions {
  width: number;
  height: number;
  /**
   * The pixel format you hold. Default 'rgba'. RGB inputs (and 'gray', meaning R = G = B) go through
   * the colour matrix; YUV inputs ('yuyv', 'uyvy', 'i420', 'yv12', 'nv12') convert to YUV formats and
   * 'gray' only, their samples passing through unchanged: the same format is a copy, 4:2:2 ↔ 4:2:2 and
   * 4:2:0 ↔ 4:2:0 rearrange bytes, 4:2:0 → 4:2:2 repeats each chroma row, 4:2:2 → 4:2:0 averages the
   * two rows' chroma ((a + b + 1) >> 1), and 'gray' is the Y plane.
   */
  input?: InputName;
  /** The pixel format the camera carries. Default 'yuyv'. */
  format?: FormatName;
  /** YUV matrix. Default 'bt601' (what webcams use). Applies to RGB inputs only: YUV inputs pass through. */
  matrix?: Matrix;
  /** YUV range. Default 'limited' (16–235 luma). Applies to RGB inputs only: YUV inputs pass through. */
  range?: Range;
  /**
   * Bytes from one input row to the next; default: rows are packed (width × bytes per pixel). For
   * yuyv/uyvy the row of 2 bytes per pixel; for i420/yv12/nv12 the luma row's, chroma rows being half
   * of it (i420, yv12: so it must be even) or equal to it (nv12), as V4L2 lays out padded frames.
   */
  inputStride?: number;
  /** Flip horizontally: output pixel x is input pixel width − 1 − x (a selfie view). Default false. */
  mirror?: boolean;
  /** The input rows are bottom-up (WebGL readPixels): output row y is input row height − 1 − y. Default false. */
  flipY?: boolean;
  /** 'wasm' (default, SIMD) or 'js' (the plain reference). */
  engine?: Engine;
}

/** A fully resolved, validated conversion. */
export interface FrameSpec {
  readonly width: number;
  readonly height: number;
  readonly input: InputName;
  /** The camera format; inside a Y4M recording's Streamer, the layout it is written in (`y4mLayout`). */
  readonly format: LayoutName;
  readonly matrix: Matrix;
  readonly range: Range;
  readonly inputStride: number;
  readonly mirror: boolean;
  readonly flipY: boolean;
}

/** Checks that `value` is one of `allowed`; `name` is the option's name for the message. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw new ArgumentTypeError(`${name} must be a string, one of ${allowed.join(', ')}; got ${describe(value)}`);
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ArgumentRangeError(`unknown ${name} "${value}": expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Checks a width or height: an integer from 1 to MAX_DIMENSION. */
export function dimension(name: 'width' | 'height', value: unknown): number {
  if (typeof value !== 'number') throw new ArgumentTypeError(`${name} must be a number of pixels; got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new ArgumentRangeError(`${name} must be an integer from 1 to ${MAX_DIMENSION}; got ${value}`);
  }
  return value;
}

export function resolveSpec(options: ConverterOptions): FrameSpec & { readonly format: FormatName } {
  if (options === null || typeof options !== 'object') {
    throw new ArgumentTypeError(`converter options must be an object like { width: 1280, height: 720 }; got ${describe(options)}`);
  }
  const width = dimension('width', options.width);
  const height = dimension('height', options.height);
  const input = oneOf('input', options.input, INPUT_NAMES, 'rgba');
  const format = oneOf('format', options.format, FORMAT_NAMES, 'yuyv');
  const matrix = oneOf('matrix', options.matrix, MATRICES, 'bt601');
  const range = oneOf('range', options.range, RANGES, 'limited');
  if (!canConvert(input, format)) {
    const yuvFormats = FORMAT_NAMES.filter((name) => FORMATS[name].yuv).join(', ');
    const pixelInputs = INPUT_NAMES.filter((name) => yuvInputFormat(name) === undefined).join(', ');
    throw new ArgumentRangeError(`input ${input} cannot be converted to ${format}: YUV inputs convert only to YUV formats (${input} → ${yuvFormats}), and ${format} output needs an RGB or gray input (${pixelInputs} → ${format}); choose a YUV format or an RGB input`);
  }
  // The output format's block, then the input's (a YUV input brings its own subsampling).
  for (const [name, [blockWidth, blockHeight]] of [[format, blockSize(format)], [`${input} input`, inputBlockSize(input)]] as const) {
    const subsampling = blockHeight === 2 ? '4:2:0' : '4:2:2';
    if (width % blockWidth !== 0) {
      throw new ArgumentRangeError(`width ${width} is odd, but ${name} (${subsampling}) needs an even width: use ${width - 1} or ${width + 1}`);
    }
    if (height % blockHeight !== 0) {
      throw new ArgumentRangeError(`height ${height} is odd, but ${name} (${subsampling}) needs an even height: use ${height - 1} or ${height + 1}`);
    }
  }
  let inputStride = inputRowBytes(input, width);
  if (options.inputStride !== undefined) {
    if (typeof options.inputStride !== 'number') {
      throw new ArgumentTypeError(`inputStride must be a number of bytes; got ${describe(options.inputStride)}`);
    }
    const problem = inputStrideProblem(input, width, options.inputStride);
    if (problem) throw new ArgumentRangeError(`inputStride ${options.inputStride} ${problem}`);
    inputStride = options.inputStride;
  }
  const mirror = flag('mirror', options.mirror);
  const flipY = flag('flipY', options.flipY);
  return Object.freeze({ width, height, input, format, matrix, range, inputStride, mirror, flipY });
}

/** Checks a boolean option (default false). */
function flag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ArgumentTypeError(`${name} must be true or false; got ${describe(value)}`);
  return value;
}

/** A value as it should appear in an error message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * The reference converter: plain TypeScript that defines what every conversion must produce. It reads
 * the format table literally (each plane's unit of letters, for the output and for a YUV input) and is
 * written to be obviously right, not fast. The WASM engine must match it byte for byte.
 */
import { coefficients, type Weights } from '../colour.js';
import { canConvert, frameLayout, INPUTS, yuvInputFormat, yuvInputPlanes, type PixelInput } from '../formats.js';
import type { FrameSpec } from './spec.js';

/** Rounded average, as SIMD `avgr_u` computes it. */
const average = (a: number, b: number): number => (a + b + 1) >> 1;

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Where one channel of the input is stored: R, G or B of an RGB or gray input (one plane, a unit of one
 * pixel), Y, U or V of a YUV input (the plane whose unit holds that letter, as the format table says).
 */
interface Place {
  readonly offset: number;
  readonly bytesPerLine: number;
  /** Pixels and rows one unit covers, and its length in bytes. */
  readonly pixels: number;
  readonly rows: number;
  readonly unitBytes: number;
  /** The channel's byte in the unit: one for all its pixels (chroma, RGB), or one per pixel (YUYV's Y). */
  readonly bytes: readonly number[];
}

const R = 0, G = 1, B = 2;
const Y = 0, U = 1, V = 2;

/** The places of channels R, G, B of an RGB or gray input, or Y, U, V of a YUV input. */
function inputPlaces(spec: FrameSpec): Place[] {
  const yuv = yuvInputFormat(spec.input);
  if (!yuv) {
    const pixel = INPUTS[spec.input] as PixelInput;
    return [pixel.r, pixel.g, pixel.b].map((byte) => ({
      offset: 0, bytesPerLine: spec.inputStride, pixels: 1, rows: 1, unitBytes: pixel.bytesPerPixel, bytes: [byte],
    }));
  }
  const planes = yuvInputPlanes(yuv, spec.width, spec.height, spec.inputStride);
  return [...'YUV'].map((letter) => {
    const plane = planes.find((p) => p.unit.includes(letter))!;
    const bytes = [...plane.unit].flatMap((l, i) => (l === letter ? [i] : []));
    return { offset: plane.offset, bytesPerLine: plane.bytesPerLine, pixels: plane.pixels, rows: plane.rows, unitBytes: plane.unit.length, bytes };
  });
}

export function referenceConvert(spec: FrameSpec, src: Uint8Array, dst: Uint8Array): void {
  const { width, height } = spec;
  const yuvInput = yuvInputFormat(spec.input) !== undefined;
  if (!canConvert(spec.input, spec.format)) throw new RangeError(`reference: ${spec.input} input has no R, G, B for ${spec.format}`);
  // The image to convert is the input flipped: with mirror, its pixel x is the input's pixel
  // width − 1 − x; with flipY, its row y is the input's row height − 1 − y.
  const fromX = (x: number): number => (spec.mirror ? width - 1 - x : x);
  const fromY = (y: number): number => (spec.flipY ? height - 1 - y : y);
  // For each channel, where each row of the image starts and where in a row each pixel's byte is.
  const channels = inputPlaces(spec).map((place) => ({
    rowStart: Int32Array.from({ length: height }, (_, y) => place.offset + Math.floor(fromY(y) / place.rows) * place.bytesPerLine),
    column: Int32Array.from({ length: width }, (_, x) => {
      const at = fromX(x);
      const byte = place.bytes.length === 1 ? place.bytes[0]! : place.bytes[at % place.pixels]!;
      return Math.floor(at / place.pixels) * place.unitBytes + byte;
    }),
  }));
  /** Channel c of pixel (x, y) of the image (the input, flipped). */
  const sample = (c: number, x: number, y: number): number => src[channels[c]!.rowStart[y]! + channels[c]!.column[x]!]!;

  // One sample of a column of a block: the average of its two rows for 4:2:0.
  const column = (c: number, x: number, y0: number, rows: number): number =>
    rows === 2 ? average(sample(c, x, y0), sample(c, x, y0 + 1)) : sample(c, x, y0);

  // One sample averaged over a block: the rows first, then the pair of columns.
  const blockAverage = (c: number, x0: number, y0: number, pixels: number, rows: number): number =>
    pixels === 2 ? average(column(c, x0, y0, rows), column(c, x0 + 1, y0, rows)) : column(c, x0, y0, rows);

  const colour = coefficients(spec.matrix, spec.range);
  const weigh = (w: Weights, bias: number, r: number, g: number, b: number): number =>
    clampByte((w.r * r + w.g * g + w.b * b + bias) >> colour.shift);

  for (const plane of frameLayout(spec.format, width, height).planes) {
    const unitsPerRow = width / plane.pixels;
    const hasChroma = /[UV]/.test(plane.unit);
    for (let row = 0; row < plane.height; row++) {
      const y0 = row * plane.rows;
      for (let unit = 0; unit < unitsPerRow; unit++) {
        const x0 = unit * plane.pixels;
        let out = plane.offset + row * plane.bytesPerLine + unit * plane.unit.length;
        let nextLumaPixel = x0;
        let u = 0;
        let v = 0;
        if (hasChroma && yuvInput) {
          // YUV samples pass through: a chroma sample that covers both rows is averaged with itself.
          u = blockAverage(U, x0, y0, plane.pixels, plane.rows);
          v = blockAverage(V, x0, y0, plane.pixels, plane.rows);
        } else if (hasChroma) {
          const r = blockAverage(R, x0, y0, plane.pixels, plane.rows);
          const g = blockAverage(G, x0, y0, plane.pixels, plane.rows);
          const b = blockAverage(B, x0, y0, plane.pixels, plane.rows);
          u = weigh(colour.u, colour.uvBias, r, g, b);
          v = weigh(colour.v, colour.uvBias, r, g, b);
        }
        for (const letter of plane.unit) {
          switch (letter) {
            case 'Y': {
              const x = nextLumaPixel++;
              dst[out++] = yuvInput ? sample(Y, x, y0) : weigh(colour.y, colour.yBias, sample(R, x, y0), sample(G, x, y0), sample(B, x, y0));
              break;
            }
            case 'U': dst[out++] = u; break;
            case 'V': dst[out++] = v; break;
            case 'R': dst[out++] = sample(R, x0, y0); break;
            case 'G': dst[out++] = sample(G, x0, y0); break;
            case 'B': dst[out++] = sample(B, x0, y0); break;
            default: throw new Error(`format table: unknown sample letter ${letter}`);
          }
        }
      }
    }
  }
}

/**
 * The reference converter: plain TypeScript that defines what every conversion must produce. It reads
 * the format table literally (each plane's unit of letters) and is written to be obviously right, not
 * fast. The WASM engine must match it byte for byte.
 */
import { coefficients, type Weights } from '../colour.js';
import { frameLayout, INPUTS } from '../formats.js';
import type { FrameSpec } from './spec.js';

/** Rounded average, as SIMD `avgr_u` computes it. */
const average = (a: number, b: number): number => (a + b + 1) >> 1;

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

export function referenceConvert(spec: FrameSpec, src: Uint8Array, dst: Uint8Array): void {
  const { width, height, inputStride } = spec;
  const pixel = INPUTS[spec.input];
  const colour = coefficients(spec.matrix, spec.range);
  const weigh = (w: Weights, bias: number, r: number, g: number, b: number): number =>
    clampByte((w.r * r + w.g * g + w.b * b + bias) >> colour.shift);

  // One channel of the pixel at (x, y); `channel` is its byte offset inside the pixel.
  const at = (channel: number, x: number, y: number): number => src[y * inputStride + x * pixel.bytesPerPixel + channel]!;

  // One channel of a column of a block: the average of its two rows for 4:2:0.
  const column = (channel: number, x: number, y0: number, rows: number): number =>
    rows === 2 ? average(at(channel, x, y0), at(channel, x, y0 + 1)) : at(channel, x, y0);

  // One channel averaged over a block: the rows first, then the pair of columns.
  const blockAverage = (channel: number, x0: number, y0: number, pixels: number, rows: number): number =>
    pixels === 2 ? average(column(channel, x0, y0, rows), column(channel, x0 + 1, y0, rows)) : column(channel, x0, y0, rows);

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
        if (hasChroma) {
          const r = blockAverage(pixel.r, x0, y0, plane.pixels, plane.rows);
          const g = blockAverage(pixel.g, x0, y0, plane.pixels, plane.rows);
          const b = blockAverage(pixel.b, x0, y0, plane.pixels, plane.rows);
          u = weigh(colour.u, colour.uvBias, r, g, b);
          v = weigh(colour.v, colour.uvBias, r, g, b);
        }
        for (const letter of plane.unit) {
          switch (letter) {
            case 'Y': {
              const x = nextLumaPixel++;
              dst[out++] = weigh(colour.y, colour.yBias, at(pixel.r, x, y0), at(pixel.g, x, y0), at(pixel.b, x, y0));
              break;
            }
            case 'U': dst[out++] = u; break;
            case 'V': dst[out++] = v; break;
            case 'R': dst[out++] = at(pixel.r, x0, y0); break;
            case 'G': dst[out++] = at(pixel.g, x0, y0); break;
            case 'B': dst[out++] = at(pixel.b, x0, y0); break;
            default: throw new Error(`format table: unknown sample letter ${letter}`);
          }
        }
      }
    }
  }
}

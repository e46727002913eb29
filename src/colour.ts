/**
 * RGB → Y'CbCr colour matrices as integer data. Both engines compute, per sample,
 *
 *     value = clamp((cr·R + cg·G + cb·B + bias) >> shift, 0, 255)
 *
 * with these coefficients: the JS reference in plain numbers, WASM in 32-bit SIMD lanes.
 */

export const MATRICES = ['bt601', 'bt709'] as const;
export const RANGES = ['limited', 'full'] as const;
export type Matrix = (typeof MATRICES)[number];
export type Range = (typeof RANGES)[number];

/** Luma weights of red and blue; green's is 1 − Kr − Kb (ITU-R BT.601-7 and BT.709-6). */
const WEIGHTS: Record<Matrix, { kr: number; kb: number }> = {
  bt601: { kr: 0.299, kb: 0.114 },
  bt709: { kr: 0.2126, kb: 0.0722 },
};

/** Integer weights of one output sample. */
export interface Weights {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export interface Coefficients {
  readonly matrix: Matrix;
  readonly range: Range;
  /** Fixed-point bits: every weight is scaled by 2^shift. */
  readonly shift: number;
  readonly y: Weights;
  readonly u: Weights;
  readonly v: Weights;
  /** Offset (16 or 0 for Y, 128 for U/V) scaled by 2^shift, plus the rounding term. */
  readonly yBias: number;
  readonly uvBias: number;
}

/**
 * BT.601 limited range is libyuv's formula, bit for bit (8 fractional bits, chroma truncated):
 *   Y = ( 66 R + 129 G +  25 B + 0x1080) >> 8   66 = 0.299·219/255·256 = 65.7 → 66 (sum 220: white → 235)
 *   U = (-38 R −  74 G + 112 B + 0x8000) >> 8   112 = 0.5·224/255·256 = 112.4 → 112 (sum 0: grey → 128)
 *   V = (112 R −  94 G −  18 B + 0x8000) >> 8
 * Real webcams and most readers assume exactly this, so matching libyuv keeps frames identical to
 * what other tools produce.
 */
const LIBYUV_BT601_LIMITED: Coefficients = {
  matrix: 'bt601', range: 'limited', shift: 8,
  y: { r: 66, g: 129, b: 25 },
  u: { r: -38, g: -74, b: 112 },
  v: { r: 112, g: -94, b: -18 },
  yBias: 0x1080,
  uvBias: 0x8000,
};

/**
 * The other three combinations are derived from the standard's Kr and Kb with 15 fractional bits (a
 * weight stays below 2^15, as a signed 16-bit SIMD lane needs), rounded to nearest: every sample is
 * then within 0.52 of the exact value. Green's weight absorbs the rounding so that white and black
 * map exactly to the range's ends and every grey to chroma 128.
 */
const SHIFT = 15;

function derive(matrix: Matrix, range: Range): Coefficients {
  const { kr, kb } = WEIGHTS[matrix];
  const one = 2 ** SHIFT;
  const luma = range === 'full' ? 1 : 219 / 255; // Y spans 16..235 in limited range
  const chroma = range === 'full' ? 1 : 224 / 255; // U/V span 16..240 in limited range
  const yr = Math.round(kr * luma * one);
  const yb = Math.round(kb * luma * one);
  const ySum = Math.round(luma * one);
  // Cb = (B − Y) / (2 (1 − Kb)), Cr = (R − Y) / (2 (1 − Kr)), each scaled to the chroma span.
  const ur = Math.round((-kr / (2 * (1 - kb))) * chroma * one);
  const ub = Math.round(0.5 * chroma * one);
  const vr = ub;
  const vb = Math.round((-kb / (2 * (1 - kr))) * chroma * one);
  return {
    matrix, range, shift: SHIFT,
    y: { r: yr, g: ySum - yr - yb, b: yb },
    u: { r: ur, g: -ur - ub, b: ub },
    v: { r: vr, g: -vr - vb, b: vb },
    yBias: (range === 'full' ? 0 : 16 * one) + one / 2,
    uvBias: 128 * one + one / 2,
  };
}

const TABLE = new Map<string, Coefficients>();

/** The integer coefficients for a matrix and range (cached; the objects are frozen). */
export function coefficients(matrix: Matrix, range: Range): Coefficients {
  const key = `${matrix}/${range}`;
  let c = TABLE.get(key);
  if (!c) {
    c = Object.freeze(matrix === 'bt601' && range === 'limited' ? LIBYUV_BT601_LIMITED : derive(matrix, range));
    TABLE.set(key, c);
  }
  return c;
}

/** The exact (floating-point) Y, U, V of an RGB colour: the yardstick the integer maths is tested against. */
export function exactYuv(matrix: Matrix, range: Range, r: number, g: number, b: number): [number, number, number] {
  const { kr, kb } = WEIGHTS[matrix];
  const y = kr * r + (1 - kr - kb) * g + kb * b;
  const cb = (b - y) / (2 * (1 - kb));
  const cr = (r - y) / (2 * (1 - kr));
  if (range === 'full') return [y, 128 + cb, 128 + cr];
  return [16 + (y * 219) / 255, 128 + (cb * 224) / 255, 128 + (cr * 224) / 255];
}

/** The V4L2 colorimetry fields that tell readers how to interpret a frame's YUV (or RGB) values. */
import type { Matrix, Range } from '../colour.js';
import { FORMATS, type FormatName } from '../formats.js';
import * as C from './constants.js';

export interface Colorimetry {
  colorspace: number;
  ycbcr_enc: number;
  quantization: number;
  xfer_func: number;
}

export function colorimetry(format: FormatName, matrix: Matrix, range: Range): Colorimetry {
  if (!FORMATS[format].yuv) {
    return { colorspace: C.V4L2_COLORSPACE_SRGB, ycbcr_enc: 0, quantization: C.V4L2_QUANTIZATION_FULL_RANGE, xfer_func: C.V4L2_XFER_FUNC_SRGB };
  }
  if (matrix === 'bt709') {
    return { colorspace: C.V4L2_COLORSPACE_REC709, ycbcr_enc: C.V4L2_YCBCR_ENC_709,
      quantization: range === 'full' ? C.V4L2_QUANTIZATION_FULL_RANGE : C.V4L2_QUANTIZATION_LIM_RANGE, xfer_func: C.V4L2_XFER_FUNC_709 };
  }
  // BT.601: SMPTE170M in limited range (what webcams send); full range is V4L2's "JPEG" colorspace.
  return range === 'full'
    ? { colorspace: C.V4L2_COLORSPACE_JPEG, ycbcr_enc: C.V4L2_YCBCR_ENC_601, quantization: C.V4L2_QUANTIZATION_FULL_RANGE, xfer_func: C.V4L2_XFER_FUNC_SRGB }
    : { colorspace: C.V4L2_COLORSPACE_SMPTE170M, ycbcr_enc: C.V4L2_YCBCR_ENC_601, quantization: C.V4L2_QUANTIZATION_LIM_RANGE, xfer_func: C.V4L2_XFER_FUNC_709 };
}

const COLORSPACE_NAMES: Record<number, string> = { 0: 'default', 1: 'SMPTE 170M', 3: 'Rec. 709', 7: 'JPEG', 8: 'sRGB' };
export const colorspaceName = (n: number): string => COLORSPACE_NAMES[n] ?? `colorspace ${n}`;

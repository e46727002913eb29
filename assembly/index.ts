// The module's ABI, used only by src/convert/wasm-module.ts. Memory above heapBase() belongs to the
// caller, which lays out its frames there; nothing in here allocates.

export { COLOUR_BYTES, setColour } from './colour';
export {
  convertFrame, FLAG_FLIP_Y, FLAG_MIRROR, INPUT_OVERREAD,
  KERNEL_BGR24, KERNEL_GRAY, KERNEL_I420, KERNEL_I422, KERNEL_NV12, KERNEL_RGB24, KERNEL_UYVY, KERNEL_YUYV,
} from './frame';
export { scratchBytes } from './scratch';
export { convertYuvFrame, INPUT_I420, INPUT_NV12, INPUT_UYVY, INPUT_YUYV } from './yuvframe';

/** The first byte after the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
export { PATTERN_BARS, PATTERN_GRADIENT, PATTERN_MOVING, renderPattern } from './pattern';
export { convertPattern } from './patternframe';
export { drawImage } from './resample';

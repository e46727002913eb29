/**
 * The placeholder frame: one colour converted once by the reference on the smallest block the format
 * has, then each plane filled with its repeating unit, into a frame the caller gives (the stream's output
 * frame while nothing was committed: its memory is touched already, where a new 4 MB buffer costs ~10 ms
 * of page faults on this machine) or a new one.
 */
import type { Matrix, Range } from '../colour.js';
import { referenceConvert } from '../convert/reference.js';
import type { FrameSpec } from '../convert/spec.js';
import { blockSize, frameLayout, type LayoutName } from '../formats.js';

export function placeholderFrame(format: LayoutName, width: number, height: number, rgb: readonly [number, number, number],
  matrix: Matrix, range: Range, into?: Uint8Array): Uint8Array {
  const [bw, bh] = blockSize(format);
  const block: FrameSpec = { width: bw, height: bh, input: 'rgba', format, matrix, range, inputStride: bw * 4, mirror: false, flipY: false };
  const pixels = new Uint8Array(bw * bh * 4);
  for (let i = 0; i < bw * bh; i++) pixels.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  const small = new Uint8Array(frameLayout(format, bw, bh).sizeImage);
  referenceConvert(block, pixels, small);
  const out = into ?? new Uint8Array(frameLayout(format, width, height).sizeImage);
  const smallPlanes = frameLayout(format, bw, bh).planes;
  frameLayout(format, width, height).planes.forEach((plane, i) => {
    out.set(small.subarray(smallPlanes[i]!.offset, smallPlanes[i]!.offset + plane.unit.length), plane.offset);
    // Doubling copies: a 1080p plane in about 20 copyWithin calls, not a million small sets.
    for (let filled = plane.unit.length; filled < plane.size; filled *= 2) {
      out.copyWithin(plane.offset + filled, plane.offset, plane.offset + Math.min(filled, plane.size - filled));
    }
  });
  return out;
}

/**
 * The placeholder frame: one colour converted once by the reference on the smallest block the format
 * has, then each plane filled with its repeating unit. It never touches the stream's own converter, so a
 * frame committed before start() survives.
 */
import type { Matrix, Range } from '../colour.js';
import { referenceConvert } from '../convert/reference.js';
import { resolveSpec } from '../convert/spec.js';
import { blockSize, frameLayout, type FormatName } from '../formats.js';

export function placeholderFrame(format: FormatName, width: number, height: number, rgb: readonly [number, number, number],
  matrix: Matrix, range: Range): Uint8Array {
  const [bw, bh] = blockSize(format);
  const block = resolveSpec({ width: bw, height: bh, input: 'rgba', format, matrix, range });
  const pixels = new Uint8Array(bw * bh * 4);
  for (let i = 0; i < bw * bh; i++) pixels.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  const small = new Uint8Array(frameLayout(format, bw, bh).sizeImage);
  referenceConvert(block, pixels, small);
  const out = new Uint8Array(frameLayout(format, width, height).sizeImage);
  const smallPlanes = frameLayout(format, bw, bh).planes;
  frameLayout(format, width, height).planes.forEach((plane, i) => {
    const unit = small.subarray(smallPlanes[i]!.offset, smallPlanes[i]!.offset + plane.unit.length);
    for (let at = plane.offset; at < plane.offset + plane.size; at += unit.length) out.set(unit, at);
  });
  return out;
}

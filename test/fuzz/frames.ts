/**
 * Fuzz target "frames": raw frame streams of every length (whole frames, a partial last one, nothing at
 * all) in random chunks, sometimes failing mid-stream, read by readFrames (what `loopcam pipe` does
 * with stdin). Every whole frame must be committed, and a partial last frame must be PARTIAL_FRAME.
 */
import { Readable } from 'node:stream';
import { LoopcamError } from '../../src/errors.js';
import { INPUT_NAMES, inputBlockSize, inputFrameBytes, type InputName } from '../../src/formats.js';
import { readFrames } from '../../src/sources/frames.js';
import type { SourceTarget } from '../../src/sources/source.js';
import { check } from './outcome.js';
import type { Rng } from './rng.js';
import type { FuzzCase } from './target.js';

export function framesCase(rng: Rng): FuzzCase {
  const input = rng.pick(INPUT_NAMES) as InputName;
  const [bw, bh] = inputBlockSize(input);
  const width = bw * rng.range(1, 24), height = bh * rng.range(1, 16);
  const frameBytes = inputFrameBytes(input, width, height);
  const whole = rng.pick([0, 1, 2, rng.range(3, 40)]);
  const rest = rng.chance(0.4) ? rng.range(1, frameBytes - 1 || 1) % frameBytes : 0;
  const total = whole * frameBytes + rest;
  const failAt = rng.chance(0.1) ? rng.int(total + 1) : -1;
  const chunks: Buffer[] = [];
  for (let at = 0; at < total;) {
    const size = Math.min(total - at, rng.pick([1, 3, 7, frameBytes - 1, frameBytes, frameBytes + 1, rng.range(1, 4 * frameBytes)].filter((n) => n > 0)));
    chunks.push(Buffer.alloc(size, at & 255));
    at += size;
  }
  const paced = rng.chance(0.5);
  return {
    describe: `${input} ${width}×${height}: ${whole} frames + ${rest} bytes in ${chunks.length} chunks${failAt >= 0 ? `, failing after ${failAt} bytes` : ''}${paced ? ', paced' : ''}`,
    small: true,
    async run() {
      let sent = 0;
      const stream = Readable.from((function* () {
        for (const c of chunks) {
          if (failAt >= 0 && sent + c.length > failAt) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5, syscall: 'read' });
          sent += c.length;
          yield c;
        }
      })(), { objectMode: false });
      let commits = 0;
      const frame = new Uint8Array(frameBytes);
      const target = {
        width, height, input, fps: 30, format: 'yuyv', range: 'limited', frame,
        commit: () => void commits++, nextFrame: () => Promise.resolve(),
      } as unknown as SourceTarget;
      const signal = new AbortController().signal;
      let error: unknown;
      try {
        await readFrames(stream, target, { paced, signal, name: 'stdin' });
      } catch (e) {
        error = e;
      }
      if (failAt >= 0 && failAt < total) {
        check(error instanceof LoopcamError, `a read error surfaced as ${String(error)}, not a LoopcamError`);
        throw error;
      }
      check(commits === whole, `${commits} frames committed, ${whole} sent whole`);
      if (rest) check(error instanceof LoopcamError && error.code === 'PARTIAL_FRAME', `a partial last frame gave ${String(error)}`);
      else if (error !== undefined) throw error;
    },
  };
}

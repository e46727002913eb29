/**
 * Fuzz target "api": random options and buffers — right, wrong and absurd — for createConverter (convert,
 * drawPattern, use after dispose), openOutput against the simulated kernel (refusals, odd drivers, failing
 * and short writes), and Streamer (null, Y4M and raw sinks; start, commit, send, stop).
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createConverter, FORMAT_NAMES, INPUT_NAMES, openOutput, Streamer } from '../../src/index.js';
import { blockSize } from '../../src/formats.js';
import { CAPTURE, FakeSystem, OUTPUT, RW_STREAMING } from '../fake-system.js';
import { check } from './outcome.js';
import type { Rng } from './rng.js';
import type { FuzzCase } from './target.js';

/** A value of any kind a caller might pass by mistake. */
function junk(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => undefined, () => null, () => 0, () => -1, () => 1, () => 3, () => 1.5, () => NaN, () => Infinity, () => 2 ** 31,
    () => 1e9, () => '', () => 'x', () => 'rgba', () => '640', () => true, () => [], () => ({}), () => () => 0,
    () => Symbol('s'), () => 10n, () => new Uint8Array(rng.int(64)), () => rng.range(-5, 5000),
  ])();
}

/** Usually a plausible value, sometimes junk, sometimes absent. */
function maybe<T>(rng: Rng, value: () => T): unknown {
  const r = rng.next();
  return r < 0.9 ? value() : r < 0.96 ? junk(rng) : undefined;
}

/**
 * Options for a converter, output or Streamer. Half the cases are `valid` — every value right and the size
 * a multiple of the format's block — so that most of them get past the checks into conversion and writes;
 * the rest mix in junk.
 */
function options(rng: Rng, valid: boolean): Record<string, unknown> {
  const pick = <T>(value: () => T) => (valid ? value() : maybe(rng, value));
  const format = rng.pick(FORMAT_NAMES);
  const [bw, bh] = blockSize(format);
  const o: Record<string, unknown> = {
    width: pick(() => (valid ? bw * rng.range(1, 160) : rng.pick([1, 2, 3, 16, 17, 64, 640]))),
    height: pick(() => (valid ? bh * rng.range(1, 120) : rng.pick([1, 2, 3, 16, 17, 48, 480]))),
    input: pick(() => rng.pick(INPUT_NAMES)), format: pick(() => format),
    matrix: pick(() => rng.pick(['bt601', 'bt709'])), range: pick(() => rng.pick(['limited', 'full'])),
  };
  if (rng.chance(0.3)) o.engine = pick(() => rng.pick(['wasm', 'js']));
  if (rng.chance(0.2)) o.mirror = pick(() => rng.chance(0.5));
  if (rng.chance(0.2)) o.flipY = pick(() => rng.chance(0.5));
  if (!valid && rng.chance(0.2)) o.inputStride = maybe(rng, () => rng.range(0, 4000));
  for (const key of Object.keys(o)) if (o[key] === undefined && rng.chance(0.5)) delete o[key];
  return o;
}

function converterCase(rng: Rng): FuzzCase {
  const valid = rng.chance(0.5);
  const o = !valid && rng.chance(0.03) ? junk(rng) : options(rng, valid);
  return {
    describe: `createConverter(${describeValue(o)})`,
    small: true,
    run() {
      const c = createConverter(o as never);
      for (let step = rng.range(1, 4); step > 0; step--) {
        const r = rng.int(4);
        if (r === 0) c.convert();
        else if (r === 1) c.convert((valid || rng.chance(0.5) ? new Uint8Array(c.input.length) : junk(rng)) as never);
        else if (r === 2 && valid && !(((o as Record<string, unknown>).input ?? 'rgba') === 'rgba' && (o as Record<string, unknown>).engine !== 'js')) c.convert(); // patterns need rgba on wasm
        else if (r === 2) {
          const pattern = () => rng.pick(['bars', 'gradient', 'moving']);
          const frame = () => rng.pick([0, 1, rng.int(1000), 2 ** 31 - 1, 2 ** 40]);
          c.drawPattern((valid ? pattern() : maybe(rng, pattern)) as never, (valid ? frame() : maybe(rng, frame)) as never);
        }
        else check(c.output.length > 0, 'an empty output frame');
      }
      c.dispose();
      if (rng.chance(0.3)) c.convert(); // DISPOSED
    },
  };
}

function outputCase(rng: Rng): FuzzCase {
  const valid = rng.chance(0.5);
  const sys = new FakeSystem();
  const caps = valid ? OUTPUT | RW_STREAMING : rng.pick([OUTPUT | RW_STREAMING, CAPTURE | RW_STREAMING, OUTPUT, 0]);
  const node = sys.add('/dev/video10', {
    driver: valid ? 'v4l2 loopback' : rng.pick(['v4l2 loopback', 'uvcvideo', '']), card: valid ? 'loopcam' : rng.pick(['loopcam', '', 'x'.repeat(40)]), caps,
    ...(rng.chance(0.1) ? { openError: rng.pick(['EACCES', 'EBUSY', 'ENODEV', 'EIO', 'ENXIO']) } : {}),
    ...(rng.chance(0.2) ? { sFmtErrors: [rng.pick(['EBUSY', 'EINVAL', 'EIO'])] } : {}),
    ...(rng.chance(0.2) ? { adjust: (pix: Record<string, number>) => void (pix[rng.pick(['width', 'height', 'bytesperline', 'sizeimage', 'pixelformat'])] = rng.int(5000)) } : {}),
    ...(rng.chance(0.2) ? { noParm: true } : {}),
    ...(rng.chance(0.3) ? { writes: Array.from({ length: rng.range(1, 3) }, () => rng.chance(0.5) ? rng.pick(['EAGAIN', 'EINTR', 'ENODEV', 'EIO', 'ENOSPC']) : rng.int(100)) } : {}),
  });
  const o = valid
    ? { ...options(rng, true), device: rng.pick(['/dev/video10', 10, 'loopcam']), fps: rng.pick([1, 30, 60, 1000, 0.5, 29.97]) }
    : { ...options(rng, false), device: maybe(rng, () => rng.pick(['/dev/video10', 10, '/dev/video11', 'loopcam'])), fps: maybe(rng, () => rng.pick([1, 30, 60, 1000, 0.5])) };
  return {
    describe: `openOutput(${describeValue(o)}) on a simulated ${node.driver || 'non-V4L2'} node`,
    small: true,
    run() {
      const device = openOutput(o as never, sys);
      try {
        for (let i = rng.range(0, 3); i > 0; i--) device.writeFrame((valid || rng.chance(0.6) ? new Uint8Array(device.negotiated.frameBytes) : junk(rng)) as never);
      } finally {
        device.close();
      }
    },
  };
}

function streamerCase(rng: Rng, dir: string, index: number): FuzzCase {
  const valid = rng.chance(0.5);
  const kind = rng.pick(valid ? ['null', 'y4m', 'raw'] : ['null', 'y4m', 'raw', 'junk']);
  const fd = kind === 'raw' ? openSync('/dev/null', 'w') : -1;
  const sink = kind === 'null' ? { type: 'null' } : kind === 'y4m' ? { type: 'y4m', path: join(dir, `api-${index}.y4m`) } : kind === 'raw' ? { type: 'raw', fd } : junk(rng);
  const fps = () => rng.pick([5, 30, 240]);
  const o = {
    ...options(rng, valid), fps: valid ? fps() : maybe(rng, fps), sink, outputThread: rng.chance(0.2),
    ...(valid && rng.chance(0.3) ? { idle: rng.pick(['repeat', 'placeholder']), idleMs: rng.pick([0, 10, 1000]) } : {}),
    ...(!valid && rng.chance(0.1) ? { idle: junk(rng) } : {}),
  };
  return {
    describe: `new Streamer(${describeValue(o)})`,
    // nextFrame() waits a frame period: at a slow rate (1 fps, from the junk) three of them pass 2 s.
    small: !(typeof o.fps === 'number' && o.fps < 5),
    async run() {
      try {
        const cam = new Streamer(o as never);
        try {
          if (rng.chance(0.5)) cam.commit();
          await cam.start();
          for (let i = rng.range(0, 3); i > 0; i--) {
            if (rng.chance(0.5)) cam.commit();
            else cam.send((valid || rng.chance(0.6) ? new Uint8Array(cam.frame.length) : junk(rng)) as never);
            if (rng.chance(0.3)) await cam.nextFrame();
          }
        } finally {
          await cam.stop();
        }
      } finally {
        if (fd >= 0) closeSync(fd);
      }
    },
  };
}

export function apiCase(rng: Rng, dir: string, index: number): FuzzCase {
  const r = rng.int(10);
  return r < 5 ? converterCase(rng) : r < 8 ? outputCase(rng) : streamerCase(rng, dir, index);
}

function describeValue(v: unknown): string {
  try {
    return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'function' ? '<function>' : typeof x === 'symbol' ? String(x) : x instanceof Uint8Array ? `<${x.length} bytes>` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

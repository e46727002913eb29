/**
 * Writes known frames to a device through loopcam while real readers (v4l2-ctl, ffmpeg, GStreamer)
 * capture it, then identifies every captured frame byte for byte.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConverter, frameLayout, Streamer, type FormatName, type OutputDevice, type StreamerOptions } from '../../src/index.js';
import { fillNoise } from '../helpers.js';
import { run, type Ran } from './vm.js';

export type ReaderName = 'v4l2-ctl' | 'ffmpeg' | 'gstreamer';

const READERS: Record<ReaderName, (device: string, count: number, file: string) => [string, string[]]> = {
  'v4l2-ctl': (device, count, file) => ['v4l2-ctl', ['-d', device, '--stream-mmap', `--stream-count=${count}`, `--stream-to=${file}`]],
  ffmpeg: (device, count, file) => ['ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', device,
    '-frames:v', String(count), '-f', 'rawvideo', '-y', file]],
  gstreamer: (device, count, file) => ['gst-launch-1.0', ['-q', 'v4l2src', `device=${device}`, `num-buffers=${count}`, '!', 'filesink', `location=${file}`]],
};

/**
 * The bytes a reader hands on for a written frame. ffmpeg decodes V4L2's YV12 into its own yuv420p,
 * so its raw output carries the same planes in I420 order (U before V); every other pair is verbatim.
 */
export function asReadBy(reader: ReaderName, format: FormatName, width: number, height: number, frame: Uint8Array): Uint8Array {
  if (reader !== 'ffmpeg' || format !== 'yv12') return frame;
  const [y, v, u] = frameLayout('yv12', width, height).planes;
  if (!y || !u || !v) throw new Error('yv12 has three planes');
  const out = new Uint8Array(frame.length);
  out.set(frame.subarray(y.offset, y.offset + y.size), 0);
  out.set(frame.subarray(u.offset, u.offset + u.size), y.size);
  out.set(frame.subarray(v.offset, v.offset + v.size), y.size + u.size);
  return out;
}

/**
 * A started Streamer showing, in turn for 250 ms each, the 4 noise inputs whose conversions
 * `distinctFrames(…, 4, seed)` returns; the first is committed before start(), so the placeholder never goes out.
 */
export async function streamNoise(options: StreamerOptions, seed: number): Promise<{ cam: Streamer; errors: unknown[]; stop(): Promise<void> }> {
  const cam = new Streamer(options);
  const errors: unknown[] = [];
  cam.on('error', (error) => errors.push(error));
  let shown = 0;
  const show = () => {
    fillNoise(cam.frame, seed * 1000 + (shown++ % 4) + 1);
    cam.commit();
  };
  show();
  await cam.start();
  const producer = setInterval(show, 250);
  return { cam, errors, stop: async () => { clearInterval(producer); await cam.stop(); } };
}

/** `n` different frames: seeded RGBA noise converted by loopcam (so every byte value occurs). */
export function distinctFrames(width: number, height: number, format: FormatName, n: number, seed = 1): Uint8Array[] {
  const c = createConverter({ width, height, format });
  const frames = Array.from({ length: n }, (_, i) => {
    fillNoise(c.input, seed * 1000 + i + 1);
    return Uint8Array.from(c.convert());
  });
  c.dispose();
  return frames;
}

export interface Capture {
  reader: ReaderName;
  ran: Ran;
  bytes: number;
  /** For each captured frame, the index of the written frame it equals, or −1. */
  ids: number[];
  /** From the reader's start to its exit. */
  ms: number;
  /** The first unidentified frame's anatomy (see `anatomy`). */
  unknown?: string;
}

/** Index of the frame equal to `bytes`, or −1. */
export function identify(bytes: Uint8Array, frames: Uint8Array[]): number {
  return frames.findIndex((f) => Buffer.compare(Buffer.from(f.buffer, f.byteOffset, f.length), bytes) === 0);
}

/**
 * Writes `frames` in a cycle (each for `holdMs`) at `fps` while each reader in turn captures `count`
 * frames into `dir`.
 */
export async function streamWhileReading(out: OutputDevice, frames: Uint8Array[], readers: ReaderName[], dir: string,
  { fps = 30, holdMs = 250, count = 60 } = {}): Promise<Capture[]> {
  const start = Date.now();
  const tick = () => out.writeFrame(frames[Math.floor((Date.now() - start) / holdMs) % frames.length]!);
  tick();
  const timer = setInterval(tick, 1000 / fps);
  try {
    // Readers may only start once a format is set and frames flow (exclusive_caps shows CAPTURE then).
    await new Promise((r) => setTimeout(r, 150));
    // One reader at a time: v4l2loopback's few buffers (max_buffers=2) starve concurrent mmap readers.
    const captures: Capture[] = [];
    for (const reader of readers) captures.push(await captureFrames(reader, out, frames, count, dir));
    return captures;
  } finally {
    clearInterval(timer);
  }
}

/** A node and the format frames are written to it in. */
export interface Written {
  path: string;
  negotiated: { width: number; height: number; format: FormatName };
}

/**
 * Runs `reader` on `out`'s node until it has captured `count` frames into `dir`, then identifies each
 * captured frame among `frames` (as written).
 */
export async function captureFrames(reader: ReaderName, out: Written, frames: Uint8Array[], count: number, dir: string): Promise<Capture> {
  const file = join(dir, `${reader}.raw`);
  const [cmd, args] = READERS[reader](out.path, count, file);
  const started = performance.now();
  const ran = await run(cmd, args, 120_000);
  const ms = performance.now() - started;
  let data = Buffer.alloc(0);
  try {
    data = readFileSync(file);
  } catch {}
  rmSync(file, { force: true });
  const { width, height, format } = out.negotiated;
  const expected = frames.map((f) => asReadBy(reader, format, width, height, f));
  const size = frames[0]!.length;
  const ids: number[] = [];
  let unknown: string | undefined;
  for (let at = 0; at + size <= data.length; at += size) {
    const frame = data.subarray(at, at + size);
    ids.push(identify(frame, expected));
    if (ids.at(-1) === -1) unknown ??= anatomy(frame, expected);
  }
  if (data.length % size) ids.push(-1); // a partial frame at the end
  return { reader, ran, bytes: data.length, ids, ms, ...(unknown ? { unknown } : {}) };
}

/**
 * What an unidentified frame is made of: the written frames its start and its end agree with, and for
 * how many bytes — "bytes 0–40959 of frame 1, 40960–153599 of frame 0" is a frame torn between two.
 */
export function anatomy(frame: Uint8Array, frames: Uint8Array[]): string {
  const prefix = (f: Uint8Array) => {
    let i = 0;
    while (i < frame.length && frame[i] === f[i]) i++;
    return i;
  };
  const suffix = (f: Uint8Array) => {
    let i = frame.length;
    while (i > 0 && frame[i - 1] === f[i - 1]) i--;
    return i;
  };
  const heads = frames.map(prefix);
  const tails = frames.map(suffix);
  const head = heads.indexOf(Math.max(...heads));
  const tail = tails.indexOf(Math.min(...tails));
  return `${frame.length} bytes: 0–${heads[head]! - 1} equal frame ${head}, ${tails[tail]}–${frame.length - 1} equal frame ${tail}`;
}

/** Frames at the start of a capture exempt from the order check (stale driver buffers). */
const STARTUP_FRAMES = 4;

/**
 * What is wrong with a capture, or '' if nothing: every frame must be one that was written, byte for
 * byte, in the order written after the first few (a reader may skip one under load, never go back), and every written
 * frame must have been seen.
 */
export function problems(capture: Capture, n: number, count: number): string {
  const { ids, ran, reader } = capture;
  if (ran.code !== 0) return `${reader} exited ${ran.code}: ${ran.stderr.trim().slice(-400)}`;
  if (ids.length !== count) return `${reader} captured ${ids.length} frames (${capture.bytes} bytes), expected ${count}`;
  const bad = ids.indexOf(-1);
  if (bad >= 0) return `${reader}: frame ${bad} matches no written frame (read sequence ${ids.join(',')}; ${capture.unknown ?? 'cut short'})`;
  // At STREAMON the driver hands a new reader whatever its buffers (max_buffers=2) still hold, so the
  // first few frames may be older than one already read; after that, order must hold.
  for (let i = STARTUP_FRAMES; i < ids.length; i++) {
    const step = (ids[i]! - ids[i - 1]! + n) % n;
    if (step > 2) return `${reader}: frames out of order at ${i} (read sequence ${ids.join(',')})`;
  }
  const seen = new Set(ids).size;
  if (seen < n) return `${reader}: saw ${seen} of ${n} written frames (read sequence ${ids.join(',')})`;
  return '';
}

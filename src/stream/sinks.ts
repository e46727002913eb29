/**
 * Where frames go: the V4L2 device, a Y4M file, raw frames on a file descriptor (stdout), or nowhere.
 * None knows about pixels beyond the format table. Each built-in sink is opened (and closed) on the
 * main thread and carries a `threadPlan`: plain data from which the output thread makes a writer of its
 * own over the same file descriptor (thread-writers.ts), so frames go out from there.
 */
import { closeSync, ftruncateSync, openSync, writeSync, writevSync } from 'node:fs';
import { fileError } from '../os-errors.js';
import { sleepSync } from '../sleep.js';
import type { Range } from '../colour.js';
import { frameLayout, type FormatName } from '../formats.js';
import type { OutputDevice, SharedOutput } from '../v4l2/output.js';
import type { SharedCamera } from '../pipewire/camera.js';
import { FRAME_MARKER, y4mChunks, y4mHeader, y4mLayout } from './y4m.js';

/**
 * Where a Streamer's frames go. A sink of your own runs on the main thread, paced by the Streamer's
 * clock there; loopcam's own sinks (device, y4m, raw, null) are written from the output thread.
 */
export interface Sink {
  /** For messages: "/dev/video10", "pattern.y4m", "stdout", "null". */
  readonly name: string;
  /**
   * Writes one whole frame. The view is valid only during the call — or, if `write` returns a promise,
   * until it settles: the Streamer writes nothing more to the sink until then (deadlines that pass
   * meanwhile count as dropped). A rejection stops the stream with that error. A number is how many
   * milliseconds the sink waited before it took the frame: it counts into the write's lateness.
   */
  write(frame: Uint8Array): void | Promise<void> | number;
  /** Called once, after the last write has settled; may return a promise the Streamer waits for. */
  close(): void | Promise<void>;
  /**
   * For a sink that takes time to open (a PipeWire node appearing in the graph): start() waits for it
   * before the first write, and fails with its error.
   */
  ready?(): Promise<void>;
  /**
   * How another thread can write this sink: a module to import there and plain data for its
   * `threadWriter(data)`. Without it the sink runs on the main thread.
   */
  readonly threadPlan?: ThreadPlan;
}

export interface ThreadPlan {
  /** A module URL that exports `threadWriter(data): FrameWriter`. */
  readonly module: string;
  /** Structured-cloneable; file descriptors stay owned (and closed) by the main thread. */
  readonly data: ThreadSinkData;
}

export type ThreadSinkData =
  | { kind: 'null' }
  | { kind: 'raw'; fd: number; name: string }
  | { kind: 'y4m'; fd: number; name: string; headerBytes: number; frameBytes: number }
  | { kind: 'device'; output: SharedOutput }
  | { kind: 'pipewire'; camera: SharedCamera };

// From src/<folder>/, so the path holds in the CLI's bundle (build/src/cli/bundle.cjs) too.
const WRITERS = new URL('../stream/thread-writers.js', import.meta.url).href;

export interface StreamShape {
  format: FormatName;
  width: number;
  height: number;
  fps: number;
  range: Range;
}

export class NullSink implements Sink {
  readonly name = 'null';
  readonly threadPlan: ThreadPlan = { module: WRITERS, data: { kind: 'null' } };
  write(): void {}
  close(): void {}
}

export class DeviceSink implements Sink {
  readonly name: string;
  readonly threadPlan: ThreadPlan;
  constructor(readonly device: OutputDevice) {
    this.name = device.path;
    this.threadPlan = { module: WRITERS, data: { kind: 'device', output: device.share() } };
  }
  write(frame: Uint8Array): void {
    this.device.writeFrame(frame);
  }
  close(): void {
    this.device.close();
  }
}

/** The longest pause between tries while a pipe is full; the first is much shorter. */
const FULL_PIPE_MAX_WAIT_MS = 2;

/**
 * Writes all of `chunks` to `fd`, continuing after short writes (files and pipes, not devices). The
 * whole-write path allocates nothing. A full pipe or socket that is non-blocking (Node makes stdout so
 * once anything touches `process.stdout`) answers EAGAIN: the write waits for its reader, as a blocking
 * write would, and carries on where it stopped, so a frame is never cut.
 */
export function writeAll(fd: number, chunks: Uint8Array[]): void {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  let pending = chunks;
  let wait = 0.05;
  for (;;) {
    let written: number;
    try {
      written = pending.length === 1 ? writeSync(fd, pending[0]!) : writevSync(fd, pending);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      sleepSync(wait);
      wait = Math.min(wait * 2, FULL_PIPE_MAX_WAIT_MS);
      continue;
    }
    if (pending === chunks && written === total) return;
    wait = 0.05;
    const rest: Uint8Array[] = [];
    for (const chunk of pending) {
      if (written >= chunk.length) written -= chunk.length;
      else {
        rest.push(chunk.subarray(written));
        written = 0;
      }
    }
    if (rest.length === 0) return;
    pending = rest;
  }
}

/** Raw frames, back to back, on a file descriptor; a failed write is a LoopcamError (EPIPE: PIPE_CLOSED). */
export function rawWriter(fd: number, name: string): { write(frame: Uint8Array): void } {
  const chunks: Uint8Array[] = [new Uint8Array(0)]; // one list, reused: no allocation per frame
  return {
    write(frame) {
      chunks[0] = frame;
      try {
        writeAll(fd, chunks);
      } catch (error) {
        throw fileError(name, `writing frames to ${name} failed`, error, { writing: true });
      }
    },
  };
}

export class RawSink implements Sink {
  readonly threadPlan: ThreadPlan;
  readonly #writer: { write(frame: Uint8Array): void };
  constructor(readonly fd: number, readonly name = `fd ${fd}`) {
    this.threadPlan = { module: WRITERS, data: { kind: 'raw', fd, name } };
    this.#writer = rawWriter(fd, name);
  }
  write(frame: Uint8Array): void {
    this.#writer.write(frame);
  }
  close(): void {}
}

/**
 * Y4M frames (each `frameBytes`, in `y4mLayout`) into an open file that holds only whole frames: when a
 * write fails (a full disk, an I/O error) the partial frame is cut off again and the error says how many
 * frames the file keeps.
 */
export function y4mWriter(fd: number, name: string, headerBytes: number, frameBytes: number): { write(frame: Uint8Array): void } {
  const chunks = y4mChunks();
  let frames = 0;
  return {
    write(frame) {
      try {
        writeAll(fd, chunks(frame));
        frames++;
      } catch (error) {
        let kept = `${name} keeps the ${frames} whole frame${frames === 1 ? '' : 's'} written before`;
        try {
          ftruncateSync(fd, headerBytes + frames * (FRAME_MARKER.length + frameBytes));
        } catch {
          kept = `${name} may end in a partial frame after ${frames} whole frames`; // a pipe or FIFO: nothing to cut
        }
        throw fileError(name, `writing ${name} failed`, error, { writing: true, detail: kept });
      }
    },
  };
}

/** A Y4M recording. Its frames come in `y4mLayout(shape.format)`: the Streamer converts to that layout. */
export class Y4mSink implements Sink {
  readonly #fd: number;
  readonly #writer: { write(frame: Uint8Array): void };
  readonly threadPlan: ThreadPlan;
  #closed = false;

  constructor(readonly name: string, shape: StreamShape) {
    const header = Buffer.from(y4mHeader(shape.format, shape.width, shape.height, shape.fps, shape.range)); // refuses RGB first
    const frameBytes = frameLayout(y4mLayout(shape.format), shape.width, shape.height).sizeImage;
    try {
      this.#fd = openSync(name, 'w');
    } catch (error) {
      throw fileError(name, `cannot create ${name}`, error, { writing: true });
    }
    try {
      writeAll(this.#fd, [header]);
    } catch (error) {
      closeSync(this.#fd);
      throw fileError(name, `writing ${name} failed`, error, { writing: true });
    }
    this.#writer = y4mWriter(this.#fd, name, header.length, frameBytes);
    this.threadPlan = { module: WRITERS, data: { kind: 'y4m', fd: this.#fd, name, headerBytes: header.length, frameBytes } };
  }

  write(frame: Uint8Array): void {
    this.#writer.write(frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

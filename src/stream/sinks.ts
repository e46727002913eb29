/**
 * Where frames go: the V4L2 device, a Y4M file, raw frames on a file descriptor (stdout), or nowhere.
 * Every sink takes whole frames synchronously; none knows about pixels beyond the format table.
 */
import { closeSync, openSync, writeSync, writevSync } from 'node:fs';
import type { Range } from '../colour.js';
import type { FormatName } from '../formats.js';
import type { OutputDevice } from '../v4l2/output.js';
import { Y4mPlanes, y4mHeader } from './y4m.js';

export interface Sink {
  /** For messages: "/dev/video10", "pattern.y4m", "stdout", "null". */
  readonly name: string;
  write(frame: Uint8Array): void;
  close(): void;
}

export interface StreamShape {
  format: FormatName;
  width: number;
  height: number;
  fps: number;
  range: Range;
}

export class NullSink implements Sink {
  readonly name = 'null';
  write(): void {}
  close(): void {}
}

export class DeviceSink implements Sink {
  readonly name: string;
  constructor(readonly device: OutputDevice) {
    this.name = device.path;
  }
  write(frame: Uint8Array): void {
    this.device.writeFrame(frame);
  }
  close(): void {
    this.device.close();
  }
}

/**
 * Writes all of `chunks` to `fd`, continuing after short writes (files and pipes, not devices). The
 * whole-write path allocates nothing.
 */
function writeAll(fd: number, chunks: Uint8Array[]): void {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  let written = chunks.length === 1 ? writeSync(fd, chunks[0]!) : writevSync(fd, chunks);
  if (written === total) return;
  let pending = chunks;
  while (pending.length) {
    const rest: Uint8Array[] = [];
    for (const chunk of pending) {
      if (written >= chunk.length) written -= chunk.length;
      else {
        rest.push(chunk.subarray(written));
        written = 0;
      }
    }
    pending = rest;
    if (pending.length) written = pending.length === 1 ? writeSync(fd, pending[0]!) : writevSync(fd, pending);
  }
}

export class RawSink implements Sink {
  constructor(readonly fd: number, readonly name = `fd ${fd}`) {}
  write(frame: Uint8Array): void {
    writeAll(this.fd, [frame]);
  }
  close(): void {}
}

export class Y4mSink implements Sink {
  readonly #fd: number;
  readonly #planes: Y4mPlanes;
  #closed = false;

  constructor(readonly name: string, shape: StreamShape) {
    const header = y4mHeader(shape.format, shape.width, shape.height, shape.fps, shape.range); // refuses RGB first
    this.#planes = new Y4mPlanes(shape.format, shape.width, shape.height);
    this.#fd = openSync(name, 'w');
    writeAll(this.#fd, [Buffer.from(header)]);
  }

  write(frame: Uint8Array): void {
    writeAll(this.#fd, this.#planes.chunks(frame));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

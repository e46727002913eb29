/**
 * The Streamer's PipeWire sink: a camera published while the stream runs. Opened (and closed) on the
 * main thread; its `threadPlan` lets the output thread write to the same camera. When PipeWire has no
 * free buffer (it happens after a reader rejoins), the write retries for up to 5 ms and reports the wait,
 * which counts into the write's lateness: a miss is late, not dropped.
 */
import { ArgumentTypeError, ArgumentRangeError } from '../errors.js';
import type { Sink, StreamShape, ThreadPlan } from '../stream/sinks.js';
import { CameraWriter, openCamera, type PipeWireCamera, type SharedCamera, type WriteOutcome } from './camera.js';

const RETRY_MS = 5;
const RETRY_STEP_MS = 0.5;
const WRITERS = new URL('../stream/thread-writers.js', import.meta.url).href;

/** node.names this process has published: each camera's is unique (browsers tell cameras apart by it). */
const names = new Set<string>();

/** "My Cam" → "loopcam.my-cam": stable across runs, so a browser finds the camera it chose again. */
export function nodeName(label: string, taken: ReadonlySet<string> = names): string {
  const slug = label.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'camera';
  const base = slug === 'loopcam' ? 'loopcam' : `loopcam.${slug}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

/** What is wrong with a camera label (what apps show), or undefined: the one rule the API and the CLI share. */
export function labelProblem(label: string): string | undefined {
  return label.trim().length === 0 || label.length > 63 ? 'expected 1 to 63 characters' : undefined;
}

/** Checks a camera label: a string, 1 to 63 characters; loopcam when there is none. */
export function checkLabel(label: unknown): string {
  if (label === undefined) return 'loopcam';
  if (typeof label !== 'string') throw new ArgumentTypeError(`label must be a string (what apps show for the camera); got ${typeof label}`);
  const problem = labelProblem(label);
  if (problem) throw new ArgumentRangeError(`label ${JSON.stringify(label)}: ${problem}`);
  return label;
}

/** Writes with `write`, retrying a missing buffer for up to 5 ms; returns the milliseconds waited. */
export function retrying(write: (frame: Uint8Array) => WriteOutcome): (frame: Uint8Array) => number {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  return (frame) => {
    if (write(frame) !== 'no-buffer') return 0;
    const started = performance.now();
    for (;;) {
      Atomics.wait(nap, 0, 0, RETRY_STEP_MS);
      const waited = performance.now() - started;
      if (write(frame) !== 'no-buffer' || waited >= RETRY_MS) return waited;
    }
  };
}

export class PipeWireSink implements Sink {
  readonly name: string;
  readonly threadPlan: ThreadPlan;
  readonly camera: PipeWireCamera;
  readonly #write: (frame: Uint8Array) => number;
  #closed = false;

  constructor(label: string, shape: StreamShape) {
    const name = nodeName(label);
    this.camera = openCamera({ label, name, format: shape.format, width: shape.width, height: shape.height, fps: shape.fps });
    names.add(name);
    this.name = `PipeWire camera "${label}" (${name})`;
    this.threadPlan = { module: WRITERS, data: { kind: 'pipewire', camera: this.camera.share() } };
    this.#write = retrying((frame) => this.camera.write(frame));
  }

  /** Resolves once the node exists: readers can find it from then on. */
  ready(): Promise<void> {
    return this.camera.ready();
  }

  write(frame: Uint8Array): number {
    return this.#write(frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.camera.close();
    names.delete(this.camera.spec.name);
  }
}

/** The output thread's writer for a camera the main thread opened. */
export function cameraThreadWriter(camera: SharedCamera): { write(frame: Uint8Array): number } {
  const writer = new CameraWriter(camera);
  return { write: retrying((frame) => writer.write(frame)) };
}

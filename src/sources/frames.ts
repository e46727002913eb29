/**
 * Whole frames from a byte stream (stdin, ffmpeg's stdout): each chunk is copied once, straight into the
 * target's frame (WASM memory), and every completed frame is committed. Paced reading waits for the output
 * tick after each frame before reading on (back-pressure: the writer blocks), so a file plays at the
 * stream's rate on the stream's clock; unpaced reading keeps only the newest frame when the writer runs ahead.
 */
import type { Readable } from 'node:stream';
import { LoopcamError } from '../errors.js';
import { fileError } from '../os-errors.js';
import type { InputName } from '../formats.js';
import type { Source, SourceTarget } from './source.js';

export interface ReadFramesOptions {
  /** One frame per output tick (files), or every frame as it comes, the newest shown (live). */
  paced: boolean;
  signal: AbortSignal;
  /** For messages: "stdin", "ffmpeg (talk.mp4)". */
  name: string;
  /** Called after each frame is committed (live sources watch for stalls with it). */
  onFrame?: () => void;
}

/**
 * Reads whole frames of `target.frame.length` bytes until the stream ends (resolves) or the signal aborts
 * (destroys the stream, resolves). A stream that ends inside a frame is a PARTIAL_FRAME error.
 */
export async function readFrames(stream: Readable, target: SourceTarget, options: ReadFramesOptions): Promise<void> {
  const { paced, signal, name, onFrame } = options;
  if (signal.aborted) return;
  let frame = target.frame;
  let filled = 0;
  const abort = () => stream.destroy();
  signal.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length;) {
        if (signal.aborted) return;
        const take = Math.min(frame.length - filled, chunk.length - at);
        frame.set(take === chunk.length ? chunk : chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled < frame.length) continue;
        target.commit();
        onFrame?.();
        filled = 0;
        if (paced) await target.nextFrame();
        frame = target.frame;
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error instanceof LoopcamError ? error : fileError(name, `reading frames from ${name} failed`, error);
  } finally {
    signal.removeEventListener('abort', abort);
  }
  if (filled !== 0 && !signal.aborted) {
    throw new LoopcamError('PARTIAL_FRAME',
      `${name} ended inside a frame: ${filled} of ${frame.length} bytes (${target.width}×${target.height} ${target.input}); frames must be whole`);
  }
}

export interface RawFramesOptions {
  /** The pixel format of the frames (default: the stream's input). */
  input?: InputName;
  /** For messages (default "stream"). */
  name?: string;
  /** One frame per tick with back-pressure (default false: the newest frame is shown). */
  paced?: boolean;
}

/** Raw frames back to back on a readable stream (stdin, a pipe, a socket): whole frames only. */
export function rawFrames(stream: Readable, options: RawFramesOptions = {}): Source {
  const name = options.name ?? 'stream';
  return {
    name,
    live: false,
    async play(target, signal) {
      if (options.input !== undefined) target.useInput(options.input);
      await readFrames(stream, target, { paced: options.paced ?? false, signal, name });
    },
  };
}

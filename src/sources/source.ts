/**
 * What a source is: something that feeds a Streamer's frames until its content ends. The Streamer hands
 * each source a `SourceTarget` (its frame view, commit and clock) in `streamer.play(source)`; sources never
 * see sinks, devices or ioctls.
 */
import type { Pattern } from '../convert/patterns.js';
import type { FormatName, InputName } from '../formats.js';
import type { Clock } from '../stream/pacer.js';
import type { Fit } from './fit.js';
import type { DecodedImage } from './image.js';

/** The timer functions a source waits with (the Streamer's own, so tests can inject a clock). */
export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export interface SourceTarget {
  /** The stream's frame size, rate and camera format. */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly format: FormatName;
  readonly range: 'limited' | 'full';
  /** The pixel format `frame` holds now. */
  readonly input: InputName;
  /** The input frame to write into (a view of WASM memory); read it again after `useInput` and each commit. */
  readonly frame: Uint8Array;
  /** Switches the pixel format the source writes (before its first frame; no copy per frame after). */
  useInput(input: InputName): void;
  /** Converts `frame` and makes it the latest frame; after the play was stopped, does nothing. */
  commit(): void;
  /** Resolves after the next output tick (at once when the stream is stopped). */
  nextFrame(): Promise<void>;
  drawImage(image: DecodedImage, fit?: Fit): void;
  drawPattern(pattern: Pattern, frame?: number, millis?: number): void;
  /**
   * drawPattern then commit, in one pass: the pattern is converted a band of rows at a time and `frame`
   * is left as it was (when the play has an onFrame hook, which looks at `frame`, it is drawn there).
   */
  showPattern(pattern: Pattern, frame?: number, millis?: number): void;
  readonly clock: Clock;
  readonly timers: Timers;
  /** The device node the stream writes to, when it writes to one (sources refuse to read from it). */
  readonly outputDevice: string | undefined;
}

export interface Source {
  /** For messages and the status line (URLs without credentials). */
  readonly name: string;
  /** Live sources never end by themselves; files, images and streams that close do. */
  readonly live: boolean;
  /**
   * Feeds `target` until the content ends (resolves after its last commit) or `signal` aborts (resolves
   * soon after, leaving nothing running); rejects with a LoopcamError when the content cannot be read.
   */
  play(target: SourceTarget, signal: AbortSignal): Promise<void>;
}

/** Resolves after `ms` on the target's timers, or at once when `signal` aborts. */
export function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Waits `ticks` output ticks (fewer if the play stops). */
export async function holdFor(target: SourceTarget, ticks: number, signal: AbortSignal): Promise<void> {
  for (let t = 0; t < ticks && !signal.aborted; t++) await target.nextFrame();
}

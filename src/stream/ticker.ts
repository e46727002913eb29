/**
 * One output step of a stream, the same on either thread: at each deadline, take the latest frame
 * (if a new one came), write it whole, count it. The main thread runs it until the output thread takes
 * over (or for the whole stream, with a user's sink or an injected clock); the output thread runs it
 * for built-in sinks.
 */
import { F, I, type StreamBlock } from './block.js';
import { LATE_MS, type Clock, type Pacer } from './pacer.js';

/** What writes frames: a sink's `write` on the main thread, or a thread writer. */
export interface FrameWriter {
  /**
   * Writes one whole frame. A writer may return a promise: nothing more is written to it until that
   * settles, and the frame's memory stays untouched until then; or a number: the milliseconds it waited
   * for the sink to take the frame, added to the write's lateness.
   */
  write(frame: Uint8Array): void | number | Promise<void>;
}

export interface TickerFrames {
  /** The three output slots (views of the stream's memory). */
  readonly slots: readonly Uint8Array[];
  /** With idle: 'placeholder': what to show after `idleMs` with no new frame. */
  readonly placeholder?: Uint8Array | undefined;
  readonly idleMs: number;
}

export class Ticker {
  #pending: Promise<void> | undefined;

  constructor(
    readonly block: StreamBlock,
    readonly pacer: Pacer,
    readonly writer: FrameWriter,
    readonly frames: TickerFrames,
    readonly clock: Clock,
    /** Where an asynchronous write's failure goes. */
    readonly onAsyncError: (error: unknown) => void,
  ) {}

  /** Resolves once no write is pending (an asynchronous sink's). */
  async settled(): Promise<void> {
    await this.#pending;
  }

  /** Writes if a deadline has come; returns milliseconds until the next one. Throws what a write throws. */
  tick(): number {
    const now = this.clock();
    const wake = this.pacer.wake(now);
    if (wake.write) this.#write(now, wake.latenessMs, wake.skipped);
    return this.pacer.untilNext(this.clock());
  }

  #write(now: number, latenessMs: number, skipped: number): void {
    const { ints, nums } = this.block;
    if (this.#pending !== undefined) {
      // The sink is still taking the last frame: this deadline gets none.
      nums[F.DROPPED] += skipped + 1;
      return;
    }
    if (!this.block.take() && nums[F.FRAMES_IN]! > 0) nums[F.REPEATED]++;
    const { placeholder, slots, idleMs } = this.frames;
    const idle = placeholder !== undefined && now - nums[F.LAST_COMMIT]! > idleMs;
    const result = this.writer.write(idle ? placeholder : slots[ints[I.READ]!]!);
    if (typeof result === 'number') latenessMs += result;
    else if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      const pending: Promise<void> = (this.#pending = Promise.resolve(result).then(() => {
        if (this.#pending === pending) this.#pending = undefined;
      }, (error: unknown) => {
        if (this.#pending === pending) this.#pending = undefined;
        this.onAsyncError(error);
      }));
    }
    nums[F.FRAMES_OUT]++;
    nums[F.DROPPED] += skipped;
    if (latenessMs > LATE_MS) nums[F.LATE]++;
    this.block.addLateness(latenessMs);
    nums[F.DRIFT] = latenessMs;
    Atomics.add(ints, I.TICKS, 1);
    Atomics.notify(ints, I.TICKS);
  }
}

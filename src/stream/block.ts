/**
 * What a stream's producer (the thread that commits) and its output clock (the main thread or the
 * output thread) share, in one SharedArrayBuffer: which output slot holds what, who runs the clock,
 * and the counters `stats` reads. Set up once per stream; per frame only a few atomic words change.
 *
 * The three output slots are a lock-free triple buffer: the producer owns one slot and converts into
 * it; `commit` swaps it with the middle one, marked fresh; the clock owns another, and takes the middle
 * one only when it is fresh. Neither ever waits, and no slot is written while it is being read.
 */

/** Int32 words. */
export const I = {
  /** The middle slot's index, | FRESH when it holds a frame the clock has not taken. */
  MIDDLE: 0,
  /** The slot the clock reads (writes to the sink). */
  READ: 1,
  /**
   * Who runs the clock: MAIN, TICKING (the main thread is in a tick: the thread must not take over
   * now), or THREAD. The thread takes the clock itself, with a compare-and-swap from MAIN, as soon as it
   * is ready — it need not wait for a busy main thread to hand it over.
   */
  OWNER: 2,
  /** RUNNING, STOPPING (asked to stop), STOPPED (the thread let go), FAILED. */
  STATE: 3,
  /** Writes so far; notified after each (nextFrame() waits on it). */
  TICKS: 4,
  /** The main thread's pacer's next deadline index, stored after each of its ticks. */
  NEXT: 5,
} as const;

/** Float64 numbers (milliseconds on the producer's clock, counts). */
export const F = {
  START: 0,
  LAST_COMMIT: 1,
  FRAMES_OUT: 2,
  FRAMES_IN: 3,
  REPEATED: 4,
  LATE: 5,
  DROPPED: 6,
  DRIFT: 7,
  /** Lateness samples taken; the ring holds the last RING_SIZE. */
  SAMPLES: 8,
  RING: 16,
} as const;

export const FRESH = 4;
export const MAIN = 0;
export const THREAD = 1;
export const TICKING = 2;
export const RUNNING = 0;
export const STOPPING = 1;
export const STOPPED = 2;
export const FAILED = 3;
export const RING_SIZE = 2048;

const INT_BYTES = 64;

/** One stream's shared words and numbers. */
export class StreamBlock {
  readonly ints: Int32Array;
  readonly nums: Float64Array;

  /** A new block (the producer's side), or a view of one made elsewhere (the output thread's). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(INT_BYTES + (F.RING + RING_SIZE) * 8)) {
    this.ints = new Int32Array(buffer, 0, INT_BYTES / 4);
    this.nums = new Float64Array(buffer, INT_BYTES);
    if (buffer.byteLength !== this.nums.byteOffset + this.nums.byteLength) throw new Error('not a stream block');
  }

  static initial(): StreamBlock {
    const block = new StreamBlock();
    // The clock reads slot 0 (the placeholder is drawn there), slot 2 waits in the middle, the producer converts into 1.
    block.ints[I.READ] = 0;
    block.ints[I.MIDDLE] = 2;
    return block;
  }

  /** Producer: publishes slot `written` as the latest frame; returns the slot to convert into next. */
  publish(written: number): number {
    return Atomics.exchange(this.ints, I.MIDDLE, written | FRESH) & 3;
  }

  /** Whether a published frame waits for the clock. */
  hasFresh(): boolean {
    return (Atomics.load(this.ints, I.MIDDLE) & FRESH) !== 0;
  }

  /** Clock: takes the latest frame if there is a new one; returns whether it did. `ints[READ]` is then it. */
  take(): boolean {
    if (!this.hasFresh()) return false;
    this.ints[I.READ] = Atomics.exchange(this.ints, I.MIDDLE, this.ints[I.READ]!) & 3;
    return true;
  }

  /** Clock: one write's lateness. */
  addLateness(ms: number): void {
    const n = this.nums[F.SAMPLES]!;
    this.nums[F.RING + (n % RING_SIZE)] = ms;
    this.nums[F.SAMPLES] = n + 1;
  }

  /** The p-th percentiles (0–100) of the lateness samples held, nearest rank, from one sort; 0 when empty. */
  percentiles(...ps: number[]): number[] {
    const n = Math.min(this.nums[F.SAMPLES]!, RING_SIZE);
    if (n === 0) return ps.map(() => 0);
    const sorted = this.nums.slice(F.RING, F.RING + n).sort();
    return ps.map((p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
  }
}

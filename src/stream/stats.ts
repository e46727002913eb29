/** Streaming counters and lateness percentiles, kept without allocating per frame. */

export interface StreamStats {
  /** Frames written to the sink. */
  framesOut: number;
  /** Frames the producer committed. */
  framesIn: number;
  /** Writes that repeated the previous frame (no new frame since). */
  repeated: number;
  /** Writes that started more than 2 ms after their deadline. */
  late: number;
  /** Deadlines that got no write at all. */
  dropped: number;
  /** Frames written per second, measured since start. */
  fps: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  /** How far the latest write was from its deadline: bounded, never accumulating. */
  driftMs: number;
}

/** The last `capacity` lateness samples in a ring. */
export class LatenessWindow {
  readonly #samples: Float64Array;
  #count = 0;

  constructor(capacity = 2048) {
    this.#samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.#samples[this.#count % this.#samples.length] = ms;
    this.#count++;
  }

  /** The p-th percentile (0–100) of the samples held, nearest rank; 0 when empty. */
  percentile(p: number): number {
    const n = Math.min(this.#count, this.#samples.length);
    if (n === 0) return 0;
    const sorted = this.#samples.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  }
}

/**
 * Output pacing on absolute deadlines: frame n is due at start + n / fps on a monotonic clock, so
 * time spent converting or writing never accumulates into drift (the original design slept 1/fps
 * after each write and drifted by the work every frame). A wake-up that has missed whole deadlines
 * serves the latest one and counts the rest as dropped, instead of bursting to catch up.
 */

/** Milliseconds on a monotonic clock. */
export type Clock = () => number;
/**
 * CLOCK_MONOTONIC in milliseconds: one clock for every thread of the process, so the output thread reads
 * the main thread's deadlines as they are. (performance.now() counts from each thread's own origin, and
 * the `performance` global loads perf_hooks, ≈ 1.5 ms of a one-frame run.)
 */
export const monotonic: Clock = () => Number(process.hrtime.bigint()) / 1e6;

/** A write that started more than this after its deadline counts as late. */
export const LATE_MS = 2;

export type Wake =
  /** Write a frame now for deadline `index`; `skipped` deadlines before it got none. */
  | { readonly write: true; readonly index: number; readonly deadline: number; readonly latenessMs: number; readonly skipped: number }
  /** Too early: sleep this long, then wake again. */
  | { readonly write: false; readonly sleepMs: number };

export class Pacer {
  readonly periodMs: number;
  readonly start: number;
  /** The next deadline's index. */
  #next = 0;

  /** `next`: the first deadline to serve (when another thread's pacer hands over). */
  constructor(fps: number, start: number, next = 0) {
    this.periodMs = 1000 / fps;
    this.start = start;
    this.#next = next;
  }

  /** The next deadline's index. */
  get next(): number {
    return this.#next;
  }

  deadline(index: number): number {
    return this.start + index * this.periodMs;
  }

  /** Decides what to do at time `now`. */
  wake(now: number): Wake {
    const due = this.deadline(this.#next);
    if (now < due) return { write: false, sleepMs: due - now };
    // The latest deadline that has passed; everything between it and #next was missed.
    const latest = Math.max(this.#next, Math.floor((now - this.start) / this.periodMs + 1e-9));
    const skipped = latest - this.#next;
    this.#next = latest + 1;
    const deadline = this.deadline(latest);
    return { write: true, index: latest, deadline, latenessMs: now - deadline, skipped };
  }

  /** Milliseconds from `now` to the next deadline (≥ 0). */
  untilNext(now: number): number {
    return Math.max(0, this.deadline(this.#next) - now);
  }
}

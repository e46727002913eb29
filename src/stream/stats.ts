/** What a stream reports: counters and lateness percentiles (kept in the stream's shared block, see block.ts). */

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
  /** The latest of the last 2048 writes: with `dropped` unchanged, no gap between writes was longer than a period and this. */
  latenessMaxMs: number;
  /** How far the latest write was from its deadline: bounded, never accumulating. */
  driftMs: number;
}

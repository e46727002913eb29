/** One fuzz case: made from a seeded generator, run once; it throws to fail or to report an expected error. */
export interface FuzzCase {
  /** What the case feeds in, for the failure report. */
  readonly describe: string;
  /** An input under 1 megapixel: it must finish within 2 s. */
  readonly small: boolean;
  /** The bytes fed in, where there are some (saved beside a failure report). */
  readonly input?: Uint8Array;
  run(): void | Promise<void>;
}

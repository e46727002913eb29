/**
 * Sleeping synchronously, for the few places that must wait without returning to the event loop (a
 * write retrying EAGAIN, in the output thread or before it has started). Atomics.wait is allowed on
 * Node's main thread too.
 */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds (fractions allowed). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

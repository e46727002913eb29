/** What the main thread and the output thread say to each other (set up once per stream, never per frame). */
import { ArgumentRangeError, ArgumentTypeError, isUsageError, LoopcamError, type LoopcamErrorCode } from '../errors.js';
import type { ThreadPlan } from './sinks.js';

/** Main → thread: a stream to prepare. */
export interface AddStream {
  id: number;
  block: SharedArrayBuffer;
  memory: WebAssembly.Memory;
  plan: ThreadPlan;
  /** Addresses of the three output slots in `memory`. */
  slots: number[];
  frameBytes: number;
  /** The idle placeholder's address, or 0. */
  placeholderAt: number;
  idleMs: number;
  fps: number;
}

/** Thread → main: a stream's write failed (the thread has let go of it). */
export interface ThreadReport {
  id: number;
  error: SerialisedError;
}

export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  errno?: string;
  stack?: string;
  /** A usage mistake (ArgumentTypeError/ArgumentRangeError), not a bug. */
  usage?: boolean;
}

/** Errors cross threads as data: structured cloning would drop `code` and `errno`. */
export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return {
    name: error.name, message: error.message, stack: error.stack, ...(isUsageError(error) ? { usage: true } : {}),
    ...(typeof code === 'string' ? { code } : {}), ...(typeof errno === 'string' ? { errno } : {}),
  };
}

/** The same typed error, rebuilt on this side. */
export function reviveError(e: SerialisedError): Error {
  let error: Error;
  if (e.name === 'LoopcamError' && e.code) error = new LoopcamError(e.code as LoopcamErrorCode, e.message, e.errno ? { errno: e.errno } : undefined);
  else if (e.name === 'TypeError') error = e.usage ? new ArgumentTypeError(e.message) : new TypeError(e.message);
  else if (e.name === 'RangeError') error = e.usage ? new ArgumentRangeError(e.message) : new RangeError(e.message);
  else error = Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
  if (e.stack) error.stack = e.stack;
  return error;
}

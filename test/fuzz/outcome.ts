/** What a fuzz case may end in: success, a LoopcamError, or a usage mistake loopcam reported on purpose. */
import { LoopcamError } from '../../src/errors.js';
import { isUsageError } from '../../src/errors.js';

export function isExpectedFailure(error: unknown): boolean {
  return error instanceof LoopcamError || isUsageError(error);
}

/** A case that found a bug: what it did, for the report. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

/** Throws a FuzzFailure unless `ok`. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new FuzzFailure(what);
}

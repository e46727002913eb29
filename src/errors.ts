/**
 * Runtime failures carry a stable `code` (wrong arguments are TypeError/RangeError instead). The
 * message says what happened and what to do about it; `errno` keeps the OS error where there was one.
 */
export type LoopcamErrorCode =
  | 'DISPOSED'
  | 'OUT_OF_MEMORY'
  | 'WASM_MISSING';

export class LoopcamError extends Error {
  override readonly name = 'LoopcamError';
  readonly code: LoopcamErrorCode;
  readonly errno?: string;

  constructor(code: LoopcamErrorCode, message: string, options?: { cause?: unknown; errno?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.errno !== undefined) this.errno = options.errno;
  }
}

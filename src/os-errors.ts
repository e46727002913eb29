/**
 * OS errors in loopcam's words. Every file loopcam opens, writes or reads (outputs, recordings, images,
 * folders, stdin/stdout) fails as a LoopcamError with a stable code, the path, the errno and what to do
 * about it — never as a raw Node error with a stack. (Device nodes have their own words: v4l2/explain.ts.)
 */
import { constants } from 'node:os';
import { LoopcamError, type LoopcamErrorCode } from './errors.js';

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, number]) => [number, name]));

/** An OS error with its symbolic errno ('EBUSY'), from ioctl-napi or from node:fs alike. */
export class OsError extends Error {
  override readonly name = 'OsError';
  constructor(readonly errno: string, message: string) {
    super(message);
  }
}

/** The errno name of anything thrown by node:fs or ioctl-napi ('EBUSY'), or undefined. */
export function errnoOf(error: unknown): string | undefined {
  if (error instanceof OsError) return error.errno;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  // ioctl-napi puts the errno number, as a decimal string, in `code`.
  return /^\d+$/.test(code) ? ERRNO_NAMES.get(Number(code)) ?? `errno ${code}` : code;
}

/** The code an errno maps to (README: "Errors"). */
export function codeForErrno(errno: string | undefined): LoopcamErrorCode {
  switch (errno) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'NOT_FOUND';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'PERMISSION';
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'NO_SPACE';
    case 'EISDIR':
      return 'NOT_WRITABLE';
    case 'EPIPE':
      return 'PIPE_CLOSED';
    default:
      return 'IO_ERROR';
  }
}

const FIXES: Partial<Record<LoopcamErrorCode, (path: string, writing: boolean) => string>> = {
  NOT_FOUND: (path, writing) => writing ? `the folder for ${path} does not exist: create it first, or write somewhere else` : `check the path (${path} does not exist)`,
  PERMISSION: (path, writing) => writing ? `choose a place you may write to, or change the permissions of ${path} (or its folder)` : `make ${path} readable for this user`,
  NO_SPACE: () => 'free some space, or write to another disk',
  NOT_WRITABLE: (path) => `${path} is a folder: name a file inside it, e.g. ${path.replace(/\/+$/, '')}/out.y4m`,
  PIPE_CLOSED: () => 'the program reading the output stopped',
};

/**
 * The LoopcamError for an OS error on a file: `action` says what loopcam was doing ("cannot create
 * out.y4m", "writing out.y4m failed"); `detail` is added after the errno (e.g. how many frames were saved).
 */
export function fileError(path: string, action: string, cause: unknown, options: { writing?: boolean; detail?: string } = {}): LoopcamError {
  const errno = errnoOf(cause);
  const code = codeForErrno(errno);
  const detail = String((cause as Error)?.message ?? cause).replace(/^E[A-Z]+: /, ''); // Node's messages start with the errno
  const what = errno ? `${errno}${code === 'IO_ERROR' ? `: ${detail}` : ''}` : detail;
  const fix = FIXES[code]?.(path, options.writing ?? false);
  const message = `${action} (${what})${options.detail ? `; ${options.detail}` : ''}${fix ? `: ${fix}` : ''}`;
  return new LoopcamError(code, message, errno === undefined ? { cause } : { cause, errno });
}

/**
 * Runtime failures carry a stable `code` (wrong arguments are TypeError/RangeError instead). The
 * message says what happened and what to do about it; `errno` keeps the OS error where there was one.
 * PERMISSION covers EACCES, EPERM and EROFS wherever loopcam opens or writes something.
 */
export type LoopcamErrorCode =
  | 'DISPOSED' // an object was used after dispose()/close()
  | 'OUT_OF_MEMORY' // WebAssembly memory could not grow for a frame this large
  | 'WASM_MISSING' // build/loopcam.wasm is missing
  | 'NO_IOCTL' // the native ioctl-napi module is missing or not built
  | 'NO_DEVICE' // no such device node, or no v4l2loopback output at all
  | 'PERMISSION' // the node exists but this user may not open it
  | 'NOT_V4L2' // the path is not a V4L2 device (ENOTTY)
  | 'NOT_OUTPUT' // a V4L2 device that cannot take output (a real camera)
  | 'BUSY' // another program holds the device (EBUSY)
  | 'FORMAT_REFUSED' // the driver refused or changed the format or size
  | 'STUCK_NODE' // a v4l2loopback node that no longer accepts a writer until the module is reloaded
  | 'SHORT_WRITE' // the driver accepted only part of a frame
  | 'DEVICE_GONE' // the device went away while in use (ENODEV, EIO)
  | 'NO_CONTROL_DEVICE' // /dev/v4l2loopback is missing (driver older than 0.13)
  | 'PARTIAL_FRAME' // an input stream ended inside a frame
  | 'BAD_IMAGE' // an image file that is not a readable PNG or JPEG
  | 'IMAGE_TOO_LARGE' // an image beyond the size limits
  | 'NO_FFMPEG' // playing a video needs ffmpeg, which is not installed
  | 'OUTPUT_THREAD' // loopcam's output thread failed (a bug: please report it)
  | 'NOT_FOUND' // a file or folder that does not exist (ENOENT, ENOTDIR)
  | 'NOT_WRITABLE' // a path that cannot take a file: a folder (EISDIR)
  | 'NO_SPACE' // the disk or quota is full, or the file too large (ENOSPC, EDQUOT, EFBIG)
  | 'PIPE_CLOSED' // the reader of a pipe (stdout) went away (EPIPE): the CLI ends quietly
  | 'NO_PIPEWIRE' // libpipewire-0.3 (or the koffi FFI) is not installed
  | 'PIPEWIRE_DOWN' // no PipeWire daemon answers for this user
  | 'PIPEWIRE_ERROR' // PipeWire refused or ended the camera's stream
  | 'IO_ERROR'; // any other OS error, with its errno

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

/**
 * Wrong arguments. Callers see a plain TypeError or RangeError (`instanceof`, `name`); the mark lets
 * the CLI tell a usage mistake (exit 2) from a bug inside loopcam (any other TypeError: exit 1).
 */
export class ArgumentTypeError extends TypeError {
  readonly loopcamUsage = true;
}

export class ArgumentRangeError extends RangeError {
  readonly loopcamUsage = true;
}

/** Whether an error is a usage mistake loopcam reported on purpose (not a bug). */
export function isUsageError(error: unknown): boolean {
  return (error as { loopcamUsage?: unknown } | null)?.loopcamUsage === true;
}

/**
 * Runtime failures carry a stable `code` (wrong arguments are TypeError/RangeError instead). The
 * message says what happened and what to do about it; `errno` keeps the OS error where there was one.
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

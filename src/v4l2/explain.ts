/**
 * Turns OS errors into LoopcamErrors that say what happened and what to do. Messages name the device
 * and the command that fixes things; the errno stays on the error.
 */
import { LoopcamError, type LoopcamErrorCode } from '../errors.js';
import { errnoOf } from './ioctl.js';

export const MODPROBE = 'sudo modprobe v4l2loopback exclusive_caps=1 card_label=loopcam';

export const HOW_TO_GET_A_DEVICE =
  `Load the v4l2loopback driver to get one: \`${MODPROBE}\` ` +
  '(Debian/Ubuntu: `sudo apt install v4l2loopback-dkms` first).';

export const HOW_TO_GET_PERMISSION =
  "add your user to the 'video' group (`sudo usermod -aG video $USER`, then log in again), or run as root";

export const HOW_TO_UNSTICK =
  'v4l2loopback 0.12 with exclusive_caps=1 accepts one writer per module load. Reload the module ' +
  '(`sudo modprobe -r v4l2loopback && ' + MODPROBE + '`) or install v4l2loopback 0.13 or newer; ' +
  'loopcam sets the keep_format control on the nodes it opens, which prevents this from then on.';

export function loopcamError(code: LoopcamErrorCode, message: string, cause?: unknown): LoopcamError {
  const errno = errnoOf(cause);
  return new LoopcamError(code, message, errno === undefined ? { cause } : { cause, errno });
}

/** The error for failing to open a device node. */
export function openError(path: string, cause: unknown): LoopcamError {
  switch (errnoOf(cause)) {
    case 'ENOENT':
    case 'ENXIO':
    case 'ENODEV':
      return loopcamError('NO_DEVICE', `${path} does not exist. ${HOW_TO_GET_A_DEVICE}`, cause);
    case 'EACCES':
    case 'EPERM':
      return loopcamError('PERMISSION', `permission denied on ${path}: ${HOW_TO_GET_PERMISSION}`, cause);
    case 'EBUSY':
      return loopcamError('BUSY', `${path} is busy: too many programs have it open (v4l2loopback's max_openers)`, cause);
    default:
      return loopcamError('IO_ERROR', `cannot open ${path}: ${(cause as Error).message}`, cause);
  }
}

/** The error for an ioctl or write that failed on an open device. */
export function deviceError(path: string, what: string, cause: unknown, holders = ''): LoopcamError {
  const errno = errnoOf(cause);
  switch (errno) {
    case 'ENOTTY':
      return loopcamError('NOT_V4L2', `${path} is not a V4L2 device (${what} answered ENOTTY): name a /dev/videoN node; \`loopcam list\` shows them`, cause);
    case 'EBUSY':
      return loopcamError('BUSY', `${path} is busy: another program is writing to it or holds its format${holders}. Stop that program or use another device`, cause);
    case 'ENODEV':
    case 'EIO':
      return loopcamError('DEVICE_GONE', `${path} went away during ${what} (${errno}): the device was removed or its driver unloaded`, cause);
    case 'EACCES':
    case 'EPERM':
      return loopcamError('PERMISSION', `permission denied for ${what} on ${path}: ${HOW_TO_GET_PERMISSION}`, cause);
    default:
      return loopcamError('IO_ERROR', `${what} failed on ${path}: ${(cause as Error).message}${errno ? ` (${errno})` : ''}`, cause);
  }
}

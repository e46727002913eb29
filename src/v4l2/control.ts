/**
 * Creating and removing v4l2loopback devices at run time through its control device
 * (/dev/v4l2loopback, v4l2loopback 0.13 and later).
 */
import { describe } from '../convert/spec.js';
import { deviceError, HOW_TO_GET_PERMISSION, loopcamError } from './explain.js';
import { LEGACY_LOOPBACK, loopbackVersion } from './devices.js';
import { errnoOf } from './ioctl.js';
import { encode } from './layout.js';
import { v4l2_loopback_config, V4L2LOOPBACK_CTL_ADD, V4L2LOOPBACK_CTL_REMOVE } from './structs.js';
import { O_RDWR, realSystem, type System } from './system.js';
import { ArgumentTypeError, ArgumentRangeError } from '../errors.js';

export const CONTROL_DEVICE = '/dev/v4l2loopback';

export interface CreateDeviceOptions {
  /** Card label apps show (at most 31 bytes). Default "loopcam". */
  label?: string;
  /** N of /dev/videoN to ask for; default: the first free one. */
  number?: number;
  /** Announce only CAPTURE while written (what Chrome and WebRTC apps need). Default true. */
  exclusiveCaps?: boolean;
  maxBuffers?: number;
  maxOpeners?: number;
  maxWidth?: number;
  maxHeight?: number;
}

export interface CreatedDevice {
  number: number;
  path: string;
  label: string;
}

function openControl(sys: System): number {
  try {
    return sys.open(CONTROL_DEVICE, O_RDWR);
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT') {
      const loaded = loopbackVersion(sys);
      const version = loaded === LEGACY_LOOPBACK ? ' (the loaded v4l2loopback is older: it publishes no version)' : ` (this system has v4l2loopback ${loaded})`;
      throw loopcamError('NO_CONTROL_DEVICE', `${CONTROL_DEVICE} does not exist: creating devices at run time needs v4l2loopback 0.13 or newer${version}. ` +
        'With an older driver, make devices when loading it: `sudo modprobe -r v4l2loopback && sudo modprobe v4l2loopback devices=2 exclusive_caps=1,1 card_label=loopcam,loopcam2`', error);
    }
    if (errno === 'EACCES' || errno === 'EPERM') {
      throw loopcamError('PERMISSION', `permission denied on ${CONTROL_DEVICE} (root only unless a udev rule gives it to a group): ${HOW_TO_GET_PERMISSION}`, error);
    }
    throw deviceError(CONTROL_DEVICE, 'open', error);
  }
}

function optionalInt(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new ArgumentTypeError(`${name} must be a number; got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) throw new ArgumentRangeError(`${name} must be an integer from ${min} to ${max}; got ${value}`);
  return value;
}

/** Creates a v4l2loopback device; returns its number and path. */
export function createDevice(options: CreateDeviceOptions = {}, sys: System = realSystem): CreatedDevice {
  const label = options.label ?? 'loopcam';
  if (typeof label !== 'string' || label.length === 0 || Buffer.byteLength(label) > 31) {
    throw new ArgumentRangeError(`label must be a string of 1 to 31 bytes; got ${describe(label)}`);
  }
  const number = optionalInt('number', options.number, 0, 255);
  const maxBuffers = optionalInt('maxBuffers', options.maxBuffers, 1, 32);
  const maxOpeners = optionalInt('maxOpeners', options.maxOpeners, 1, 100);
  const maxWidth = optionalInt('maxWidth', options.maxWidth, 2, 16384);
  const maxHeight = optionalInt('maxHeight', options.maxHeight, 2, 16384);
  if (options.exclusiveCaps !== undefined && typeof options.exclusiveCaps !== 'boolean') {
    throw new ArgumentTypeError(`exclusiveCaps must be true or false; got ${describe(options.exclusiveCaps)}`);
  }
  const config = encode(v4l2_loopback_config, {
    output_nr: number ?? -1,
    unused: -1,
    card_label: label,
    max_width: maxWidth ?? 0,
    max_height: maxHeight ?? 0,
    max_buffers: maxBuffers ?? -1,
    max_openers: maxOpeners ?? -1,
    debug: -1,
    announce_all_caps: options.exclusiveCaps === false ? 1 : 0,
  });
  const fd = openControl(sys);
  try {
    const created = sys.ioctl(fd, V4L2LOOPBACK_CTL_ADD, config);
    return { number: created, path: `/dev/video${created}`, label };
  } catch (error) {
    if (errnoOf(error) === 'EEXIST' || errnoOf(error) === 'EBUSY') {
      throw loopcamError('BUSY', `/dev/video${number} already exists: choose another number or leave it out`, error);
    }
    throw deviceError(CONTROL_DEVICE, 'adding a device', error);
  } finally {
    sys.close(fd);
  }
}

/** Removes v4l2loopback device N (it must not be open). */
export function removeDevice(number: number, sys: System = realSystem): void {
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
    throw new ArgumentTypeError(`removeDevice takes the device number N of /dev/videoN; got ${describe(number)}`);
  }
  const fd = openControl(sys);
  try {
    sys.ioctl(fd, V4L2LOOPBACK_CTL_REMOVE, number);
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'EBUSY') throw loopcamError('BUSY', `/dev/video${number} is open: close every program using it, then remove it`, error);
    if (errno === 'ENODEV' || errno === 'EINVAL' || errno === 'ENOENT') {
      throw loopcamError('NO_DEVICE', `/dev/video${number} is not a v4l2loopback device (${errno})`, error);
    }
    throw deviceError(CONTROL_DEVICE, 'removing a device', error);
  } finally {
    sys.close(fd);
  }
}

/**
 * The one module that loads the native `ioctl-napi` addon (its only untyped line). It is loaded on
 * first use, so converting frames never needs it; its failures become errors with an errno name.
 */
import { createRequire } from 'node:module';
import { LoopcamError } from '../errors.js';
import { errnoOf, OsError } from '../os-errors.js';

export { errnoOf, OsError };

export type IoctlArg = Buffer | number;
type NativeIoctl = (fd: number, request: number, arg: IoctlArg) => number;

let native: NativeIoctl | undefined;

function load(): NativeIoctl {
  try {
    return createRequire(import.meta.url)('ioctl-napi') as NativeIoctl;
  } catch (cause) {
    throw new LoopcamError('NO_IOCTL',
      'the native module ioctl-napi is not installed or not built, and loopcam needs it to talk to V4L2 devices. ' +
      'Install it with `npm install ioctl-napi`; npm 11 and later block its build script until you allow it: ' +
      '`npm install-scripts approve ioctl-napi && npm rebuild ioctl-napi` (needs python3, make and a C++ compiler)', { cause });
  }
}

/** ioctl(2): returns the call's result, throws an OsError on failure. */
export function ioctl(fd: number, request: number, arg: IoctlArg): number {
  native ??= load();
  try {
    return native(fd, request, arg);
  } catch (error) {
    throw new OsError(errnoOf(error) ?? 'EIO', (error as Error).message);
  }
}

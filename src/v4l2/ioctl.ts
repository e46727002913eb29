/**
 * The one module that loads the native `ioctl-napi` addon (its only untyped line). It is loaded on
 * first use, so converting frames never needs it; its failures become errors with an errno name.
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { LoopcamError } from '../errors.js';

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

/** ioctl(2): returns the call's result, throws an OsError on failure. */
export function ioctl(fd: number, request: number, arg: IoctlArg): number {
  native ??= load();
  try {
    return native(fd, request, arg);
  } catch (error) {
    throw new OsError(errnoOf(error) ?? 'EIO', (error as Error).message);
  }
}

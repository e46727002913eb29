/**
 * The operating-system calls the device layer makes, as one replaceable object: tests pass a fake to
 * simulate drivers, short writes, EAGAIN or a device that vanishes; everything else uses `realSystem`.
 */
import { closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { ioctl, type IoctlArg } from './ioctl.js';
import { sleepSync } from '../sleep.js';

export interface System {
  open(path: string, flags: number): number;
  close(fd: number): void;
  ioctl(fd: number, request: number, arg: IoctlArg): number;
  /** write(2) of `length` bytes of `data` from `offset`; returns the bytes written. */
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  readdir(path: string): string[];
  readFile(path: string): string;
  readlink(path: string): string;
  /** Sleeps synchronously (for EAGAIN back-off). */
  sleep(ms: number): void;
  /** This process's pid (excluded when listing who holds a device). */
  readonly pid: number;
}

export const realSystem: System = {
  open: (path, flags) => openSync(path, flags),
  close: (fd) => closeSync(fd),
  ioctl,
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  readdir: (path) => readdirSync(path),
  readFile: (path) => readFileSync(path, 'utf8'),
  readlink: (path) => readlinkSync(path),
  sleep: sleepSync,
  pid: process.pid,
};

export const O_RDONLY = constants.O_RDONLY;
export const O_RDWR = constants.O_RDWR;
export const O_NONBLOCK = constants.O_NONBLOCK;

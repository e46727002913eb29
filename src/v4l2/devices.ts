/** Finding V4L2 devices: every node under /sys/class/video4linux, with what QUERYCAP says of it. */
import type { LoopcamError } from '../errors.js';
import { LOOPBACK_DRIVER, V4L2_CAP_DEVICE_CAPS, V4L2_CAP_READWRITE, V4L2_CAP_STREAMING, V4L2_CAP_VIDEO_CAPTURE, V4L2_CAP_VIDEO_M2M, V4L2_CAP_VIDEO_OUTPUT } from './constants.js';
import { deviceError, openError } from './explain.js';
import { decode } from './layout.js';
import { v4l2_capability, VIDIOC_QUERYCAP } from './structs.js';
import { O_NONBLOCK, O_RDONLY, realSystem, type System } from './system.js';

export const SYSFS_VIDEO = '/sys/class/video4linux';

export interface Capabilities {
  driver: string;
  card: string;
  busInfo: string;
  /** Driver version as "major.minor.patch". */
  version: string;
  /** This node's capabilities (device_caps when the driver reports them, else capabilities). */
  caps: number;
  /** Names of the capabilities loopcam cares about, as v4l2-ctl prints them. */
  capNames: string[];
}

export interface DeviceInfo {
  path: string;
  /** N of /dev/videoN. */
  number: number;
  /** The card label (QUERYCAP's card, or sysfs name when the node cannot be opened). */
  label: string;
  driver?: string;
  busInfo?: string;
  version?: string;
  caps?: number;
  capNames?: string[];
  /** A v4l2loopback node (by driver name, whatever its caps say now). */
  loopback: boolean;
  /** For loopback nodes: the module's version ('0.15.0'), or 'before 0.13' (those publish none). */
  loopbackVersion?: string;
  /** Announces VIDEO_OUTPUT now: loopcam can write to it. */
  output: boolean;
  /** Announces VIDEO_CAPTURE now: apps can read it. */
  capture: boolean;
  /** Why the node could not be queried (permission, …). */
  error?: LoopcamError;
}

const CAP_NAMES: [number, string][] = [
  [V4L2_CAP_VIDEO_CAPTURE, 'Video Capture'],
  [V4L2_CAP_VIDEO_OUTPUT, 'Video Output'],
  [V4L2_CAP_VIDEO_M2M, 'Video Memory-to-Memory'],
  [V4L2_CAP_READWRITE, 'Read/Write'],
  [V4L2_CAP_STREAMING, 'Streaming'],
];

/** QUERYCAP on an open node. */
export function queryCapabilities(fd: number, path: string, sys: System): Capabilities {
  const buf = Buffer.alloc(v4l2_capability.size);
  try {
    sys.ioctl(fd, VIDIOC_QUERYCAP, buf);
  } catch (error) {
    throw deviceError(path, 'VIDIOC_QUERYCAP', error);
  }
  const cap = decode(v4l2_capability, buf);
  const caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) !== 0 ? cap.device_caps : cap.capabilities;
  return {
    driver: cap.driver,
    card: cap.card,
    busInfo: cap.bus_info,
    version: `${(cap.version >>> 16) & 0xff}.${(cap.version >>> 8) & 0xff}.${cap.version & 0xff}`,
    caps,
    capNames: CAP_NAMES.filter(([bit]) => (caps & bit) !== 0).map(([, name]) => name),
  };
}

export const LEGACY_LOOPBACK = 'before 0.13';

/**
 * The loaded v4l2loopback's version. QUERYCAP reports the kernel's version, not the driver's;
 * /sys/module/v4l2loopback/version exists from 0.13 on (0.12 publishes none).
 */
export function loopbackVersion(sys: System): string {
  try {
    return sys.readFile('/sys/module/v4l2loopback/version').trim() || LEGACY_LOOPBACK;
  } catch {
    return LEGACY_LOOPBACK;
  }
}

/** Whether a loopback version predates 0.13 (one writer per load in exclusive mode, no control device). */
export function isLegacyLoopback(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return version === LEGACY_LOOPBACK || (major === 0 && minor !== undefined && minor < 13);
}

/** Describes one node from its capabilities. */
export function describeDevice(path: string, number: number, c: Capabilities, sys: System): DeviceInfo {
  const loopback = c.driver === LOOPBACK_DRIVER;
  return {
    path, number, label: c.card, driver: c.driver, busInfo: c.busInfo, version: c.version, caps: c.caps, capNames: c.capNames,
    loopback,
    ...(loopback ? { loopbackVersion: loopbackVersion(sys) } : {}),
    output: (c.caps & V4L2_CAP_VIDEO_OUTPUT) !== 0,
    capture: (c.caps & V4L2_CAP_VIDEO_CAPTURE) !== 0,
  };
}

/** Every /dev/videoN the kernel knows, in number order, each queried with QUERYCAP. */
export function listDevices(sys: System = realSystem): DeviceInfo[] {
  let names: string[];
  try {
    names = sys.readdir(SYSFS_VIDEO).filter((n) => /^video\d+$/.test(n));
  } catch {
    return []; // no V4L2 in this kernel at all
  }
  return names
    .map((name) => Number(name.slice(5)))
    .sort((a, b) => a - b)
    .map((number) => {
      const path = `/dev/video${number}`;
      let fd: number;
      try {
        fd = sys.open(path, O_RDONLY | O_NONBLOCK);
      } catch (error) {
        const label = readSysfsName(number, sys);
        return { path, number, label, loopback: false, output: false, capture: false, error: openError(path, error) };
      }
      try {
        return describeDevice(path, number, queryCapabilities(fd, path, sys), sys);
      } catch (error) {
        return { path, number, label: readSysfsName(number, sys), loopback: false, output: false, capture: false, error: error as LoopcamError };
      } finally {
        sys.close(fd);
      }
    });
}

function readSysfsName(number: number, sys: System): string {
  try {
    return sys.readFile(`${SYSFS_VIDEO}/video${number}/name`).trim();
  } catch {
    return '';
  }
}

/**
 * Opening a V4L2 output (a v4l2loopback node) for writing frames: pick the node, check it, negotiate
 * format, colorimetry and frame rate, then write whole frames straight from the caller's memory.
 */
import type { Matrix, Range } from '../colour.js';
import { dimension, oneOf } from '../convert/spec.js';
import { describe } from '../convert/spec.js';
import { MATRICES, RANGES } from '../colour.js';
import { ArgumentRangeError, ArgumentTypeError, LoopcamError } from '../errors.js';
import { blockSize, describeFrame, FORMAT_NAMES, FORMATS, fourccCode, frameLayout, type FormatName, type FrameLayout } from '../formats.js';
import { colorimetry, colorspaceName } from './colorimetry.js';
import * as C from './constants.js';
import { describeDevice, isLegacyLoopback, listDevices, queryCapabilities, type DeviceInfo } from './devices.js';
import { deviceError, HOW_TO_GET_A_DEVICE, HOW_TO_UNSTICK, loopcamError, openError } from './explain.js';
import { describeHolders, holdersOf } from './holders.js';
import { errnoOf } from './ioctl.js';
import { decode, encode } from './layout.js';
import { v4l2_control, v4l2_format, v4l2_streamparm, VIDIOC_G_FMT, VIDIOC_G_PARM, VIDIOC_S_CTRL, VIDIOC_S_FMT, VIDIOC_S_PARM } from './structs.js';
import { O_RDWR, realSystem, type System } from './system.js';

export interface OutputOptions {
  /** A path (/dev/video10), a number (10) or a card label ('loopcam'); default: the first free loopback output. */
  device?: string | number;
  width: number;
  height: number;
  /** Default 'yuyv'. */
  format?: FormatName;
  /** Frames per second announced to readers; default 30. */
  fps?: number;
  matrix?: Matrix;
  range?: Range;
}

/** What the driver agreed to. */
export interface Negotiated {
  width: number;
  height: number;
  format: FormatName;
  fourcc: string;
  bytesPerLine: number;
  /** Bytes loopcam writes per frame (the format table's size). */
  frameBytes: number;
  /** The driver's sizeimage (may be rounded up to a page). */
  sizeImage: number;
  colorspace: number;
  ycbcrEnc: number;
  quantization: number;
  /** Frames per second readers see (from G_PARM), or the requested rate if the driver does not say. */
  fps: number;
}

const MAX_EAGAIN_MS = 1000;

/** An open output as plain data, for another thread to write frames to (the opener keeps and closes the fd). */
export interface SharedOutput {
  fd: number;
  path: string;
  device: DeviceInfo;
  negotiated: Negotiated;
  layout: FrameLayout;
}

export class OutputDevice implements Disposable {
  readonly path: string;
  readonly device: DeviceInfo;
  readonly negotiated: Negotiated;
  /** Changes the driver made that loopcam accepts (sizeimage rounding, colorspace rewritten), for the user. */
  readonly notes: readonly string[];
  readonly #sys: System;
  readonly #layout: FrameLayout;
  #fd: number | undefined;

  /** @internal use openOutput() */
  constructor(fd: number, path: string, device: DeviceInfo, negotiated: Negotiated, notes: string[], layout: FrameLayout, sys: System) {
    this.#fd = fd;
    this.path = path;
    this.device = device;
    this.negotiated = negotiated;
    this.notes = notes;
    this.#layout = layout;
    this.#sys = sys;
  }

  /**
   * Writes one whole frame (exactly the format's frame size) with one write(2) — v4l2loopback takes
   * each write as a frame, so a frame is never split. Retries EAGAIN and EINTR.
   */
  writeFrame(frame: Uint8Array): void {
    const fd = this.#fd;
    if (fd === undefined) throw new LoopcamError('DISPOSED', `${this.path} was closed: open it again with openOutput()`);
    if (!(frame instanceof Uint8Array)) throw new ArgumentTypeError(`frame must be a Uint8Array (or Buffer); got ${describe(frame)}`);
    const expected = this.#layout.sizeImage;
    if (frame.length !== expected) {
      const { width, height, format } = this.negotiated;
      throw new ArgumentRangeError(`frame is ${frame.length} bytes, expected ${expected} (${describeFrame(format, width, height)})`);
    }
    let waited = 0;
    for (;;) {
      let written: number;
      try {
        written = this.#sys.write(fd, frame, 0, expected);
      } catch (error) {
        const errno = errnoOf(error);
        if (errno === 'EINTR') continue;
        if (errno === 'EAGAIN' && waited < MAX_EAGAIN_MS) {
          this.#sys.sleep(1);
          waited += 1;
          continue;
        }
        if (errno === 'EAGAIN') throw loopcamError('BUSY', `${this.path} accepted no frame for ${MAX_EAGAIN_MS} ms (EAGAIN)`, error);
        if (errno === 'EINVAL') {
          throw loopcamError('STUCK_NODE', `${this.path} refused the frame (EINVAL): its format was reset, or the node is stuck. ${HOW_TO_UNSTICK}`, error);
        }
        throw deviceError(this.path, 'write', error, errno === 'EBUSY' ? describeHolders(holdersOf(this.path, this.#sys)) : '');
      }
      if (written !== expected) {
        // Writing the rest would make it a frame of its own: report instead.
        throw loopcamError('SHORT_WRITE', `${this.path} took ${written} of ${expected} bytes of a frame: its buffers are smaller than this format needs (did another program change its format?)`);
      }
      return;
    }
  }

  /** This output as plain data for another thread (see `adoptOutput`); this object still owns the fd. */
  share(): SharedOutput {
    if (this.#fd === undefined) throw new LoopcamError('DISPOSED', `${this.path} was closed: open it again with openOutput()`);
    return { fd: this.#fd, path: this.path, device: this.device, negotiated: this.negotiated, layout: this.#layout };
  }

  /** Releases the device. Safe to call twice. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#sys.close(fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Another thread's writer of an output opened elsewhere: the same whole-frame writes and errors. It must
 * not be closed here (the opener closes the fd, after this thread stopped writing).
 */
export function adoptOutput(shared: SharedOutput, sys: System = realSystem): Pick<OutputDevice, 'writeFrame'> {
  const device = new OutputDevice(shared.fd, shared.path, shared.device, shared.negotiated, [], shared.layout, sys);
  return { writeFrame: (frame) => device.writeFrame(frame) };
}

/** `fps` as V4L2's time per frame: 30 → 1/30, 29.97 → 1000/29970 reduced. */
export function timePerFrame(fps: number): { numerator: number; denominator: number } {
  if (Number.isInteger(fps)) return { numerator: 1, denominator: fps };
  let numerator = 1000;
  let denominator = Math.round(fps * 1000);
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = gcd(numerator, denominator);
  numerator /= g;
  denominator /= g;
  return { numerator, denominator };
}

/** Checks a frame rate (default 30): a number above 0 and at most 1000. */
export function checkFps(fps: unknown): number {
  if (fps === undefined) return 30;
  if (typeof fps !== 'number') throw new ArgumentTypeError(`fps must be a number of frames per second; got ${describe(fps)}`);
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) throw new ArgumentRangeError(`fps must be above 0 and at most 1000; got ${fps}`);
  return fps;
}

/** Checks options, then opens and configures the device. Wrong options: TypeError/RangeError; the rest: LoopcamError. */
export function openOutput(options: OutputOptions, sys: System = realSystem): OutputDevice {
  if (options === null || typeof options !== 'object') throw new ArgumentTypeError(`output options must be an object like { width: 1280, height: 720 }; got ${describe(options)}`);
  const width = dimension('width', options.width);
  const height = dimension('height', options.height);
  const format = oneOf('format', options.format, FORMAT_NAMES, 'yuyv');
  const matrix = oneOf('matrix', options.matrix, MATRICES, 'bt601');
  const range = oneOf('range', options.range, RANGES, 'limited');
  const fps = checkFps(options.fps);
  const [bw, bh] = blockSize(format);
  if (width % bw || height % bh) throw new ArgumentRangeError(`${format} needs a width divisible by ${bw} and a height divisible by ${bh}; got ${width}×${height}`);
  const request = { width, height, format, fps, matrix, range };
  const device = options.device;
  if (device !== undefined && typeof device !== 'string' && typeof device !== 'number') {
    throw new ArgumentTypeError(`device must be a path, a number or a card label; got ${describe(device)}`);
  }

  if (device === undefined) {
    const loopbacks = listDevices(sys).filter((d) => d.loopback);
    if (loopbacks.length === 0) throw new LoopcamError('NO_DEVICE', `no v4l2loopback device found. ${HOW_TO_GET_A_DEVICE}`);
    // Nodes announcing OUTPUT first; a node showing CAPTURE only may still take a writer (kept format).
    const ordered = [...loopbacks.filter((d) => d.output), ...loopbacks.filter((d) => !d.output)];
    const errors: LoopcamError[] = [];
    for (const candidate of ordered) {
      try {
        return openPath(candidate.path, request, sys);
      } catch (error) {
        if (!(error instanceof LoopcamError)) throw error;
        errors.push(error);
      }
    }
    throw new LoopcamError(errors[0]!.code, `no v4l2loopback device can take output now:\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
      { cause: errors[0], ...(errors[0]!.errno ? { errno: errors[0]!.errno } : {}) });
  }
  return openPath(resolvePath(device, sys), request, sys);
}

/** A device named by path, number or card label → its path. */
function resolvePath(device: string | number, sys: System): string {
  if (typeof device === 'number') {
    if (!Number.isInteger(device) || device < 0) throw new ArgumentRangeError(`device number must be a whole number ≥ 0 (N of /dev/videoN); got ${device}`);
    return `/dev/video${device}`;
  }
  if (/^\d+$/.test(device)) return `/dev/video${device}`;
  if (device.startsWith('/')) return device;
  const all = listDevices(sys);
  const match = all.find((d) => d.label === device) ?? all.find((d) => d.label.toLowerCase() === device.toLowerCase());
  if (match) return match.path;
  const known = all.map((d) => `${d.path} "${d.label}"`).join(', ');
  throw new LoopcamError('NO_DEVICE', `no video device is labelled "${device}"${known ? ` (there are: ${known})` : ''}. ${HOW_TO_GET_A_DEVICE}`);
}

interface Request {
  width: number;
  height: number;
  format: FormatName;
  fps: number;
  matrix: Matrix;
  range: Range;
}

function openPath(path: string, request: Request, sys: System): OutputDevice {
  let fd: number;
  try {
    fd = sys.open(path, O_RDWR);
  } catch (error) {
    throw openError(path, error);
  }
  try {
    return configure(fd, path, request, sys);
  } catch (error) {
    sys.close(fd);
    throw error;
  }
}

function configure(fd: number, path: string, request: Request, sys: System): OutputDevice {
  const caps = queryCapabilities(fd, path, sys);
  const info = describeDevice(path, Number(/\d+$/.exec(path)?.[0] ?? -1), caps, sys);
  if (!info.loopback && !info.output) {
    throw new LoopcamError('NOT_OUTPUT', `${path} ("${caps.card}", driver ${caps.driver}) is a capture device — a camera — not an output. ` +
      'loopcam writes to v4l2loopback nodes: `loopcam list` shows them');
  }
  if (info.loopback && needsKeepFormat(info)) setKeepFormat(fd, sys);

  const layout = frameLayout(request.format, request.width, request.height);
  const fourcc = FORMATS[request.format].fourcc;
  const wanted = {
    width: request.width, height: request.height, pixelformat: fourccCode(fourcc), field: C.V4L2_FIELD_NONE,
    bytesperline: layout.bytesPerLine, sizeimage: layout.sizeImage, ...colorimetry(request.format, request.matrix, request.range),
  };
  try {
    sys.ioctl(fd, VIDIOC_S_FMT, encode(v4l2_format, { type: C.V4L2_BUF_TYPE_VIDEO_OUTPUT, fmt: { pix: wanted } }));
  } catch (error) {
    throw formatError(path, request, info, error, sys);
  }
  const got = readFormat(fd, path, sys);
  const mismatches = (['width', 'height', 'pixelformat', 'bytesperline'] as const).filter((k) => got[k] !== wanted[k]);
  if (mismatches.length) {
    throw new LoopcamError('FORMAT_REFUSED', `${path} did not take ${describeFrame(request.format, request.width, request.height)}: the driver set ` +
      `${got.width}×${got.height} ${fourccText(got.pixelformat)} with ${got.bytesperline} bytes per line instead. ` +
      (info.loopback ? 'A v4l2loopback node keeps its format while a reader or writer holds it (or with keep_format=1): ' +
        'stop them, use that format, or use another device' : 'Use a format and size this device supports'));
  }
  const notes: string[] = [];
  if (got.sizeimage !== layout.sizeImage) notes.push(`the driver reports sizeimage ${got.sizeimage} (frames are ${layout.sizeImage} bytes; it rounds up)`);
  if (got.colorspace !== wanted.colorspace) {
    notes.push(`the driver reports colorspace ${colorspaceName(got.colorspace)} instead of ${colorspaceName(wanted.colorspace)} (v4l2loopback before 0.13 rewrites it); readers may assume another matrix`);
  }

  const fps = setFrameRate(fd, path, request.fps, sys, notes);
  const negotiated: Negotiated = {
    width: got.width, height: got.height, format: request.format, fourcc, bytesPerLine: got.bytesperline,
    frameBytes: layout.sizeImage, sizeImage: got.sizeimage, colorspace: got.colorspace, ycbcrEnc: got.ycbcr_enc,
    quantization: got.quantization, fps,
  };
  return new OutputDevice(fd, path, info, negotiated, notes, layout, sys);
}

/**
 * v4l2loopback before 0.13 with exclusive_caps=1 takes one writer per module load unless its
 * keep_format control is set while the first writer works. Exclusive mode shows as a node that does
 * not announce CAPTURE and OUTPUT together. Newer drivers need nothing (and keep_format would stop a
 * later writer from changing the size).
 */
function needsKeepFormat(info: DeviceInfo): boolean {
  return isLegacyLoopback(info.loopbackVersion ?? '') && !(info.output && info.capture);
}

function setKeepFormat(fd: number, sys: System): void {
  try {
    sys.ioctl(fd, VIDIOC_S_CTRL, encode(v4l2_control, { id: C.V4L2LOOPBACK_CID_KEEP_FORMAT, value: 1 }));
  } catch {
    // Best effort: a driver without the control simply keeps its old behaviour.
  }
}

function readFormat(fd: number, path: string, sys: System) {
  const buf = encode(v4l2_format, { type: C.V4L2_BUF_TYPE_VIDEO_OUTPUT });
  try {
    sys.ioctl(fd, VIDIOC_G_FMT, buf);
  } catch (error) {
    throw deviceError(path, 'VIDIOC_G_FMT', error);
  }
  return decode(v4l2_format, buf).fmt.pix;
}

function formatError(path: string, request: Request, info: DeviceInfo, error: unknown, sys: System): LoopcamError {
  const errno = errnoOf(error);
  const version = info.loopbackVersion ?? '';
  if (errno === 'EINVAL' && info.loopback && !info.output && !info.capture) {
    return loopcamError('STUCK_NODE', `${path} ("${info.label}") announces neither output nor capture and refuses a new format: a writer closed it and this v4l2loopback (${version}) will not take another. ${HOW_TO_UNSTICK}`, error);
  }
  // A loopback node answers EBUSY, or EINVAL (0.12), while another program holds it at another format.
  const holders = errno === 'EBUSY' || (errno === 'EINVAL' && info.loopback) ? holdersOf(path, sys) : [];
  if (holders.length > 0 || errno === 'EBUSY') {
    return loopcamError('BUSY', `${path} is busy: another program is writing to it or holds its format${describeHolders(holders)}. ` +
      'Stop that program, use the format it set, or use another device', error);
  }
  if (errno === 'EINVAL') {
    return loopcamError('FORMAT_REFUSED', `${path} refused ${describeFrame(request.format, request.width, request.height)} (EINVAL)` +
      (info.loopback ? ': check the module\'s max_width/max_height, or whether a reader holds another format' : ': this device does not support that format'), error);
  }
  return deviceError(path, 'VIDIOC_S_FMT', error);
}

function setFrameRate(fd: number, path: string, fps: number, sys: System, notes: string[]): number {
  const parm = encode(v4l2_streamparm, { type: C.V4L2_BUF_TYPE_VIDEO_OUTPUT, parm: { output: { timeperframe: timePerFrame(fps) } } });
  try {
    sys.ioctl(fd, VIDIOC_S_PARM, parm);
    const back = encode(v4l2_streamparm, { type: C.V4L2_BUF_TYPE_VIDEO_OUTPUT });
    sys.ioctl(fd, VIDIOC_G_PARM, back);
    const { numerator, denominator } = decode(v4l2_streamparm, back).parm.output.timeperframe;
    if (numerator > 0 && denominator > 0) {
      const actual = denominator / numerator;
      if (Math.abs(actual - fps) > 0.001) notes.push(`the driver announces ${actual.toFixed(3)} fps instead of ${fps}`);
      return actual;
    }
  } catch (error) {
    if (errnoOf(error) === 'ENOTTY' || errnoOf(error) === 'EINVAL') {
      notes.push(`${path} does not take a frame rate (S_PARM ${errnoOf(error)}): readers see the driver's default`);
      return fps;
    }
    throw deviceError(path, 'VIDIOC_S_PARM', error);
  }
  return fps;
}

function fourccText(code: number): string {
  return String.fromCharCode(code & 0xff, (code >>> 8) & 0xff, (code >>> 16) & 0xff, (code >>> 24) & 0xff);
}

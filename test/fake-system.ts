/**
 * A simulated kernel for the device layer's tests: V4L2 nodes that answer QUERYCAP, S_FMT, G_FMT,
 * S_PARM, G_PARM and S_CTRL like v4l2loopback does, and writes whose results a test scripts (EAGAIN,
 * EINTR, short writes, ENODEV). The same layer runs against the real driver in test/vm.
 */
import { decode, encode } from '../src/v4l2/layout.js';
import * as S from '../src/v4l2/structs.js';
import type { System } from '../src/v4l2/system.js';

export const errno = (code: string) => Object.assign(new Error(`${code} (simulated)`), { code });

export interface FakeNode {
  driver: string;
  card: string;
  caps: number;
  /** Driver version as (major << 16 | minor << 8 | patch). */
  version?: number;
  openError?: string;
  /** Thrown by S_FMT, once per entry, first entry first. */
  sFmtErrors?: string[];
  /** Changes the driver makes to the requested format. */
  adjust?: (pix: Record<string, number>) => void;
  noParm?: boolean;
  /** Results of successive writes: a byte count or an errno name; after the list runs out writes succeed. */
  writes?: (number | string)[];
  // Recorded for assertions:
  format?: Record<string, number>;
  timeperframe?: { numerator: number; denominator: number };
  keepFormat?: number;
  written?: number[];
}

export class FakeSystem implements System {
  readonly pid = 4242;
  readonly nodes = new Map<string, FakeNode>();
  readonly holders = new Map<string, { pid: number; command: string }[]>();
  readonly fds = new Map<number, string>();
  sleptMs = 0;
  #nextFd = 10;

  add(path: string, node: FakeNode): FakeNode {
    this.nodes.set(path, node);
    return node;
  }

  open(path: string): number {
    const node = this.nodes.get(path);
    if (!node) throw errno('ENOENT');
    if (node.openError) throw errno(node.openError);
    const fd = this.#nextFd++;
    this.fds.set(fd, path);
    return fd;
  }

  close(fd: number): void {
    if (!this.fds.delete(fd)) throw errno('EBADF');
  }

  #node(fd: number): FakeNode {
    const path = this.fds.get(fd);
    if (!path) throw errno('EBADF');
    return this.nodes.get(path)!;
  }

  /** The configs ADD received on /dev/v4l2loopback. */
  readonly added: Record<string, unknown>[] = [];

  ioctl(fd: number, request: number, arg: Buffer | number): number {
    if (this.fds.get(fd) === '/dev/v4l2loopback') return this.#control(request, arg);
    const node = this.#node(fd);
    const buf = arg as Buffer;
    switch (request) {
      case S.VIDIOC_QUERYCAP:
        if (node.driver === '') throw errno('ENOTTY');
        encode(S.v4l2_capability, {
          driver: node.driver, card: node.card, bus_info: 'platform:v4l2loopback-000',
          version: node.version ?? 0x000c07, capabilities: node.caps | 0x80000000, device_caps: node.caps,
        }).copy(buf);
        return 0;
      case S.VIDIOC_S_FMT: {
        const error = node.sFmtErrors?.shift();
        if (error) throw errno(error);
        const pix = { ...decode(S.v4l2_format, buf).fmt.pix };
        node.adjust?.(pix);
        node.format = pix;
        return 0;
      }
      case S.VIDIOC_G_FMT:
        if (!node.format) throw errno('EINVAL');
        encode(S.v4l2_format, { type: 2, fmt: { pix: node.format } }).copy(buf);
        return 0;
      case S.VIDIOC_S_PARM:
        if (node.noParm) throw errno('ENOTTY');
        node.timeperframe = decode(S.v4l2_streamparm, buf).parm.output.timeperframe;
        return 0;
      case S.VIDIOC_G_PARM:
        encode(S.v4l2_streamparm, { type: 2, parm: { output: { timeperframe: node.timeperframe ?? { numerator: 1, denominator: 30 } } } }).copy(buf);
        return 0;
      case S.VIDIOC_S_CTRL:
        node.keepFormat = decode(S.v4l2_control, buf).value;
        return 0;
      default:
        throw errno('ENOTTY');
    }
  }

  write(fd: number, _data: Uint8Array, _offset: number, length: number): number {
    const node = this.#node(fd);
    const next = node.writes?.shift();
    if (typeof next === 'string') throw errno(next);
    const n = next ?? length;
    (node.written ??= []).push(n);
    return n;
  }

  #control(request: number, arg: Buffer | number): number {
    if (request === S.V4L2LOOPBACK_CTL_ADD) {
      const config = decode(S.v4l2_loopback_config, arg as Buffer);
      let n = config.output_nr;
      if (n < 0) for (n = 0; this.nodes.has(`/dev/video${n}`); n++);
      else if (this.nodes.has(`/dev/video${n}`)) throw errno('EEXIST');
      this.added.push(config);
      this.add(`/dev/video${n}`, { driver: 'v4l2 loopback', card: config.card_label, caps: 0x05000002, version: 0x000f00 });
      return n;
    }
    if (request === S.V4L2LOOPBACK_CTL_REMOVE) {
      const path = `/dev/video${arg as number}`;
      if (!this.nodes.has(path)) throw errno('EINVAL');
      if ([...this.fds.values()].includes(path)) throw errno('EBUSY');
      this.nodes.delete(path);
      return 0;
    }
    throw errno('ENOTTY');
  }

  readdir(path: string): string[] {
    if (path === '/sys/class/video4linux') return [...this.nodes.keys()].filter((p) => p.startsWith('/dev/video')).map((p) => p.slice(5));
    if (path === '/proc') return [...new Set([String(this.pid), ...[...this.holders.values()].flat().map((h) => String(h.pid))])];
    const fdDir = /^\/proc\/(\d+)\/fd$/.exec(path);
    if (fdDir) return this.#holdings(Number(fdDir[1])).map((_, i) => String(i + 3));
    throw errno('ENOENT');
  }

  readFile(path: string): string {
    const comm = /^\/proc\/(\d+)\/comm$/.exec(path);
    if (comm) return `${[...this.holders.values()].flat().find((h) => h.pid === Number(comm[1]))?.command ?? '?'}\n`;
    const name = /^\/sys\/class\/video4linux\/(video\d+)\/name$/.exec(path);
    if (name && this.nodes.has(`/dev/${name[1]}`)) return `${this.nodes.get(`/dev/${name[1]}`)!.card}\n`;
    if (path === '/sys/module/v4l2loopback/version' && this.moduleVersion) return `${this.moduleVersion}\n`;
    throw errno('ENOENT');
  }

  /** What /sys/module/v4l2loopback/version says, if anything. */
  moduleVersion?: string;

  readlink(path: string): string {
    const m = /^\/proc\/(\d+)\/fd\/(\d+)$/.exec(path);
    if (!m) throw errno('EINVAL');
    const held = this.#holdings(Number(m[1]));
    const target = held[Number(m[2]) - 3];
    if (!target) throw errno('ENOENT');
    return target;
  }

  sleep(ms: number): void {
    this.sleptMs += ms;
  }

  #holdings(pid: number): string[] {
    return [...this.holders.entries()].filter(([, hs]) => hs.some((h) => h.pid === pid)).map(([path]) => path);
  }
}

export const OUTPUT = 0x00000002;
export const CAPTURE = 0x00000001;
export const RW_STREAMING = 0x05000000;

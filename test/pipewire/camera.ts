/** What the PipeWire tests share: running this process against a stack, a camera streaming known frames, reading them back. */
import { spawn } from 'node:child_process';
import type { FormatName } from '../../src/index.js';
import { SPA_VIDEO_FORMATS } from '../../src/pipewire/pod.js';
import { identify, streamNoise as noiseStream } from '../device/stream.js';
import type { Stack } from './stack.js';

const PORTAL_CLIENT = new URL('../../../test/pipewire/portal.py', import.meta.url).pathname;

/** Runs `body` with this process talking to `stack` (libpipewire finds its daemon through the environment). */
export async function within<T>(stack: Stack, body: () => Promise<T>): Promise<T> {
  const saved = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PIPEWIRE_RUNTIME_DIR: process.env.PIPEWIRE_RUNTIME_DIR };
  process.env.XDG_RUNTIME_DIR = stack.dir;
  process.env.PIPEWIRE_RUNTIME_DIR = stack.dir;
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A Streamer on a PipeWire camera labelled `label`, showing noise frames (see streamNoise). */
export function streamNoise(label: string, format: FormatName, width: number, height: number, seed: number) {
  return noiseStream({ width, height, format, fps: 30, sink: { type: 'pipewire', label } }, seed);
}

export interface Read {
  data: Buffer;
  code: number | null;
  stderr: string;
}

/** GStreamer caps for a loopcam format. */
export const capsOf = (format: FormatName, width: number, height: number) => `video/x-raw,format=${SPA_VIDEO_FORMATS[format]!.name},width=${width},height=${height}`;

/** Runs a reader to completion (killed after 30 s), collecting its stdout as bytes. */
function collect(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Read> {
  const child = spawn(cmd, args, { env });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ data: Buffer.concat(chunks), code, stderr });
  }));
}

/** `count` frames of node `name`, read directly with pipewiresrc. */
export function readDirect(stack: Stack, name: string, format: FormatName, width: number, height: number, count: number): Promise<Read> {
  return collect('gst-launch-1.0', ['-q', 'pipewiresrc', `target-object=${name}`, `num-buffers=${count}`, '!', capsOf(format, width, height), '!', 'fdsink', 'fd=1'], stack.env);
}

/** `count` frames of node `name`, read as a portal app does (AccessCamera, OpenPipeWireRemote, pipewiresrc fd=…). */
export function readThroughPortal(stack: Stack, name: string, format: FormatName, width: number, height: number, count: number): Promise<Read> {
  return collect('/usr/bin/python3', [PORTAL_CLIENT, 'read', name, capsOf(format, width, height), String(count)], stack.env);
}

/** The cameras a portal app sees: node.name → description. */
export async function camerasThroughPortal(stack: Stack): Promise<Map<string, string>> {
  const listed = await collect('/usr/bin/python3', [PORTAL_CLIENT, 'list'], stack.env);
  if (listed.code !== 0) throw new Error(`portal.py list exited ${listed.code}: ${listed.stderr}`);
  return new Map(listed.data.toString().trim().split('\n').filter(Boolean).map((line) => line.split('\t') as [string, string]));
}

/**
 * What is wrong with a read of `count` frames, or '': each must be one of `frames`, byte for byte, in the
 * order written (frames advance by at most one between reads), and more than one written frame seen.
 */
export function readProblem(read: Read, frames: Uint8Array[], count: number): string {
  if (read.code !== 0) return `the reader exited ${read.code}: ${read.stderr.slice(-1500)}`;
  const size = frames[0]!.length;
  if (read.data.length !== count * size) return `read ${read.data.length} bytes, expected ${count} frames of ${size}`;
  const ids = Array.from({ length: count }, (_, i) => identify(read.data.subarray(i * size, (i + 1) * size), frames));
  if (ids.includes(-1)) return `a frame read matches none written: ${ids.join(',')}`;
  for (let i = 1; i < ids.length; i++) if ((ids[i]! - ids[i - 1]! + frames.length) % frames.length > 1) return `out of order at ${i}: ${ids.join(',')}`;
  if (new Set(ids).size < 2) return `read only frame ${ids[0]}`;
  return '';
}

/** Frame ids of a read, for the log. */
export function idsOf(read: Read, frames: Uint8Array[]): string {
  const size = frames[0]!.length;
  return Array.from({ length: Math.floor(read.data.length / size) }, (_, i) => identify(read.data.subarray(i * size, (i + 1) * size), frames)).join('');
}

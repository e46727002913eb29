/**
 * The streaming benchmark (`loopcam bench --stream`): streams the moving pattern — drawn, converted
 * and written every frame, the whole job — for N seconds per size and rate, to the null sink, Y4M
 * framing into /dev/null, or real devices, and runs ffmpeg on the same job in the same run as the
 * yardstick (rawvideo RGBA at the same size and rate, -re, converted to the same format, written to
 * /dev/null raw or as Y4M). The floor is measured in the same run too: one plain copy of each RGBA
 * frame, paced the same way. CPU is process CPU time over wall time, in % of one core, and per thread.
 * `--block MS` busies the producer's thread MS of every second, as a heavy producer (a model, a decode) does.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize, UsageError } from '../args.js';
import { STREAM_BENCH_USAGE } from './args.js';
import { Streamer, type SinkOption } from '../stream/streamer.js';
import { FORMATS, type FormatName } from '../formats.js';
import { listDevices } from '../v4l2/devices.js';
import { nodeName } from '../pipewire/sink.js';
import { SPA_VIDEO_FORMATS } from '../pipewire/pod.js';
import { LoopcamError } from '../errors.js';
import { WasmMemory } from '../convert/wasm-module.js';
import { ffmpegCpuPercent } from './ffmpeg-cpu.js';
import { threadPercents, threadTimes } from './proc-cpu.js';
import { outputThreadScheduling } from '../stream/output-thread.js';
import { benchVideo, makeClip, removeClip } from './video.js';

export interface StreamBenchResult {
  width: number;
  height: number;
  fps: number;
  cameras: number;
  sink: string;
  seconds: number;
  cpuPercent: number;
  framesOut: number;
  late: number;
  dropped: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  driftMs: number;
  /** % of one core per thread ("main", then the others by name), where Linux tells. */
  threads: Record<string, number>;
  /** Where the clock and writes ran: the output thread (real-time or normal scheduling) or the main thread. */
  outputThread: 'realtime' | 'normal' | 'none';
  /** Milliseconds of every second the producer's thread was busy. */
  blockMs: number;
  /** ffmpeg on one camera's job × cameras. */
  ffmpegCpuPercent: number | null;
  /** cpuPercent / ffmpegCpuPercent */
  xFfmpeg: number | null;
  /** The floor: one plain copy of each camera's RGBA frame per frame, paced the same way. */
  copyCpuPercent: number;
  /** cpuPercent / copyCpuPercent */
  xCopy: number;
  /** --sink pipewire: the null sink's CPU in the same run, and how much more PipeWire costs. */
  nullCpuPercent?: number;
  overNullPercent?: number;
  /** --sink pipewire: frames each camera's reader got. */
  framesRead?: number[];
}

type BenchSink = 'null' | 'y4m' | 'device' | 'pipewire';

/** Each camera's sink; `target` is its device, or its PipeWire label. */
const SINKS: Record<BenchSink, (target: string) => SinkOption> = {
  null: () => ({ type: 'null' }),
  y4m: () => ({ type: 'y4m', path: '/dev/null' }),
  device: (device) => ({ type: 'device', device }),
  pipewire: (label) => ({ type: 'pipewire', label }),
};

/**
 * One reader per PipeWire camera (GStreamer's pipewiresrc into fakesink): a camera nobody reads does no work.
 * The caps are spelled out (0.3.65's pipewiresrc offers no format to a sink that takes anything, and never
 * links); each reader logs a line per buffer to a file, counted at the end, so a figure with no frames read
 * is caught, not reported.
 */
async function attachReaders(labels: string[], width: number, height: number): Promise<() => number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-bench-'));
  const readers = labels.map((label, i) => {
    const log = openSync(join(dir, `reader-${i}.log`), 'w');
    const child = spawn('gst-launch-1.0', ['-v', 'pipewiresrc', `target-object=${nodeName(label, new Set())}`, '!',
      `video/x-raw,format=${SPA_VIDEO_FORMATS.yuyv!.name},width=${width},height=${height}`, '!', 'fakesink', 'silent=false'], { stdio: ['ignore', log, 'ignore'] });
    closeSync(log);
    return child;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000)); // linked and streaming before the measurement
  return () => {
    readers.forEach((r) => r.kill('SIGKILL'));
    const counts = labels.map((_, i) => readFileSync(join(dir, `reader-${i}.log`), 'utf8').split('last-message = chain').length - 1);
    rmSync(dir, { recursive: true, force: true });
    return counts;
  };
}

/** Busy-waits `ms` of every second on this thread, until stopped. */
function blockEverySecond(ms: number): () => void {
  if (ms <= 0) return () => {};
  const timer = setInterval(() => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  }, 1000);
  return () => clearInterval(timer);
}

async function streamOurs(width: number, height: number, fps: number, seconds: number, sink: BenchSink, devices: string[], blockMs: number) {
  const cams = devices.map((device) => new Streamer({ width, height, fps, input: 'rgba', format: 'yuyv', sink: SINKS[sink](device) }));
  let detach = (): number[] => [];
  if (sink === 'pipewire') {
    await Promise.all(cams.map((cam) => cam.start()));
    detach = await attachReaders(devices, width, height);
  }
  const cpu = process.cpuUsage();
  const threads = threadTimes();
  const start = performance.now();
  const unblock = blockEverySecond(blockMs);
  try {
    if (sink !== 'pipewire') await Promise.all(cams.map((cam) => cam.start()));
    await Promise.all(cams.map(async (cam) => {
      for (let n = 0; performance.now() - start < seconds * 1000; n++) {
        cam.drawPattern('moving', n, performance.now() - start);
        cam.commit();
        await cam.nextFrame();
      }
    }));
  } catch (error) {
    unblock();
    detach(); // the readers never outlive a failed run
    throw error;
  }
  unblock();
  const stats = cams.map((cam) => cam.stats);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - start;
  const perThread = threadPercents(threads, threadTimes(), wall);
  const framesRead = detach();
  await Promise.all(cams.map((cam) => cam.stop()));
  const worst = (key: 'latenessP99Ms' | 'latenessP50Ms' | 'driftMs') => Math.max(...stats.map((s) => s[key]));
  return {
    cpuPercent: ((used.user + used.system) / 1000 / wall) * 100,
    framesOut: stats.reduce((a, s) => a + s.framesOut, 0),
    late: stats.reduce((a, s) => a + s.late, 0),
    dropped: stats.reduce((a, s) => a + s.dropped, 0),
    latenessP50Ms: worst('latenessP50Ms'),
    latenessP99Ms: worst('latenessP99Ms'),
    driftMs: worst('driftMs'),
    threads: perThread,
    outputThread: outputThreadScheduling() ?? ('none' as const),
    ...(sink === 'pipewire' ? { framesRead } : {}),
  };
}

/** Longest the copy floor is measured: a rate, steady within seconds. */
const COPY_SECONDS = 10;

/**
 * The floor under any pipeline: each output frame, one plain copy of each camera's RGBA frame into WASM
 * memory (what `send()` does before it converts), paced at the same rate on this thread, for up to
 * COPY_SECONDS. Its CPU in % of one core.
 */
async function copyFloor(width: number, height: number, fps: number, seconds: number, cameras: number): Promise<number> {
  const bytes = width * height * 4;
  const memory = new WasmMemory();
  const pairs = Array.from({ length: cameras }, () => {
    const from = memory.alloc(bytes), to = memory.alloc(bytes);
    return [from, to] as const;
  });
  const copies = pairs.map(([from, to]) => {
    const source = memory.view(from, bytes), target = memory.view(to, bytes);
    for (let i = 0; i < bytes; i += 4096) source[i] = i >> 12; // every page real, as a drawn frame's
    target.fill(1);
    return () => target.set(source);
  });
  const period = 1000 / fps;
  const span = Math.min(seconds, COPY_SECONDS) * 1000;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let n = 0; n * period < span; n++) {
    const wait = start + n * period - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (const copy of copies) copy();
  }
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) / 1000 / (performance.now() - start)) * 100;
}

/**
 * ffmpeg on one camera's job (raw to /dev/null, or Y4M for the y4m sink), once, its CPU × cameras: N
 * ffmpegs at once would share this machine's two cores and measure the contention, not the job.
 * null if ffmpeg is missing.
 */
async function ffmpegYardstick(width: number, height: number, fps: number, seconds: number, format: FormatName, sink: BenchSink, cameras: number): Promise<number | null> {
  // Y4M carries YUYV as planar 4:2:2, as loopcam's Y4M sink writes it.
  const output = sink === 'y4m' ? ['-pix_fmt', 'yuv422p', '-f', 'yuv4mpegpipe'] : ['-pix_fmt', FORMATS[format].ffmpeg ?? 'yuv420p', '-f', 'rawvideo'];
  const one = await ffmpegCpuPercent(['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-re',
    '-t', String(seconds), '-i', '/dev/zero', ...output, '-y', '/dev/null']);
  return one === null ? null : one * cameras;
}

export async function runStreamBench(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--stream'), strict: true,
      options: {
        sink: { type: 'string' }, seconds: { type: 'string' }, cameras: { type: 'string' }, block: { type: 'string' }, size: { type: 'string', multiple: true },
        fps: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        video: { type: 'boolean' }, file: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    out(STREAM_BENCH_USAGE);
    return 0;
  }
  const sink = values.sink ?? 'null';
  if (!(sink in SINKS)) throw new UsageError(`--sink ${sink}: expected null, y4m, device or pipewire`);
  const blockMs = Number(values.block ?? 0);
  if (!(blockMs >= 0 && blockMs < 1000)) throw new UsageError(`--block ${values.block}: expected milliseconds from 0 to 999`);
  const seconds = Number(values.seconds ?? 10);
  const cameras = Number(values.cameras ?? 1);
  if (!(seconds > 0)) throw new UsageError(`--seconds ${values.seconds}: expected a number above 0`);
  if (!Number.isInteger(cameras) || cameras < 1) throw new UsageError(`--cameras ${values.cameras}: expected a whole number ≥ 1`);
  const sizes = values.size?.length ? values.size.map(parseSize) : values.video ? [[1920, 1080] as [number, number]] : [[1280, 720], [1920, 1080]] as [number, number][];
  const rates = values.fps?.length ? values.fps.map(Number) : [30, 60];
  if (rates.some((r) => !(r > 0))) throw new UsageError('--fps: expected numbers above 0');
  if (values.video) return videoCase(values.file, sizes[0]!, values.fps?.length ? rates[0]! : 30, seconds, values.json === true, out);
  let devices = Array.from({ length: cameras }, () => '');
  if (sink === 'device') {
    devices = listDevices().filter((d) => d.loopback).map((d) => d.path).slice(0, cameras);
    if (devices.length < cameras) throw new UsageError(`--cameras ${cameras} needs ${cameras} v4l2loopback nodes; found ${devices.length} (modprobe v4l2loopback devices=${cameras})`);
  }
  if (sink === 'pipewire') devices = devices.map((_, i) => `loopcam bench ${i + 1}`);
  if (!values.json) {
    out(`loopcam streaming benchmark · moving pattern, rgba → yuyv, ${cameras} camera(s) → ${sink}${blockMs ? ` · producer busy ${blockMs} ms of every second` : ''} · ${seconds} s per case · CPU in % of one core` +
      (cameras > 1 ? ` · ffmpeg: one camera's job × ${cameras}` : '') + ' · copy: one plain copy of each RGBA frame, paced the same (the floor)');
    out('size        fps  loopcam CPU  ffmpeg CPU  ×ffmpeg  copy CPU  ×copy  frames  late  dropped  p50 ms  p99 ms  drift ms');
  }
  for (const [width, height] of sizes) {
    for (const fps of rates) {
      // PipeWire is measured against the null sink in the same run: what publishing costs on top.
      const nullSink = sink === 'pipewire' ? await streamOurs(width, height, fps, seconds, 'null', devices, blockMs) : undefined;
      const ours = await streamOurs(width, height, fps, seconds, sink as BenchSink, devices, blockMs);
      const starved = ours.framesRead?.findIndex((n) => n < ours.framesOut / devices.length / 2) ?? -1;
      if (starved >= 0) {
        throw new LoopcamError('PIPEWIRE_ERROR', `the reader of PipeWire camera "${devices[starved]}" got ${ours.framesRead![starved]} of ${Math.round(ours.framesOut / devices.length)} frames, ` +
          'so this run measured no real reader: check that gst-launch-1.0 and GStreamer\'s pipewiresrc (gstreamer1.0-pipewire) are installed and reach this PipeWire (loopcam doctor)');
      }
      const ffmpegCpuPercent = await ffmpegYardstick(width, height, fps, seconds, 'yuyv', sink as BenchSink, cameras);
      const copyCpuPercent = await copyFloor(width, height, fps, seconds, cameras);
      const r: StreamBenchResult = {
        width, height, fps, cameras, sink, seconds, blockMs, ...ours, ffmpegCpuPercent,
        xFfmpeg: ffmpegCpuPercent ? ours.cpuPercent / ffmpegCpuPercent : null,
        copyCpuPercent, xCopy: ours.cpuPercent / copyCpuPercent,
        ...(nullSink ? { nullCpuPercent: nullSink.cpuPercent, overNullPercent: ours.cpuPercent - nullSink.cpuPercent } : {}),
      };
      if (values.json) out(JSON.stringify(r));
      else {
        out(`${`${width}×${height}`.padEnd(10)}  ${String(fps).padStart(3)}  ${r.cpuPercent.toFixed(1).padStart(9)} %  ${(ffmpegCpuPercent === null ? 'n/a' : `${ffmpegCpuPercent.toFixed(1)} %`).padStart(10)}` +
          `  ${(r.xFfmpeg === null ? 'n/a' : `${r.xFfmpeg.toFixed(2)}×`).padStart(7)}  ${`${r.copyCpuPercent.toFixed(1)} %`.padStart(8)}  ${`${r.xCopy.toFixed(1)}×`.padStart(5)}  ${String(r.framesOut).padStart(6)}  ${String(r.late).padStart(4)}  ${String(r.dropped).padStart(7)}` +
          `  ${r.latenessP50Ms.toFixed(2).padStart(6)}  ${r.latenessP99Ms.toFixed(2).padStart(6)}  ${r.driftMs.toFixed(2).padStart(8)}`);
        if (r.overNullPercent !== undefined) out(`            the null sink in this run: ${r.nullCpuPercent!.toFixed(1)} % · PipeWire (one reader attached) costs ${r.overNullPercent.toFixed(1)} % of a core more · the reader got ${r.framesRead!.join(', ')} frames`);
        const threads = Object.entries(r.threads).map(([name, p]) => `${name} ${p.toFixed(1)} %`).join(', ');
        const where = r.outputThread === 'none' ? 'clock on the main thread' : `output thread: ${r.outputThread} scheduling`;
        out(`            ${where}${threads ? ` · threads: ${threads}` : ''}`);
      }
    }
  }
  return 0;
}

async function videoCase(file: string | undefined, [width, height]: [number, number], fps: number, seconds: number, json: boolean,
  out: (line: string) => void): Promise<number> {
  const clip = file ?? makeClip(width, height, fps, seconds);
  try {
    if (!json) out(`loopcam streaming benchmark · video: loopcam play ${file ?? `a ${width}×${height} ${fps} fps H.264 clip (${seconds} s)`} → null sink, vs ffmpeg -re → yuyv422 → /dev/null · CPU in % of one core`);
    const r = await benchVideo(clip, width, height, fps);
    if (json) out(JSON.stringify(r));
    else {
      out('size        fps  loopcam+ffmpeg CPU  (its ffmpeg)  ffmpeg alone  ×ffmpeg  frames  late  dropped  p50 ms  p99 ms');
      out(`${`${width}×${height}`.padEnd(10)}  ${String(fps).padStart(3)}  ${r.cpuPercent.toFixed(1).padStart(16)} %  ${r.childCpuPercent.toFixed(1).padStart(10)} %` +
        `  ${(r.ffmpegCpuPercent === null ? 'n/a' : `${r.ffmpegCpuPercent.toFixed(1)} %`).padStart(12)}  ${(r.xFfmpeg === null ? 'n/a' : `${r.xFfmpeg.toFixed(2)}×`).padStart(7)}` +
        `  ${String(r.framesOut).padStart(6)}  ${String(r.late).padStart(4)}  ${String(r.dropped).padStart(7)}  ${r.latenessP50Ms.toFixed(2).padStart(6)}  ${r.latenessP99Ms.toFixed(2).padStart(6)}`);
    }
  } finally {
    if (file === undefined) removeClip(clip);
  }
  return 0;
}

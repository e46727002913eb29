/**
 * The streaming benchmark (`loopcam bench --stream`): streams the moving pattern — drawn, converted
 * and written every frame, the whole job — for N seconds per size and rate, to the null sink or to real
 * devices, and runs ffmpeg on the same job in the same run as the yardstick (rawvideo RGBA at the same
 * size and rate, -re, converted to the same format, written to /dev/null). CPU is process CPU time over
 * wall time, in % of one core.
 */
import { parseArgs } from 'node:util';
import { parseSize, UsageError } from '../args.js';
import { Streamer } from '../stream/streamer.js';
import { FORMATS, type FormatName } from '../formats.js';
import { listDevices } from '../v4l2/devices.js';
import { ffmpegCpuPercent } from './ffmpeg-cpu.js';
import { benchVideo, makeClip, removeClip } from './video.js';

export const STREAM_BENCH_USAGE = `Usage: loopcam bench --stream [--sink null|device] [--seconds N] [--cameras N] [--size WxH]… [--fps N]… [--json]
       loopcam bench --stream --video [--file FILE] [--seconds N] [--size WxH] [--fps N] [--json]

Streams the moving pattern (drawn, converted to yuyv and written every frame) and reports CPU (% of one
core), frames out, late, dropped, lateness p50/p99 and drift, next to ffmpeg doing the same job.

  --sink S       null (default) or device (v4l2loopback nodes; with --cameras N, the first N)
  --seconds N    seconds per case (default 10)
  --cameras N    streams at once from this process (default 1)
  --size WxH     repeatable (default 1280x720 1920x1080)
  --fps N        repeatable (default 30 60)
  --video        the video case: loopcam play of a video file (default: a 1080p30 H.264 clip of
                 --seconds made for the run) to the null sink — loopcam and its ffmpeg child — next
                 to ffmpeg -re converting the same file to yuyv422 into /dev/null
  --file FILE    the video for --video
  --json         one JSON object per line`;

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
  ffmpegCpuPercent: number | null;
  /** cpuPercent / ffmpegCpuPercent */
  xFfmpeg: number | null;
}

async function streamOurs(width: number, height: number, fps: number, seconds: number, sink: 'null' | 'device', devices: string[]) {
  const cams = devices.map((device) => new Streamer({
    width, height, fps, input: 'rgba', format: 'yuyv',
    sink: sink === 'null' ? { type: 'null' } : { type: 'device', device },
  }));
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(cams.map((cam) => cam.start()));
  await Promise.all(cams.map(async (cam) => {
    for (let n = 0; performance.now() - start < seconds * 1000; n++) {
      cam.drawPattern('moving', n, performance.now() - start);
      cam.commit();
      await cam.nextFrame();
    }
  }));
  const stats = cams.map((cam) => cam.stats);
  await Promise.all(cams.map((cam) => cam.stop()));
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - start;
  const worst = (key: 'latenessP99Ms' | 'latenessP50Ms' | 'driftMs') => Math.max(...stats.map((s) => s[key]));
  return {
    cpuPercent: ((used.user + used.system) / 1000 / wall) * 100,
    framesOut: stats.reduce((a, s) => a + s.framesOut, 0),
    late: stats.reduce((a, s) => a + s.late, 0),
    dropped: stats.reduce((a, s) => a + s.dropped, 0),
    latenessP50Ms: worst('latenessP50Ms'),
    latenessP99Ms: worst('latenessP99Ms'),
    driftMs: worst('driftMs'),
  };
}

/** ffmpeg on the same job; its own -benchmark line gives its CPU time. null if ffmpeg is missing. */
function ffmpegYardstick(width: number, height: number, fps: number, seconds: number, format: FormatName, cameras: number): Promise<number | null> {
  const run = () => ffmpegCpuPercent(['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-re',
    '-t', String(seconds), '-i', '/dev/zero', '-pix_fmt', FORMATS[format].ffmpeg ?? 'yuv420p', '-f', 'rawvideo', '-y', '/dev/null']);
  return Promise.all(Array.from({ length: cameras }, run)).then((all) => (all.some((x) => x === null) ? null : all.reduce<number>((a, x) => a + (x ?? 0), 0)));
}

export async function runStreamBench(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--stream'), strict: true,
      options: {
        sink: { type: 'string' }, seconds: { type: 'string' }, cameras: { type: 'string' }, size: { type: 'string', multiple: true },
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
  if (sink !== 'null' && sink !== 'device') throw new UsageError(`--sink ${sink}: expected null or device`);
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
  if (!values.json) {
    out(`loopcam streaming benchmark · moving pattern, rgba → yuyv, ${cameras} camera(s) → ${sink} · ${seconds} s per case · CPU in % of one core`);
    out('size        fps  loopcam CPU  ffmpeg CPU  ×ffmpeg  frames  late  dropped  p50 ms  p99 ms  drift ms');
  }
  for (const [width, height] of sizes) {
    for (const fps of rates) {
      const ours = await streamOurs(width, height, fps, seconds, sink, devices);
      const ffmpegCpuPercent = await ffmpegYardstick(width, height, fps, seconds, 'yuyv', cameras);
      const r: StreamBenchResult = {
        width, height, fps, cameras, sink, seconds, ...ours, ffmpegCpuPercent,
        xFfmpeg: ffmpegCpuPercent ? ours.cpuPercent / ffmpegCpuPercent : null,
      };
      if (values.json) out(JSON.stringify(r));
      else {
        out(`${`${width}×${height}`.padEnd(10)}  ${String(fps).padStart(3)}  ${r.cpuPercent.toFixed(1).padStart(9)} %  ${(ffmpegCpuPercent === null ? 'n/a' : `${ffmpegCpuPercent.toFixed(1)} %`).padStart(10)}` +
          `  ${(r.xFfmpeg === null ? 'n/a' : `${r.xFfmpeg.toFixed(2)}×`).padStart(7)}  ${String(r.framesOut).padStart(6)}  ${String(r.late).padStart(4)}  ${String(r.dropped).padStart(7)}` +
          `  ${r.latenessP50Ms.toFixed(2).padStart(6)}  ${r.latenessP99Ms.toFixed(2).padStart(6)}  ${r.driftMs.toFixed(2).padStart(8)}`);
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

/**
 * The video case of the streaming benchmark: `loopcam play` of a video file (a 1080p30 H.264 clip made
 * for the run, or yours) to the null sink, against ffmpeg converting the same file to yuyv422 with -re.
 * loopcam's CPU counts its ffmpeg child too: the kernel adds a reaped child's CPU time to the parent's
 * cutime/cstime, read before and after.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopcamError } from '../errors.js';
import { mediaSource } from '../sources/media.js';
import { Streamer } from '../stream/streamer.js';
import { ffmpegCpuPercent } from './ffmpeg-cpu.js';
import { childrenCpuSeconds } from './proc-cpu.js';

export interface VideoBenchResult {
  case: 'video';
  file: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  /** loopcam's process and its ffmpeg child, % of one core over the play's wall time. */
  cpuPercent: number;
  /** Of which the ffmpeg child. */
  childCpuPercent: number;
  framesOut: number;
  late: number;
  dropped: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  ffmpegCpuPercent: number | null;
  xFfmpeg: number | null;
}

/** A 1080p30 H.264 clip of `seconds` (ffmpeg's testsrc2, libx264 veryfast), made once per run. */
export function makeClip(width: number, height: number, fps: number, seconds: number): string {
  const file = join(tmpdir(), `loopcam-bench-${process.pid}.mp4`);
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-y', file]);
  if (made.status !== 0) throw new LoopcamError('NO_FFMPEG', `could not make a test clip with ffmpeg (libx264): ${String(made.stderr).trim() || made.error?.message}`);
  return file;
}

export async function benchVideo(file: string, width: number, height: number, fps: number): Promise<VideoBenchResult> {
  const cam = new Streamer({ width, height, fps, format: 'yuyv', sink: { type: 'null' } });
  const cpu = process.cpuUsage();
  const children = childrenCpuSeconds();
  const start = performance.now();
  await cam.play(mediaSource(file), { end: 'stop' });
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const child = childrenCpuSeconds() - children;
  const s = cam.stats;
  const own = (used.user + used.system) / 1e6;
  const ffmpegCpuPercent = await ffmpegAlone(file);
  const cpuPercent = ((own + child) / wall) * 100;
  return {
    case: 'video', file, width, height, fps, seconds: wall, cpuPercent, childCpuPercent: (child / wall) * 100,
    framesOut: s.framesOut, late: s.late, dropped: s.dropped, latenessP50Ms: s.latenessP50Ms, latenessP99Ms: s.latenessP99Ms,
    ffmpegCpuPercent, xFfmpeg: ffmpegCpuPercent ? cpuPercent / ffmpegCpuPercent : null,
  };
}

/** The yardstick: `ffmpeg -re -i FILE -pix_fmt yuyv422 -f rawvideo -y /dev/null`. */
function ffmpegAlone(file: string): Promise<number | null> {
  return ffmpegCpuPercent(['-re', '-i', file, '-an', '-pix_fmt', 'yuyv422', '-f', 'rawvideo', '-y', '/dev/null']);
}

export function removeClip(file: string): void {
  rmSync(file, { force: true });
}

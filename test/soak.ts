/**
 * The soak test: `npm run soak -- [--minutes M]` (default 2). For M minutes, one Streamer streams 1080p30
 * to the null sink (drawn and committed every frame) while another records 640×480 Y4M onto a small tmpfs
 * this test mounts (as root): at each NO_SPACE it checks that the file holds only whole frames, deletes it
 * and starts a new recording. Every few seconds it samples RSS, heap, open files and child processes.
 * Fails on growth after the warm-up (RSS after a forced collection more than 10 MB above its level then,
 * any file descriptor or child left behind), on a gap in the 1080p output longer than 5 frame periods or
 * a dropped deadline, or on any other error.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LoopcamError, Streamer } from '../src/index.js';

const { values } = parseArgs({ options: { minutes: { type: 'string' } } });
const minutes = Number(values.minutes ?? 2);
if (!(minutes > 0)) {
  console.error('Usage: npm run soak -- [--minutes M]');
  process.exit(2);
}
const durationMs = minutes * 60_000;
const warmUpMs = Math.min(30_000, durationMs / 4);
const SAMPLE_MS = 5000;
const RSS_GROWTH_MB = 10;
const GAP_PERIODS = 5;

const fds = () => readdirSync('/proc/self/fd').length;
const children = () => readdirSync('/proc/self/task').flatMap((t) => readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
const mb = (bytes: number) => bytes / 1048576;
const failures: string[] = [];

// The recording's disk: a 48 MB tmpfs (≈ 80 frames of 640×480 YUYV), mounted here when root.
const root = process.getuid?.() === 0;
const disk = mkdtempSync(join(tmpdir(), 'loopcam-soak-'));
const mounted = root && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', disk]).status === 0;
if (!mounted) console.log(`soak: the recording part is skipped — ${root ? 'mounting a tmpfs failed' : 'it needs root to mount a tmpfs'}`);

const fdsBefore = fds();
const started = performance.now();
const elapsed = () => performance.now() - started;

// 1080p30 to the null sink, drawn and committed every frame. Its output's longest gap: with no deadline
// dropped, a period plus the latest write (sampled often enough that the 2048-write window covers all).
const cam = new Streamer({ width: 1920, height: 1080, fps: 30, sink: { type: 'null' } });
const period = 1000 / 30;
let latest = 0;
cam.on('error', (error) => failures.push(`the 1080p stream failed: ${String(error)}`));

/** One recording until the disk is full; checks the file, deletes it; resolves with its frame count. */
async function record(index: number): Promise<number> {
  const path = join(disk, `rec-${index}.y4m`);
  const rec = new Streamer({ width: 640, height: 480, fps: 30, sink: { type: 'y4m', path } });
  const full = new Promise<LoopcamError>((resolve) => rec.once('error', resolve));
  await rec.start();
  for (let n = 0; elapsed() < durationMs; n++) {
    try {
      rec.drawPattern('moving', n, n * period);
      rec.commit();
    } catch {
      break; // the stream failed: its error arrives on `full`
    }
    if (await Promise.race([rec.nextFrame().then(() => false), full.then(() => true)])) break;
  }
  const error = await Promise.race([full, rec.stop().then(() => undefined)]);
  await rec.stop();
  let frames = 0;
  if (error !== undefined) {
    if (!(error instanceof LoopcamError) || error.code !== 'NO_SPACE') failures.push(`recording ${index} failed with ${String(error)}, not NO_SPACE`);
    frames = Number(/keeps the (\d+) whole frames/.exec(error.message)?.[1] ?? -1);
    // The header line and the size tell it; reading the whole 48 MB would stall this thread for nothing.
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(128);
    readSync(fd, head, 0, head.length, 0);
    const size = fstatSync(fd).size;
    closeSync(fd);
    const header = head.indexOf(0x0a) + 1;
    const frameBytes = 6 + 640 * 480 * 2;
    if (frames < 1 || size !== header + frames * frameBytes) failures.push(`recording ${index}: ${size} bytes, not ${frames} whole frames`);
  }
  rmSync(path, { force: true });
  return frames;
}

async function recordings(): Promise<number> {
  let count = 0;
  while (mounted && elapsed() < durationMs) await record(count++);
  return count;
}

interface Sample { at: number; rss: number; heap: number; fds: number; children: number }
const samples: Sample[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
/** Live memory: RSS after a collection (a dropped WebAssembly memory is returned from a task, so the loop turns first). */
async function sample(): Promise<void> {
  latest = Math.max(latest, cam.stats.latenessMaxMs);
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const m = process.memoryUsage();
  samples.push({ at: elapsed(), rss: mb(m.rss), heap: mb(m.heapUsed), fds: fds(), children: children().length });
}

await cam.start();
const sampler = setInterval(() => void sample(), SAMPLE_MS);
const recorded = recordings();
for (let n = 0; elapsed() < durationMs; n++) {
  cam.drawPattern('moving', n, elapsed());
  cam.commit();
  await cam.nextFrame();
}
const count = await recorded;
clearInterval(sampler);
await sample();
const stats = cam.stats;
await cam.stop();
if (mounted) spawnSync('umount', [disk]);
rmSync(disk, { recursive: true, force: true });

const warm = samples.filter((s) => s.at >= warmUpMs);
const base = warm[0] ?? samples[0]!;
const peak = Math.max(...warm.map((s) => s.rss));
console.log(`soak: ${minutes} min · 1080p30 null: ${stats.framesOut} frames, ${stats.late} late, ${stats.dropped} dropped, lateness p50 ${stats.latenessP50Ms.toFixed(2)} / p99 ${stats.latenessP99Ms.toFixed(2)} ms, latest write ${latest.toFixed(1)} ms late (longest gap ≤ ${(period * (stats.dropped ? 2 : 1) + latest).toFixed(0)} ms)` +
  ` · ${mounted ? `${count} recordings filled the disk` : 'no recordings'}`);
console.log(`soak: RSS ${samples[0]!.rss.toFixed(0)} MB at the first sample, ${base.rss.toFixed(0)} MB after the warm-up, peak ${peak.toFixed(0)} MB, ${samples.at(-1)!.rss.toFixed(0)} MB at the end; heap ${base.heap.toFixed(1)} → ${samples.at(-1)!.heap.toFixed(1)} MB; open files ${fdsBefore} before, ${base.fds} after the warm-up, ${fds()} at the end; ${samples.length} samples`);
if (peak - base.rss > RSS_GROWTH_MB) failures.push(`RSS grew ${(peak - base.rss).toFixed(0)} MB after the warm-up (limit ${RSS_GROWTH_MB})`);
// The output thread's own descriptors appear with the first stream and stay: the baseline is after the
// warm-up (when one recording may hold its file open), the end is after every stream has stopped.
if (fds() > base.fds) failures.push(`${fds() - base.fds} file descriptors left open (${base.fds} after the warm-up, ${fds()} at the end)`);
if (warm.some((s) => s.fds > base.fds + 2)) failures.push(`open files rose to ${Math.max(...warm.map((s) => s.fds))} (${base.fds} after the warm-up)`);
if (samples.some((s) => s.children > 0)) failures.push('child processes seen');
if (stats.dropped > 0) failures.push(`${stats.dropped} deadlines got no frame`);
if (period + latest > GAP_PERIODS * period) failures.push(`a write ${latest.toFixed(1)} ms late: a gap longer than ${GAP_PERIODS} frame periods`);
for (const f of failures) console.log(`soak: FAIL ${f}`);
process.exit(failures.length ? 1 : 0);

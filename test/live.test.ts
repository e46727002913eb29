// Live inputs against a real stream: an ffmpeg HTTP server (MPEG-TS, `-listen 1`) on 127.0.0.1 that the
// test kills and restarts. The camera must keep its rate through every outage, report loss and
// restore, pick the stream up again without a restart, and leave no process or descriptor behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mediaSource, type LostEvent, type MediaSource } from '../src/sources/media.js';
import type { Sink } from '../src/stream/sinks.js';
import { Streamer } from '../src/stream/streamer.js';

const BIN = new URL('../src/cli/loopcam.cjs', import.meta.url).pathname;
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const FPS = 20;
const PORT = 20000 + (process.pid % 20000);
const STREAM = `http://127.0.0.1:${PORT}/live.ts`;

/** The test's camera: an MPEG-TS stream served to one client at a time. */
function startServer(): ChildProcess {
  return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'quiet', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30',
    '-c:v', 'mpeg2video', '-q:v', '4', '-f', 'mpegts', '-listen', '1', STREAM], { stdio: 'ignore' });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Children of `pid` named ffmpeg, from /proc (zombies do not count: they are gone but for the record). */
function ffmpegChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, state, ppid] = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat) ?? [];
      if (comm === 'ffmpeg' && state !== 'Z' && Number(ppid) === pid) found.push(Number(entry));
    } catch {}
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const openFds = () => readdirSync('/proc/self/fd').length;

async function until(what: string, ms: number, ok: () => boolean): Promise<number> {
  const start = performance.now();
  while (!ok()) {
    if (performance.now() - start > ms) assert.unreachable(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - start;
}

if (!hasFfmpeg) {
  test.skip('live inputs: ffmpeg not installed (apt-get install ffmpeg)', () => {});
} else {
  test('a live HTTP stream killed mid-stream 10 times: the camera keeps its rate, loss and restore are reported, frames return within 5 s, nothing leaks', async () => {
    const writes: number[] = [];
    const sink: Sink = { name: 'timing', write: () => void writes.push(performance.now()), close() {} };
    const cam = new Streamer({ width: 160, height: 120, fps: FPS, format: 'yuyv', sink });
    const source = mediaSource(STREAM, { live: true }) as MediaSource;
    const lost: LostEvent[] = [];
    let restored = 0;
    let frames = 0;
    source.on('lost', (e: LostEvent) => lost.push(e));
    source.on('restored', () => restored++);
    const fdsBefore = openFds();
    let server = startServer();
    const playing = cam.play(source, { end: 'hold', onFrame: () => void frames++ });
    const recoveries: number[] = [];
    try {
      await until('first frames from the stream', 10_000, () => frames >= 10);
      for (let cycle = 1; cycle <= 10; cycle++) {
        assert.ok(ffmpegChildren(process.pid).length <= 2, 'one server and one client at most');
        const outages = lost.length;
        await kill(server);
        await until(`cycle ${cycle}: the loss is reported`, 5000, () => lost.length > outages);
        server = startServer();
        const before = frames;
        recoveries.push(await until(`cycle ${cycle}: frames again after the server restarted`, 5000, () => frames > before + 5));
        // One loss and one restore per outage (a machine busy enough to stall the stream adds outages, never doubles).
        assert.is(restored, lost.length, 'each outage restored once');
      }
      const gaps = writes.slice(1).map((t, i) => t - writes[i]!);
      const worst = Math.max(...gaps);
      assert.ok(worst <= 5 * (1000 / FPS), `the camera kept its rate: longest gap between frames ${worst.toFixed(0)} ms`);
      console.log(`    10 outages (${lost.length} reported): back after ${recoveries.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; ${writes.length} frames out, longest gap ${worst.toFixed(0)} ms; loss: "${lost[0]!.reason}"`);
    } finally {
      await cam.stop();
      await playing;
      await kill(server);
    }
    await until('every ffmpeg child gone', 3000, () => ffmpegChildren(process.pid).length === 0);
    assert.is(openFds(), fdsBefore, 'no file descriptor left open');
  });

  test('credentials in a URL never appear in names, events or errors', async () => {
    const cam = new Streamer({ width: 64, height: 48, fps: FPS, sink: { type: 'null' } });
    const source = mediaSource('rtsp://alice:s3cret@127.0.0.1:1/stream', { stallMs: 500 });
    assert.ok(source.live, 'rtsp is live');
    assert.not.match(source.name, /s3cret/);
    const reasons: string[] = [];
    source.on('lost', (e: LostEvent) => reasons.push(e.reason));
    const playing = cam.play(source);
    await until('the failure is reported', 5000, () => reasons.length > 0);
    await cam.stop();
    await playing;
    assert.match(reasons[0]!, /rtsp:\/\/\*\*\*@127\.0\.0\.1:1\/stream/);
    assert.not.match(reasons.join('\n'), /s3cret|alice/);
    const file = mediaSource('http://bob:hunter2@127.0.0.1:1/none.ts');
    const other = new Streamer({ width: 64, height: 48, fps: FPS, sink: { type: 'null' } });
    try {
      await other.play(file);
      assert.unreachable('a URL that cannot be read is an error unless live');
    } catch (error) {
      assert.match((error as Error).message, /cannot read http:\/\/\*\*\*@127\.0\.0\.1:1\/none\.ts/);
      assert.not.match((error as Error).message, /hunter2|bob/);
    } finally {
      await other.stop();
    }
  });

  test('loopcam SIGKILLed while playing a live stream leaves no ffmpeg behind', async () => {
    const server = startServer();
    const cli = spawn(process.execPath, [BIN, 'play', STREAM, '--live', '--size', '160x120', '--output', join('/tmp', `loopcam-kill-${process.pid}.y4m`)], { stdio: 'ignore' });
    try {
      let children: number[] = [];
      await until('loopcam starts ffmpeg', 10_000, () => (children = ffmpegChildren(cli.pid!)).length > 0);
      const exited = new Promise((r) => cli.once('exit', r));
      cli.kill('SIGKILL');
      await exited;
      await until('its ffmpeg dies with it', 3000, () => children.every((pid) => !alive(pid)));
    } finally {
      await kill(cli);
      await kill(server);
      spawnSync('rm', ['-f', join('/tmp', `loopcam-kill-${process.pid}.y4m`)]);
    }
  });
}

test.run();

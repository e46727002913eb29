// The output thread: deadlines hold while the producer's thread is busy, frames reach the sink whole and
// in order from the shared output slots (Y4M repacked in the thread), and stop() waits until it let go.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Streamer } from '../src/index.js';
import { workerExecArgv } from '../src/stream/output-thread.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

test('the clock moves to the output thread and keeps its deadlines while this thread is blocked', async () => {
  const cam = new Streamer({ width: 320, height: 240, fps: 30, sink: { type: 'null' } });
  cam.send(new Uint8Array(320 * 240 * 4));
  await cam.start();
  await sleep(400); // the thread starts (≈ 50 ms) and takes the clock over
  const before = cam.stats;
  busy(600); // 18 deadlines pass while this thread cannot run a timer
  const after = cam.stats;
  const written = after.framesOut - before.framesOut;
  assert.ok(written >= 15, `${written} frames written while this thread was busy for 600 ms at 30 fps (expected ≥ 15; with the clock here: at most 1)`);
  assert.is(after.dropped - before.dropped, 0, 'no deadline dropped');
  await cam.nextFrame(); // nextFrame() follows the thread's ticks
  const stats = cam.stats;
  await cam.stop();
  assert.ok(cam.stats.framesOut >= stats.framesOut && cam.stats.framesOut <= stats.framesOut + 1, 'nothing written after stop()');
});

test('Y4M through the thread: every frame whole, in commit order, repacked from the shared slots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-thread-'));
  try {
    const [w, h] = [64, 16];
    const path = join(dir, 'out.y4m');
    const cam = new Streamer({ width: w, height: h, fps: 100, input: 'yuyv', format: 'yuyv', sink: { type: 'y4m', path } });
    // Frame k: every luma byte k, every U 100 + k, every V 200 − k — a torn or half-repacked frame mixes values.
    const draw = (k: number) => {
      const f = cam.frame;
      for (let i = 0; i < f.length; i += 4) {
        f[i] = k;
        f[i + 1] = 100 + k;
        f[i + 2] = k;
        f[i + 3] = 200 - k;
      }
    };
    draw(1);
    cam.commit();
    await cam.start();
    for (let k = 2; k <= 90; k++) {
      draw(k);
      cam.commit();
      if (k % 3 === 0) busy(25); // the producer stalls: the thread repeats the latest frame
      else await cam.nextFrame();
    }
    await cam.nextFrame();
    await cam.stop();
    const file = readFileSync(path);
    const header = file.indexOf(0x0a) + 1;
    const frameBytes = 6 + w * h * 2;
    assert.is((file.length - header) % frameBytes, 0, 'whole frames only');
    const frames = (file.length - header) / frameBytes;
    assert.is(frames, cam.stats.framesOut);
    let last = 0;
    for (let n = 0; n < frames; n++) {
      const at = header + n * frameBytes;
      assert.is(file.toString('latin1', at, at + 6), 'FRAME\n');
      const k = file[at + 6]!;
      const y = file.subarray(at + 6, at + 6 + w * h);
      const u = file.subarray(at + 6 + w * h, at + 6 + w * h * 1.5);
      const v = file.subarray(at + 6 + w * h * 1.5, at + frameBytes);
      assert.ok(y.every((b) => b === k) && u.every((b) => b === 100 + k) && v.every((b) => b === 200 - k), `frame ${n} is whole (frame ${k})`);
      assert.ok(k >= last, `frame ${n}: ${k} after ${last}`);
      last = k;
    }
    assert.is(last, 90, 'the last commit reached the file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outputThread: false keeps the clock on this thread (what a blocked thread then costs)', async () => {
  const cam = new Streamer({ width: 64, height: 16, fps: 30, sink: { type: 'null' }, outputThread: false });
  await cam.start();
  await sleep(300);
  const before = cam.stats.framesOut;
  busy(400);
  assert.ok(cam.stats.framesOut - before <= 1, 'no write while this thread was busy');
  await cam.nextFrame();
  assert.ok(cam.stats.dropped >= 10, 'the missed deadlines count as dropped');
  await cam.stop();
});

test('a script run with node --expose-gc --input-type=module -e streams through the output thread (it must not inherit the script options; process-wide ones are left out)', () => {
  assert.equal(workerExecArgv(['--input-type=module', '-e', 'code', '--expose-gc', '--eval=x', '--input-type', 'commonjs', '-p', '1', '--max-old-space-size=99']),
    ['--expose-gc', '--max-old-space-size=99']);
  const index = new URL('../src/index.js', import.meta.url).href;
  const ran = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', '--input-type=module', '-e', `
    import { Streamer } from ${JSON.stringify(index)};
    const cam = new Streamer({ width: 64, height: 48, sink: { type: 'null' } });
    await cam.start();
    await new Promise((r) => setTimeout(r, 400));
    await cam.stop();
    console.log(String(cam.stats.framesOut));`], { encoding: 'utf8', timeout: 20_000 });
  assert.is(ran.status, 0, ran.stderr);
  assert.ok(Number(ran.stdout) >= 8, `wrote ${ran.stdout.trim()} frames in 400 ms`);
});

test.run();

// The loopcam CLI feeding the real driver: `pattern` and `pipe` read back frame-exact by ffmpeg.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import pngjs from 'pngjs';
import { createConverter, readImage } from '../../src/index.js';
import { identify } from './stream.js';
import { driver, reload, run, scratch, SKIP_REASON } from './vm.js';

const BIN = new URL('../../src/cli/loopcam.cjs', import.meta.url).pathname;
const W = 320;
const H = 240;

/** Starts the CLI, waits until the device shows a format (frames flow), reads `count` frames with ffmpeg. */
async function readWhileRunning(args: string[], count: number, feed?: (stdin: NodeJS.WritableStream, reading: () => boolean) => Promise<void>): Promise<Buffer[]> {
  const [dir, clean] = scratch();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'ignore', 'inherit'] });
  let reading = true;
  try {
    const feeding = feed?.(child.stdin, () => reading);
    for (let i = 0; i < 200; i++) {
      const probe = await run('v4l2-ctl', ['-d', '/dev/video0', '--get-fmt-video']);
      if (probe.code === 0 && /Width\/Height\s*:\s*320\/240/.test(probe.stdout)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const file = `${dir}/ffmpeg.raw`;
    const ran = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', '/dev/video0', '-frames:v', String(count), '-f', 'rawvideo', '-y', file]);
    reading = false;
    assert.is(ran.code, 0, ran.stderr);
    const { readFileSync } = await import('node:fs');
    const data = readFileSync(file);
    const size = W * H * 2;
    await feeding;
    return Array.from({ length: data.length / size }, (_, i) => data.subarray(i * size, (i + 1) * size));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    clean();
  }
}

if (!driver) {
  test.skip(`loopcam pattern and pipe into the real driver: ${SKIP_REASON}`, () => {});
} else {
  test('loopcam pattern --pattern bars → /dev/video0 → ffmpeg: every frame is the bars, byte-exact', async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    const c = createConverter({ width: W, height: H });
    c.drawPattern('bars');
    const bars = Buffer.from(c.convert());
    const frames = await readWhileRunning(['pattern', '--pattern', 'bars', '--size', `${W}x${H}`, '--device', 'loopcam'], 20);
    assert.is(frames.length, 20);
    frames.forEach((f, i) => assert.ok(f.equals(bars), `frame ${i} is not the bars`));
    console.log(`    loopcam pattern: ffmpeg read ${frames.length} frames byte-exact`);
  });

  test('loopcam pattern (moving) → /dev/video0 → ffmpeg: below the digits, every frame is a frame of the pattern, byte-exact, the box moving', async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    // 320×240: the digits' band is rows 0–17 (its time stamp is unknown here); the box sweeps back and
    // forth in 116 frames, so 116 references hold every frame below the digits.
    const below = 18 * W * 2;
    const c = createConverter({ width: W, height: H });
    const references = Array.from({ length: 116 }, (_, n) => {
      c.drawPattern('moving', n, 0);
      return Buffer.from(c.convert().subarray(below));
    });
    const frames = await readWhileRunning(['pattern', '--size', `${W}x${H}`, '--device', 'loopcam'], 20);
    assert.is(frames.length, 20);
    const phases = frames.map((f, i) => {
      const phase = references.findIndex((r) => r.equals(f.subarray(below)));
      assert.ok(phase >= 0, `frame ${i} is not a frame of the moving pattern below the digits`);
      return phase;
    });
    assert.ok(new Set(phases).size >= 10, `the box moved: phases ${phases.join(' ')}`);
    console.log(`    loopcam pattern (moving): ffmpeg read ${frames.length} frames, byte-exact below the digits, ${new Set(phases).size} box positions`);
  });

  test('loopcam doctor on a healthy driver: exit 0, the version, the node and exclusive_caps', async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    const ran = await run(process.execPath, [BIN, 'doctor']);
    assert.is(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /v4l2loopback is loaded: version/);
    assert.match(ran.stdout, /\/dev\/video0 "loopcam": v4l2loopback, takes output now/);
    assert.match(ran.stdout, /✔ exclusive_caps=Y/);
    console.log(ran.stdout.split('\n').map((l) => `    ${l}`).join('\n'));
  });

  test('loopcam play image.png → /dev/video0 → ffmpeg: every frame is the fitted image, byte-exact', async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    const [dir, clean] = scratch();
    try {
      const png = new pngjs.PNG({ width: 200, height: 100 });
      for (let i = 0; i < 200 * 100; i++) png.data.set([(i * 7) & 255, (i >> 3) & 255, 90, 255], i * 4);
      const file = `${dir}/picture.png`;
      writeFileSync(file, pngjs.PNG.sync.write(png));
      const c = createConverter({ width: W, height: H });
      c.drawImage(readImage(file), 'contain');
      const expected = Buffer.from(c.convert());
      const frames = await readWhileRunning(['play', file, '--size', `${W}x${H}`, '--duration', '60'], 20);
      frames.forEach((f, i) => assert.ok(f.equals(expected), `frame ${i} is not the fitted image`));
      console.log(`    loopcam play: ffmpeg read ${frames.length} frames byte-exact`);
    } finally {
      clean();
    }
  });

  test('raw frames → loopcam pipe → /dev/video0 → ffmpeg: each frame read is one that was piped, byte-exact', async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    const c = createConverter({ width: W, height: H, input: 'rgb24' });
    const inputs = [0, 1, 2, 3].map((i) => Buffer.alloc(W * H * 3, 30 + 60 * i));
    const expected = inputs.map((p) => Uint8Array.from(c.convert(p)));
    // A new frame every 250 ms for as long as ffmpeg reads (it takes seconds to start in the guest).
    const frames = await readWhileRunning(['pipe', '--input', 'rgb24', '--size', `${W}x${H}`], 30, async (stdin, reading) => {
      for (let round = 0; reading(); round++) {
        stdin.write(inputs[round % 4]!);
        await new Promise((r) => setTimeout(r, 250));
      }
    });
    const ids = frames.map((f) => identify(f, expected));
    // Before the first piped frame the placeholder (black) may show: Y 16, chroma 128.
    const black = (f: Buffer) => f.every((b, i) => b === (i % 2 ? 128 : 16));
    frames.forEach((f, i) => assert.ok(ids[i]! >= 0 || black(f), `frame ${i} is neither piped nor placeholder`));
    assert.ok(new Set(ids.filter((i) => i >= 0)).size >= 2, `read ${ids.join(',')}`);
    console.log(`    loopcam pipe: ffmpeg read ${frames.length} frames byte-exact (piped frames ${ids.join(',')})`);
  });
}

test.run();

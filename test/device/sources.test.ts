// Sources into the real driver: a real camera (vivid) played through loopcam — its YUYV passed through
// byte for byte, or turned to RGBA for code and back — images that stay on the camera after their
// duration, and a node refused as its own input.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pngjs from 'pngjs';
import { createConverter, listDevices, readImage } from '../../src/index.js';
import { driver, reload, run, scratch, SKIP_REASON } from './vm.js';

const BIN = new URL('../../src/cli/loopcam.cjs', import.meta.url).pathname;
const INDEX = new URL('../../src/index.js', import.meta.url).pathname;
/** vivid's default capture format (measured: 640×360 YUYV at 5 fps, sRGB, limited range). */
const VW = 640;
const VH = 360;
const VIVID_INPUT = ['-input_format', 'yuyv422', '-video_size', `${VW}x${VH}`];
/** Frames at the start of a capture that may be stale driver buffers or the placeholder (see stream.ts). */
const STARTUP_FRAMES = 4;
/** vivid's YUYV frame as the first test read it (the second test measures what an RGB detour changes). */
let vividYuyv: Buffer | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
/** loopcam's placeholder on a YUYV camera: black, Y 16 and chroma 128. */
const black = (f: Uint8Array) => f.every((b, i) => b === (i % 2 ? 128 : 16));

/** Splits raw bytes into whole frames of `size` bytes (a partial tail fails the test). */
function split(data: Buffer, size: number): Buffer[] {
  assert.is(data.length % size, 0, `${data.length} bytes are not whole frames of ${size}`);
  return Array.from({ length: data.length / size }, (_, i) => data.subarray(i * size, (i + 1) * size));
}

/** `count` frames read by ffmpeg (rawvideo, the node's own format unless `options` say otherwise). */
async function ffmpegFrames(node: string, count: number, size: number, file: string, options: string[] = [], output: string[] = []): Promise<Buffer[]> {
  const ran = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', ...options, '-i', node,
    '-frames:v', String(count), ...output, '-f', 'rawvideo', '-y', file], 90_000);
  assert.is(ran.code, 0, `ffmpeg reading ${node}: ${ran.stderr}`);
  const frames = split(readFileSync(file), size);
  assert.is(frames.length, count, `ffmpeg read ${frames.length} of ${count} frames from ${node}`);
  return frames;
}

/** One frame grabbed with v4l2-ctl (quick to start), or undefined when the node gives none yet. */
async function grab(node: string, file: string): Promise<Buffer | undefined> {
  const ran = await run('v4l2-ctl', ['-d', node, '--stream-mmap', '--stream-count=1', `--stream-to=${file}`], 20_000);
  if (ran.code !== 0) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Polls the node until a frame passes `ok` (loopcam's ffmpeg takes seconds to start under TCG). */
async function waitForFrame(node: string, file: string, ok: (frame: Buffer) => boolean, what: string, writer: Cli, timeoutMs = 45_000): Promise<number> {
  const start = Date.now();
  let last = 'no frame';
  while (Date.now() - start < timeoutMs) {
    const frame = await grab(node, file);
    if (frame && ok(frame)) return Date.now() - start;
    last = frame ? `a ${frame.length}-byte frame${black(frame) ? ' (the placeholder)' : ''}` : 'no frame';
    await sleep(200);
  }
  throw new Error(`${node} showed no ${what} within ${timeoutMs} ms (last grab: ${last}); the writer ${writer.running() ? 'runs' : 'ended'}, its stderr: ${writer.stderr() || '(none)'}`);
}

interface Cli {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  running: () => boolean;
}

/** Starts a command: the CLI (`node main.js …`) or a script. */
function start(args: string[]): Cli {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: undefined } as NodeJS.ProcessEnv });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    done = true;
    resolve(code ?? (signal ? -1 : null));
  }));
  return { child, exited, stderr: () => stderr, running: () => !done };
}

/** SIGTERM, then the exit status (loopcam stops cleanly: 0). */
async function stop(cli: Cli): Promise<number | null> {
  if (cli.running()) cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 15_000);
  const code = await cli.exited;
  clearTimeout(timer);
  return code;
}

/** Loads vivid (one capture node) with a static picture: 75% colour bars, no text, no movement. */
async function loadVivid(): Promise<string> {
  await run('modprobe', ['vivid', 'node_types=0x1', 'n_devs=1']).then((r) => assert.is(r.code, 0, r.stderr));
  let camera: string | undefined;
  for (let i = 0; i < 100 && !camera; i++) {
    camera = listDevices().find((d) => d.driver === 'vivid')?.path;
    if (!camera) await sleep(50);
  }
  assert.ok(camera, `vivid made no node: ${JSON.stringify(listDevices())}`);
  // osd_text_mode 2 = no text (the text carries a counter and the time); 3 = no movement.
  const set = await run('v4l2-ctl', ['-d', camera, '-c', 'test_pattern=0,osd_text_mode=2,horizontal_movement=3,vertical_movement=3']);
  assert.is(set.code, 0, set.stderr);
  return camera;
}

/** vivid read directly by ffmpeg: `count` frames, all the same (the picture is static); then released. */
async function vividFrame(camera: string, file: string, output: string[], size: number): Promise<Buffer> {
  const frames = await ffmpegFrames(camera, 3, size, file, VIVID_INPUT, output);
  frames.forEach((f, i) => assert.ok(same(f, frames[0]!), `vivid's frame ${i} differs from its first: the picture is not static`));
  return Buffer.from(frames[0]!);
}

/** Checks a capture: the first STARTUP_FRAMES may be the placeholder, every other frame is `expected`. */
function checkCapture(frames: Buffer[], expected: Uint8Array, what: string): number {
  let matched = 0;
  frames.forEach((f, i) => {
    if (same(f, expected)) matched++;
    else assert.ok(i < STARTUP_FRAMES && black(f), `frame ${i} of ${frames.length} is not ${what}${black(f) ? ' (the placeholder)' : ''}`);
  });
  return matched;
}

/** A PNG of w×h with a pattern of its own (seed), written to `file`. */
function writePng(file: string, w: number, h: number, seed: number): void {
  const png = new pngjs.PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) png.data.set([(i * seed) & 255, (i >> 3) & 255, (seed * 40) & 255, 255], i * 4);
  writeFileSync(file, pngjs.PNG.sync.write(png));
}

/** The YUYV frame loopcam shows for an image fitted (contain) to w×h. */
function fitted(file: string, w: number, h: number): Buffer {
  const c = createConverter({ width: w, height: h });
  c.drawImage(readImage(file), 'contain');
  const frame = Buffer.from(c.convert());
  c.dispose();
  return frame;
}

/** A YUYV frame as Y4M carries 4:2:2: the Y plane, then U, then V. */
function planar422(yuyv: Uint8Array): Buffer {
  const n = yuyv.length / 2;
  const out = Buffer.alloc(yuyv.length);
  for (let i = 0; i < n; i++) out[i] = yuyv[2 * i]!;
  for (let i = 0; i < n / 2; i++) {
    out[n + i] = yuyv[4 * i + 1]!;
    out[n + n / 2 + i] = yuyv[4 * i + 3]!;
  }
  return out;
}

/** The frames of a Y4M file (each FRAME's payload of `size` bytes) and its header. */
function y4mFrames(data: Buffer, size: number): { header: string; frames: Buffer[] } {
  const end = data.indexOf(0x0a);
  const header = data.subarray(0, end).toString('latin1');
  const frames: Buffer[] = [];
  for (let at = end + 1; at < data.length; at += 6 + size) {
    assert.is(data.subarray(at, at + 6).toString('latin1'), 'FRAME\n', `no FRAME marker at byte ${at}`);
    assert.ok(at + 6 + size <= data.length, 'the Y4M file ends inside a frame');
    frames.push(data.subarray(at + 6, at + 6 + size));
  }
  return { header, frames };
}

if (!driver) {
  test.skip(`sources into the real driver (vivid passed through, camera → code → camera, images held, own node refused): ${SKIP_REASON}`, () => {});
} else {
  test('vivid YUYV → loopcam play /dev/videoN → loopback: every frame is vivid\'s own, byte for byte (no RGB pass)', async () => {
    // vivid loads after the loopback node, which sits at video10 so that the two never collide.
    const [node] = reload('devices=1 exclusive_caps=1 card_label=loopcam video_nr=10');
    assert.is(node, '/dev/video10');
    const [dir, clean] = scratch();
    let cli: Cli | undefined;
    try {
      const camera = await loadVivid();
      const size = VW * VH * 2;
      // vivid takes one reader at a time: read it first, and release it before loopcam opens it.
      const expected = await vividFrame(camera, `${dir}/vivid.yuyv`, [], size);
      vividYuyv = expected;
      cli = start([BIN, 'play', camera, '--size', `${VW}x${VH}`, '--format', 'yuyv', '--device', node!, '--', ...VIVID_INPUT]);
      const waited = await waitForFrame(node!, `${dir}/grab.yuyv`, (f) => same(f, expected), 'vivid frame', cli);
      const frames = await ffmpegFrames(node!, 30, size, `${dir}/loopback.yuyv`);
      assert.ok(cli.running(), `loopcam play ended: ${cli.stderr()}`);
      const matched = checkCapture(frames, expected, "vivid's frame");
      assert.ok(matched >= frames.length - STARTUP_FRAMES, `${matched} of ${frames.length} frames are vivid's`);
      const code = await stop(cli);
      assert.is(code, 0, `loopcam play exit status after SIGTERM: ${cli.stderr()}`);
      console.log(`    vivid ${VW}×${VH} yuyv422 → loopcam play ${camera} → ${node}: first vivid frame after ${waited} ms, `
        + `ffmpeg read ${frames.length} frames, ${matched} byte-identical to vivid's own (${frames.length - matched} startup placeholders)`);
    } finally {
      if (cli) await stop(cli);
      await run('rmmod', ['vivid']);
      clean();
    }
  });

  test('camera in → onFrame (red inverted in JS) → mirrored camera out: ffmpeg rgba + createConverter({ mirror }), byte for byte', async () => {
    const [node] = reload('devices=1 exclusive_caps=1 card_label=loopcam video_nr=10');
    const [dir, clean] = scratch();
    let script: Cli | undefined;
    try {
      const camera = await loadVivid();
      // The same ffmpeg conversion as the media source's: yuyv422 → rgba at the same size.
      const rgba = await vividFrame(camera, `${dir}/vivid.rgba`, ['-pix_fmt', 'rgba'], VW * VH * 4);
      const inverted = Buffer.from(rgba);
      for (let i = 0; i < inverted.length; i += 4) inverted[i] = 255 - inverted[i]!;
      const convert = (pixels: Uint8Array, mirror: boolean) => {
        const c = createConverter({ width: VW, height: VH, input: 'rgba', format: 'yuyv', mirror });
        const out = Buffer.from(c.convert(pixels));
        c.dispose();
        return out;
      };
      const expected = convert(inverted, true);
      // What the checks tell apart: without the inversion, or without the mirror, the frame differs.
      assert.not.ok(same(expected, convert(rgba, true)), 'inverting red changes nothing in this picture');
      assert.not.ok(same(expected, convert(inverted, false)), 'mirroring changes nothing in this picture');
      // The pass-through test above tells the paths apart: through RGBA and back, vivid's bytes change.
      let detour = '';
      if (vividYuyv) {
        const back = convert(rgba, false);
        const changed = back.reduce((n, b, i) => n + (b === vividYuyv![i] ? 0 : 1), 0);
        assert.ok(changed > 0, 'an RGB round trip of vivid\'s frame changes no byte: the pass-through test cannot tell the paths apart');
        detour = ` (an RGB round trip alone changes ${changed} of ${back.length} bytes of vivid's YUYV)`;
      }

      const file = `${dir}/invert-red.mjs`;
      writeFileSync(file, `import { mediaSource, Streamer } from ${JSON.stringify(INDEX)};
const [camera, device] = process.argv.slice(2);
const cam = new Streamer({ width: ${VW}, height: ${VH}, fps: 30, format: 'yuyv', device, mirror: true });
const source = mediaSource(camera, { input: 'rgba', inputOptions: ${JSON.stringify(VIVID_INPUT)} });
process.once('SIGTERM', () => void cam.stop());
let frames = 0;
await cam.play(source, {
  onFrame(frame) {
    for (let i = 0; i < frame.length; i += 4) frame[i] = 255 - frame[i];
    frames++;
  },
});
await cam.stop();
console.error('onFrame calls: ' + frames);
`);
      script = start([file, camera, node!]);
      const waited = await waitForFrame(node!, `${dir}/grab.yuyv`, (f) => same(f, expected), 'inverted, mirrored vivid frame', script);
      const frames = await ffmpegFrames(node!, 30, VW * VH * 2, `${dir}/loopback.yuyv`);
      assert.ok(script.running(), `the script ended: ${script.stderr()}`);
      const matched = checkCapture(frames, expected, 'the inverted, mirrored vivid frame');
      const code = await stop(script);
      assert.is(code, 0, `script exit status: ${script.stderr()}`);
      const calls = Number(/onFrame calls: (\d+)/.exec(script.stderr())?.[1] ?? 0);
      assert.ok(calls > 0, script.stderr());
      console.log(`    vivid → mediaSource(input rgba) → onFrame (255 − R, ${calls} calls) → Streamer mirror → ${node}: first match after ${waited} ms, `
        + `${matched} of ${frames.length} frames byte-identical to ffmpeg's rgba + createConverter({ mirror: true })${detour}`);
    } finally {
      if (script) await stop(script);
      await run('rmmod', ['vivid']);
      clean();
    }
  });

  test('images stay up: a photo 60 s after its 1 s, a folder\'s last image after ~5 s, and the folder to a Y4M file ends by itself', async () => {
    const [photoNode, folderNode] = reload('devices=2 exclusive_caps=1 card_label=loopcam');
    assert.ok(photoNode && folderNode, 'two loopback nodes');
    const [dir, clean] = scratch();
    const W = 320;
    const H = 240;
    const running: Cli[] = [];
    try {
      const photo = `${dir}/photo.png`;
      writePng(photo, 200, 100, 7);
      mkdirSync(`${dir}/slides`);
      writePng(`${dir}/slides/1.png`, 160, 240, 11);
      writePng(`${dir}/slides/2.png`, 300, 120, 13);
      const [photoFrame, slide1, slide2] = [photo, `${dir}/slides/1.png`, `${dir}/slides/2.png`].map((f) => fitted(f, W, H));
      assert.not.ok(same(slide1!, slide2!));

      // All three at once, so the 60 s wait is the only long one.
      const began = Date.now();
      const photoCli = start([BIN, 'play', photo, '--duration', '1', '--size', `${W}x${H}`, '--device', photoNode]);
      const folderCli = start([BIN, 'play', `${dir}/slides`, '--duration', '1', '--size', `${W}x${H}`, '--device', folderNode]);
      const y4mCli = start([BIN, 'play', `${dir}/slides`, '--duration', '1', '--size', `${W}x${H}`, '--output', `${dir}/slides.y4m`]);
      running.push(photoCli, folderCli, y4mCli);

      // The folder to a file: ends by itself, exit 0, 30 frames of each image.
      const y4mTimer = setTimeout(() => y4mCli.child.kill('SIGKILL'), 40_000);
      const y4mCode = await y4mCli.exited;
      clearTimeout(y4mTimer);
      const y4mMs = Date.now() - began;
      assert.is(y4mCode, 0, `play folder --output exit status: ${y4mCli.stderr()}`);
      const { header, frames: y4m } = y4mFrames(readFileSync(`${dir}/slides.y4m`), W * H * 2);
      assert.match(header, new RegExp(`^YUV4MPEG2 W${W} H${H} F30:1 .*C422`));
      const ids = y4m.map((f) => (same(f, planar422(slide1!)) ? 1 : same(f, planar422(slide2!)) ? 2 : 0)).join('');
      // Each image for its 30 ticks. The clock runs in real time into a file too, so when this emulated
      // CPU wakes the main thread a period late, an image (or the stop after the last) takes one tick more.
      const runs = /^(1+)(2+)$/.exec(ids);
      assert.ok(runs, `Y4M frames (1, 2 = the images, 0 = neither): the first image, then the second: ${ids}`);
      const [first, second] = [runs![1]!.length, runs![2]!.length];
      assert.ok(first >= 30 && second >= 30 && first + second <= 62, `30 frames of each image (a tick more allowed): ${first} + ${second}: ${ids}`);

      // The folder on a camera: ~5 s in, its last image is still there.
      await sleep(Math.max(0, 5000 - (Date.now() - began)));
      const folderFrames = await ffmpegFrames(folderNode, 10, W * H * 2, `${dir}/folder.yuyv`);
      const folderMs = Date.now() - began;
      assert.ok(folderCli.running(), `play folder on a camera ended: ${folderCli.stderr()}`);
      folderFrames.forEach((f, i) => assert.ok(same(f, slide2!), `folder frame ${i} (${folderMs} ms in) is not the last image${same(f, slide1!) ? ' (the first image)' : ''}`));

      // The photo: 60 s after its 1 s duration it is still shown, byte-exact.
      await sleep(Math.max(0, 61_000 - (Date.now() - began)));
      assert.ok(photoCli.running(), `play photo ended: ${photoCli.stderr()}`);
      const photoFrames = await ffmpegFrames(photoNode, 10, W * H * 2, `${dir}/photo.yuyv`);
      const photoMs = Date.now() - began;
      photoFrames.forEach((f, i) => assert.ok(same(f, photoFrame!), `photo frame ${i} (${photoMs} ms in) is not the fitted photo`));
      assert.ok(photoCli.running(), `play photo ended: ${photoCli.stderr()}`);

      for (const [name, cli] of [['photo', photoCli], ['folder', folderCli]] as const) assert.is(await stop(cli), 0, `play ${name} after SIGTERM: ${cli.stderr()}`);
      console.log(`    photo (--duration 1) still byte-exact ${(photoMs / 1000).toFixed(1)} s after start (${photoFrames.length} frames); `
        + `folder's last image byte-exact at ${(folderMs / 1000).toFixed(1)} s (${folderFrames.length} frames); `
        + `folder → Y4M exit 0 after ${(y4mMs / 1000).toFixed(1)} s, ${y4m.length} frames (30 + 30)`);
    } finally {
      for (const cli of running) await stop(cli);
      clean();
    }
  });

  test('a loopback node played into itself is refused: "is the camera this stream writes to"', async () => {
    const results: string[] = [];
    for (const by of ['path', 'label'] as const) {
      // A fresh node each time (0.12.7 with exclusive_caps=1 keeps what the first writer set).
      const [node] = reload('devices=1 exclusive_caps=1 card_label=loopcam');
      const device = by === 'path' ? node! : 'loopcam';
      const began = Date.now();
      const ran = await run(process.execPath, [BIN, 'play', node!, '--device', device], 30_000);
      assert.ok(ran.code === 2 || ran.code === 1, `play ${node} --device ${device}: exit ${ran.code}\n${ran.stderr}`);
      assert.match(ran.stderr, `${node} is the camera this stream writes to`);
      results.push(`--device ${device}: exit ${ran.code} in ${Date.now() - began} ms`);
    }
    console.log(`    loopcam play /dev/videoN into itself refused (${results.join('; ')})`);
  });
}

test.run();

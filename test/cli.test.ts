// The loopcam command line, run as a user runs it: exit codes, files, stdout, signals.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pngjs from 'pngjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, frameLayout } from '../src/index.js';

const BIN = new URL('../src/cli/loopcam.cjs', import.meta.url).pathname;
const cli = (args: string[], input?: Buffer) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' } });
const dir = mkdtempSync(join(tmpdir(), 'loopcam-cli-'));
const Y4M_HEADER = 'YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C422 XCOLORRANGE=LIMITED\n';

test('usage: no command or an unknown one exits 2 with the usage; --help exits 0', () => {
  assert.is(cli([]).status, 2);
  const unknown = cli(['frobnicate']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr.toString(), /unknown command "frobnicate"/);
  for (const command of ['pattern', 'pipe', 'list', 'bench']) {
    const r = cli([command, '--help']);
    assert.is(r.status, 0, command);
    assert.match(r.stdout.toString(), /Usage: /);
  }
  const bad = cli(['pattern', '--size', '64x', '--output', join(dir, 'x.y4m')]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr.toString(), /--size "64x" is not WIDTHxHEIGHT/);
  assert.is(cli(['pattern', '--pattern', 'plaid']).status, 2);
  assert.is(cli(['pattern', '--frames', '-3']).status, 2);
});

test('the installed loopcam runs its bundle with the code cache the build made (V8 takes it); a bad cache only costs time', () => {
  const launcher = createRequire(import.meta.url)(BIN) as { compileBundle(): { cache: string } };
  assert.is(launcher.compileBundle().cache, 'used', 'npm run build writes build/src/cli/bundle.cjs.cache for this Node');
  // A cache from another Node or a damaged one: V8 refuses it and the bundle compiles from source.
  const copy = mkdtempSync(join(tmpdir(), 'loopcam-launcher-'));
  try {
    for (const f of ['loopcam.cjs', 'bundle.cjs']) copyFileSync(new URL(`../src/cli/${f}`, import.meta.url), join(copy, f));
    writeFileSync(join(copy, 'bundle.cjs.cache'), Buffer.alloc(4096, 7));
    const r = spawnSync(process.execPath, [join(copy, 'loopcam.cjs'), 'pattern', '--help'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: loopcam pattern/);
    const copied = createRequire(import.meta.url)(join(copy, 'loopcam.cjs')) as { compileBundle(): { cache: string } };
    assert.is(copied.compileBundle().cache, 'rejected');
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('pattern --frames N --output file.y4m writes exactly N whole frames', () => {
  const file = join(dir, 'p.y4m');
  const r = cli(['pattern', '--size', '64x48', '--frames', '12', '--output', file]);
  assert.is(r.status, 0, r.stderr.toString());
  assert.is(r.stderr.length, 0, 'nothing but errors when not a terminal');
  const data = readFileSync(file);
  assert.is(data.subarray(0, Y4M_HEADER.length).toString(), Y4M_HEADER);
  assert.is(data.length, Y4M_HEADER.length + 12 * (6 + 64 * 48 * 2));
});

test('pattern --output - writes raw frames to stdout, the moving pattern changing every frame', () => {
  const r = cli(['pattern', '--size', '64x48', '--format', 'i420', '--frames', '4', '--output', '-']);
  assert.is(r.status, 0, r.stderr.toString());
  const size = frameLayout('i420', 64, 48).sizeImage;
  assert.is(r.stdout.length, 4 * size);
  const frames = [0, 1, 2, 3].map((i) => r.stdout.subarray(i * size, (i + 1) * size));
  assert.ok(!frames[0]!.equals(frames[1]!));
});

// Node makes stdout non-blocking once anything touches process.stdout; a full pipe then answers EAGAIN.
test('--output - into a shell pipe whose reader starts late: every byte of every 1080p frame arrives, exit 0', () => {
  const frames = 4;
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" pattern --size 1920x1080 --frames ${frames} --output - | (sleep 0.4; wc -c); exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.is(Number(r.stdout.trim()), frames * frameLayout('yuyv', 1920, 1080).sizeImage);
});

test('--output - into a socket whose reader pauses: every frame arrives whole', async () => {
  const size = frameLayout('yuyv', 1280, 720).sizeImage;
  const child = spawn(process.execPath, [BIN, 'pattern', '--pattern', 'bars', '--size', '1280x720', '--frames', '6', '--output', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause(); // the socket fills up while nobody reads
  await new Promise((r) => setTimeout(r, 400));
  const out: Buffer[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => out.push(d));
  child.stdout.resume();
  const code = await new Promise((r) => child.on('close', r));
  assert.is(code, 0, stderr);
  const data = Buffer.concat(out);
  assert.is(data.length, 6 * size);
  const c = createConverter({ width: 1280, height: 720 });
  c.drawPattern('bars');
  const bars = c.convert();
  for (let i = 0; i < 6; i++) assert.ok(data.subarray(i * size, (i + 1) * size).equals(bars), `frame ${i}`);
});

test('the first frame out is the content when it is ready at start: pattern bars and an image, --frames 1', () => {
  const size = frameLayout('yuyv', 64, 48).sizeImage;
  const c = createConverter({ width: 64, height: 48 });
  c.drawPattern('bars');
  const bars = Buffer.from(c.convert());
  const r = cli(['pattern', '--pattern', 'bars', '--size', '64x48', '--frames', '1', '--output', '-']);
  assert.is(r.status, 0, r.stderr.toString());
  assert.is(r.stdout.length, size);
  assert.ok(r.stdout.equals(bars), 'the bars, not the black placeholder');

  const png = new pngjs.PNG({ width: 32, height: 24 });
  for (let p = 0; p < 32 * 24; p++) png.data.set([(p * 5) & 255, 200, (p >> 2) & 255, 255], p * 4);
  const photo = join(dir, 'first.png');
  writeFileSync(photo, pngjs.PNG.sync.write(png));
  c.drawImage({ width: 32, height: 24, rgba: new Uint8Array(png.data) }, 'contain');
  const picture = Buffer.from(c.convert());
  const p = cli(['play', photo, '--size', '64x48', '--frames', '1', '--output', '-']);
  assert.is(p.status, 0, p.stderr.toString());
  assert.ok(p.stdout.equals(picture), 'the fitted image');
});

test('pipe: whole frames from stdin reach the output; the last one is shown last', async () => {
  const c = createConverter({ width: 32, height: 16, input: 'gray', format: 'gray' });
  const child = spawn(process.execPath, [BIN, 'pipe', '--input', 'gray', '--size', '32x16', '--format', 'gray', '--fps', '50', '--output', '-']);
  const out: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  const shades = [40, 120, 200];
  // Start once it streams (placeholder frames), so no frame is replaced before its first tick.
  while (out.length === 0) await new Promise((r) => setTimeout(r, 10));
  for (const shade of shades) {
    child.stdin.write(Buffer.alloc(32 * 16, shade));
    await new Promise((r) => setTimeout(r, 80));
  }
  child.stdin.end();
  const code = await new Promise((r) => child.on('exit', r));
  assert.is(code, 0);
  const data = Buffer.concat(out);
  const size = 32 * 16;
  assert.ok(data.length >= 3 * size && data.length % size === 0, `${data.length} bytes`);
  const expected = shades.map((s) => Buffer.from(c.convert(new Uint8Array(size).fill(s))));
  const seen = new Set<number>();
  for (let at = 0; at < data.length; at += size) {
    const i = expected.findIndex((e) => e.equals(data.subarray(at, at + size)));
    // Before the first frame arrives the placeholder (black) is shown.
    if (i < 0) assert.ok(data.subarray(at, at + size).every((b) => b === 16), `frame at ${at} is neither input nor placeholder`);
    else seen.add(i);
  }
  assert.equal([...seen].sort(), [0, 1, 2]);
  assert.ok(expected[2]!.equals(data.subarray(data.length - size)));
});

test('pipe: a partial last frame is a clear error (exit 1)', () => {
  const r = cli(['pipe', '--input', 'rgba', '--size', '8x8', '--output', '-'], Buffer.alloc(8 * 8 * 4 + 10));
  assert.is(r.status, 1);
  assert.match(r.stderr.toString(), /stdin ended inside a frame: 10 of 256 bytes/);
});

test('no device: exit 1, saying how to get one and how to write a file instead', () => {
  const r = cli(['pattern', '--device', '/dev/video99', '--frames', '1']);
  assert.is(r.status, 1);
  assert.match(r.stderr.toString(), /modprobe v4l2loopback/);
  assert.match(r.stderr.toString(), /--output pattern\.y4m/);
});

test('SIGTERM stops cleanly: exit 0 and a Y4M of whole frames', async () => {
  const file = join(dir, 'term.y4m');
  const child = spawn(process.execPath, [BIN, 'pattern', '--size', '64x48', '--output', file]);
  await new Promise((r) => setTimeout(r, 700));
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));
  assert.is(code, 0);
  const frames = (statSync(file).size - Y4M_HEADER.length) / (6 + 64 * 48 * 2);
  assert.ok(Number.isInteger(frames) && frames >= 1, `${frames} frames`);
});

test('SIGTERM stops pipe even while stdin stays open', async () => {
  const child = spawn(process.execPath, [BIN, 'pipe', '--input', 'gray', '--size', '8x8', '--output', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));
  assert.is(code, 0);
});

test('play: a folder of images as a slideshow, each for --duration, fitted', () => {
  const slides = join(dir, 'slides');
  mkdirSync(slides);
  const colours = [[255, 0, 0], [0, 0, 255]];
  colours.forEach((colour, i) => {
    const image = new pngjs.PNG({ width: 40, height: 30 });
    for (let p = 0; p < 40 * 30; p++) image.data.set([...colour, 255], p * 4);
    writeFileSync(join(slides, `${i}.png`), pngjs.PNG.sync.write(image));
  });
  writeFileSync(join(slides, 'notes.txt'), 'not an image');
  const file = join(dir, 'slides.y4m');
  const r = cli(['play', slides, '--duration', '0.2', '--size', '64x48', '--format', 'gray', '--range', 'full', '--output', file]);
  assert.is(r.status, 0, r.stderr.toString());
  const header = 'YUV4MPEG2 W64 H48 F30:1 Ip A1:1 Cmono XCOLORRANGE=FULL\n';
  const data = readFileSync(file);
  const frame = 6 + 64 * 48;
  const count = (data.length - header.length) / frame;
  assert.is(count, 12, '6 frames (0.2 s at 30 fps) of each image, the first image first (no placeholder), then the end');
  // Y of full-range red is 76 and of blue 29; 40×30 in 64×48 is 4:3 in 4:3: no letterbox.
  const lumaOf = (n: number) => data[header.length + n * frame + 6 + 64 * 24 + 32];
  assert.equal([lumaOf(0), lumaOf(5), lumaOf(6), lumaOf(11)], [76, 76, 29, 29]);
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
(hasFfmpeg ? test : test.skip)(`play video.mp4: decoded by ffmpeg at the stream size and rate, whole frames, audio ignored${hasFfmpeg ? '' : ' — ffmpeg not installed (apt-get install ffmpeg)'}`, () => {
  const clip = join(dir, 'clip.mp4');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30', '-f', 'lavfi', '-i', 'sine',
    '-t', '1', '-shortest', '-pix_fmt', 'yuv420p', '-y', clip]);
  if (made.status !== 0) return assert.unreachable(`ffmpeg could not make a clip: ${made.stderr}`);
  const file = join(dir, 'clip.y4m');
  const r = cli(['play', clip, '--size', '64x48', '--fps', '30', '--output', file]);
  assert.is(r.status, 0, r.stderr.toString());
  const header = 'YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C422 XCOLORRANGE=LIMITED\n';
  const data = readFileSync(file);
  const frames = (data.length - header.length) / (6 + 64 * 48 * 2);
  assert.is(frames, 30, 'paced by loopcam, one frame per tick: 1 s at 30 fps, then the end');
  const looped = join(dir, 'looped.y4m');
  const l = cli(['play', clip, '--loop', '--size', '64x48', '--frames', '75', '--output', looped]);
  assert.is(l.status, 0, l.stderr.toString());
  assert.is((readFileSync(looped).length - header.length) / (6 + 64 * 48 * 2), 75, '--loop plays the 1 s clip again and again');
  // Without ffmpeg on PATH: NO_FFMPEG, saying how to get it (exit 1).
  const none = spawnSync(process.execPath, [BIN, 'play', clip, '--output', file], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
  assert.is(none.status, 1, none.stderr);
  assert.match(none.stderr, /needs ffmpeg, which is not on PATH: install ffmpeg \(sudo apt install ffmpeg\)/);
});

(hasFfmpeg ? test : test.skip)(`play -- <ffmpeg input>: an input given after -- is live; --frames ends it${hasFfmpeg ? '' : ' — ffmpeg not installed'}`, () => {
  const file = join(dir, 'lavfi.y4m');
  const r = cli(['play', '--size', '64x48', '--frames', '15', '--output', file, '--', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30']);
  assert.is(r.status, 0, r.stderr.toString());
  const data = readFileSync(file);
  assert.is(data.length, Y4M_HEADER.length + 15 * (6 + 64 * 48 * 2), '15 whole frames');
  const none = cli(['play', '--output', file, '--', '-f', 'lavfi']);
  assert.is(none.status, 2, 'no input at all is a usage error');
  assert.match(none.stderr.toString(), /play needs images, a folder, a video, a URL or a device/);
});

test('play: a file that is not an image or video is a clear error', () => {
  const bad = join(dir, 'bad.png');
  writeFileSync(bad, 'PNG? no');
  const r = cli(['play', bad, '--output', join(dir, 'bad.y4m')]);
  assert.is(r.status, 1);
  assert.match(r.stderr.toString(), /bad\.png is neither PNG nor JPEG/);
  assert.is(cli(['play']).status, 2);
  assert.is(cli(['play', dir, '--fit', 'zoom']).status, 2);
});

test('doctor: findings with fixes; exit 1 exactly when one blocks streaming', () => {
  const r = cli(['doctor', '--json']);
  const findings = JSON.parse(r.stdout.toString()) as { ok: boolean; blocking: boolean; what: string; fix?: string }[];
  assert.ok(findings.length > 0);
  for (const f of findings) if (!f.ok && f.blocking) assert.ok(f.fix, `${f.what} has a fix`);
  assert.is(r.status, findings.some((f) => f.blocking) ? 1 : 0);
});

(hasFfmpeg ? test : test.skip)(`bench --stream --json: the whole stream measured next to ffmpeg${hasFfmpeg ? '' : ' — ffmpeg not installed'}`, () => {
  const r = cli(['bench', '--stream', '--seconds', '0.5', '--size', '64x48', '--fps', '30', '--json']);
  assert.is(r.status, 0, r.stderr.toString());
  const result = JSON.parse(r.stdout.toString().trim().split('\n')[0]!);
  for (const key of ['cpuPercent', 'framesOut', 'late', 'dropped', 'latenessP50Ms', 'latenessP99Ms', 'driftMs', 'ffmpegCpuPercent', 'xFfmpeg', 'copyCpuPercent', 'xCopy', 'threads', 'blockMs', 'outputThread']) {
    assert.ok(key in result, key);
  }
  assert.ok(result.framesOut >= 10, `${result.framesOut} frames in 0.5 s at 30 fps`);
  // Whole clock ticks (10 ms): at 64×48 the main thread may use none of them in 0.5 s, but it is listed.
  assert.ok('main' in result.threads, `per-thread CPU from /proc names the main thread: ${JSON.stringify(result.threads)}`);
  assert.ok(Object.values(result.threads as Record<string, number>).some((p) => p > 0), `some thread used CPU: ${JSON.stringify(result.threads)}`);
  const y4m = cli(['bench', '--stream', '--sink', 'y4m', '--block', '100', '--cameras', '2', '--seconds', '0.5', '--size', '64x48', '--fps', '30', '--json']);
  assert.is(y4m.status, 0, y4m.stderr.toString());
  const busy = JSON.parse(y4m.stdout.toString().trim().split('\n')[0]!);
  assert.equal([busy.sink, busy.blockMs, busy.cameras], ['y4m', 100, 2]);
  assert.is(cli(['bench', '--stream', '--sink', 'floppy']).status, 2);
  assert.is(cli(['bench', '--stream', '--block', '1000']).status, 2);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();

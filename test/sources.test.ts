// Sources: slideshows and media files yield the right frames at the right times, on an injected clock
// where the stream's pacing is what is tested; media files through ffmpeg come out byte-exact.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, frameLayout, LoopcamError } from '../src/index.js';
import { chooseInput, ffmpegArgs } from '../src/sources/ffmpeg.js';
import { mediaSource } from '../src/sources/media.js';
import { redact } from '../src/sources/redact.js';
import { slideshow } from '../src/sources/slideshow.js';
import type { SourceTarget } from '../src/sources/source.js';
import type { Sink } from '../src/stream/sinks.js';
import { Streamer } from '../src/stream/streamer.js';
import { FakeTime } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'loopcam-sources-'));
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const settle = () => new Promise((r) => setImmediate(r));

/** Keeps a copy of every frame written. */
class Recorder implements Sink {
  readonly name = 'recorder';
  readonly frames: Buffer[] = [];
  closed = false;
  write(frame: Uint8Array): void {
    this.frames.push(Buffer.from(frame));
  }
  close(): void {
    this.closed = true;
  }
}

function png(name: string, rgb: [number, number, number]): string {
  const image = new pngjs.PNG({ width: 16, height: 12 });
  for (let p = 0; p < 16 * 12; p++) image.data.set([...rgb, 255], p * 4);
  const path = join(dir, name);
  writeFileSync(path, pngjs.PNG.sync.write(image));
  return path;
}

test('slideshow on an injected clock: each image for its duration, the first at start, then the end', async () => {
  const time = new FakeTime();
  const sink = new Recorder();
  const cam = new Streamer({ width: 16, height: 12, fps: 10, format: 'gray', range: 'full', sink, clock: time.clock, timers: time.timers });
  const files = [png('a.png', [255, 255, 255]), png('b.png', [0, 0, 0])];
  const playing = cam.play(slideshow(files, { duration: 0.3 }));
  await settle();
  for (let i = 0; i < 8; i++) {
    time.advance(100);
    await settle();
  }
  await playing;
  assert.equal(sink.frames.map((f) => f[0]), [255, 255, 255, 0, 0, 0], '3 ticks (0.3 s at 10 fps) of each image');
  assert.ok(sink.closed, 'ended with the content (not a device)');
});

test('slideshow with loop starts again; bad arguments are typed errors', async () => {
  const time = new FakeTime();
  const sink = new Recorder();
  const cam = new Streamer({ width: 16, height: 12, fps: 10, format: 'gray', range: 'full', sink, clock: time.clock, timers: time.timers });
  const files = [png('c.png', [255, 255, 255]), png('d.png', [0, 0, 0])];
  const playing = cam.play(slideshow(files, { duration: 0.1, loop: true }));
  await settle();
  for (let i = 0; i < 5; i++) {
    time.advance(100);
    await settle();
  }
  assert.equal(sink.frames.map((f) => f[0]), [255, 0, 255, 0, 255, 0]);
  await cam.stop();
  await playing;
  assert.throws(() => slideshow(join(dir, 'missing.png')), (e: LoopcamError) => e.code === 'NOT_FOUND' && e.errno === 'ENOENT' && /missing\.png \(ENOENT\)/.test(e.message));
  assert.throws(() => slideshow(files, { duration: 0 }), RangeError);
  assert.throws(() => slideshow(files, { fit: 'zoom' as never }), RangeError);
});

test('chooseInput: the decoder\'s own layout when a WASM path leads to the camera format, else the camera format', () => {
  assert.is(chooseInput('yuv420p', 'yuyv', 'limited'), 'i420', 'H.264 4:2:0 → i420 passes to yuyv in WASM');
  assert.is(chooseInput('nv12', 'i420', 'limited'), 'nv12');
  assert.is(chooseInput('yuyv422', 'nv12', 'limited'), 'yuyv');
  assert.is(chooseInput('yuvj420p', 'yuyv', 'limited'), 'yuyv', 'full-range samples into a limited camera: ffmpeg converts');
  assert.is(chooseInput('yuvj420p', 'nv12', 'full'), 'i420');
  assert.is(chooseInput('yuv420p', 'nv12', 'full'), 'nv12');
  assert.is(chooseInput('yuv422p', 'yv12', 'limited'), 'i420', 'ffmpeg has no YV12: it writes I420, WASM swaps the planes');
  assert.is(chooseInput('yuv420p', 'rgb24', 'limited'), 'rgb24', 'no YUV → RGB path in loopcam');
  assert.is(chooseInput('bgra', 'yuyv', 'limited'), 'bgra');
  assert.is(chooseInput(undefined, 'gray', 'limited'), 'gray');
  const args = ffmpegArgs({ source: 'in.mp4', inputOptions: [], live: false, loop: true, width: 64, height: 48, fps: 25, fit: 'cover', input: 'i420', range: 'limited' });
  assert.equal(args.slice(args.indexOf('-stream_loop'), args.indexOf('-stream_loop') + 4), ['-stream_loop', '-1', '-i', 'in.mp4']);
  assert.match(args[args.indexOf('-vf') + 1]!, /force_original_aspect_ratio=increase.*crop=64:48,fps=25$/);
  assert.is(args[args.indexOf('-pix_fmt') + 1], 'yuv420p');
  assert.not.ok(args.includes('-re'), 'loopcam paces files itself');
  const live = ffmpegArgs({ source: undefined, inputOptions: ['-f', 'x11grab', '-i', ':0.0'], live: true, loop: false, width: 64, height: 48, fps: 25, fit: 'contain', input: 'rgba', range: 'limited' });
  assert.ok(live.includes('nobuffer') && live.includes('low_delay'), 'low-latency input options');
  assert.is(live.filter((a) => a === '-i').length, 1);
  assert.not.match(live[live.indexOf('-vf') + 1]!, /fps=/);
});

test('redact: user and password of any URL in a text', () => {
  assert.is(redact('rtsp://admin:pa:ss@10.0.0.2:554/s1 failed; retry srt://u@host:9000'), 'rtsp://***@10.0.0.2:554/s1 failed; retry srt://***@host:9000');
  assert.is(redact('/dev/video0 and http://host/x'), '/dev/video0 and http://host/x');
  assert.is(redact('rtsp://cam:p@ss@cam.local/live and http://h/a@b'), 'rtsp://***@cam.local/live and http://h/a@b');
});

test('a media source refuses to read the node the stream writes to; bad options are typed errors', async () => {
  const target = { outputDevice: '/dev/null' } as SourceTarget;
  const source = mediaSource('/dev/null', { live: true });
  try {
    await source.play(target, new AbortController().signal);
    assert.unreachable('should refuse');
  } catch (error) {
    assert.instance(error, RangeError);
    assert.match((error as Error).message, /\/dev\/null is the camera this stream writes to/);
  }
  assert.throws(() => mediaSource(join(dir, 'nope.mp4')), (e: LoopcamError) => e.code === 'NOT_FOUND' && /does not exist/.test(e.message));
  assert.throws(() => mediaSource(undefined), RangeError);
  assert.throws(() => mediaSource('x.mp4', { inputOptions: '-f v4l2' as never }), TypeError);
  assert.throws(() => mediaSource('rtsp://h/s', { input: 'yv12' }), RangeError);
  assert.throws(() => mediaSource('rtsp://h/s', { stallMs: -1 }), RangeError);
});

if (!hasFfmpeg) {
  test.skip('media files through ffmpeg: ffmpeg not installed (apt-get install ffmpeg)', () => {});
} else {
  const clip = join(dir, 'clip.mp4');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-t', '1', '-c:v', 'mpeg4', '-q:v', '2', '-pix_fmt', 'yuv420p', '-y', clip]);
  const raw = spawnSync('ffmpeg', ['-v', 'error', '-i', clip, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']).stdout as Buffer;

  test('a media file: decoded as yuv420p, one frame per tick on the injected clock (back-pressure, no -re), byte-exact', async () => {
    assert.is(made.status, 0, String(made.stderr));
    const i420 = frameLayout('i420', 64, 48).sizeImage;
    assert.is(raw.length, 30 * i420, 'ffmpeg decodes 30 frames');
    const c = createConverter({ width: 64, height: 48, input: 'i420', format: 'yuyv', engine: 'js' });
    const expected = Array.from({ length: 30 }, (_, i) => Buffer.from(c.convert(raw.subarray(i * i420, (i + 1) * i420))));
    const time = new FakeTime();
    const sink = new Recorder();
    const cam = new Streamer({ width: 64, height: 48, fps: 30, format: 'yuyv', sink, clock: time.clock, timers: time.timers });
    let commits = 0;
    const playing = cam.play(mediaSource(clip), { onFrame: () => void commits++ });
    const wait = async (what: string, ok: () => boolean) => {
      for (let i = 0; !ok(); i++) {
        if (i > 500) assert.unreachable(what);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    let held = false;
    for (let step = 0; step < 300 && !sink.closed; step++) {
      // The source keeps one frame ready ahead of the sink, never more.
      await wait(`frame ${sink.frames.length + 1} ready`, () => commits > sink.frames.length || commits === 30 || sink.closed);
      if (sink.frames.length === 5 && !held) {
        held = true;
        // The clock stands still: ffmpeg is held back by the pipe, nothing more is read.
        await new Promise((r) => setTimeout(r, 300));
        assert.is(commits, 6, 'no frame read ahead of the stream clock');
      }
      // To the next deadline, plus the millisecond a timer may fire late: exactly one tick per step.
      time.advance((sink.frames.length * 1000) / 30 + 1 - time.now);
      await settle();
    }
    await playing;
    assert.is(sink.frames.length, 30, 'one frame per tick, no placeholder, no repeat');
    sink.frames.forEach((f, i) => assert.ok(f.equals(expected[i]!), `frame ${i}: the decoded frame converted from i420, byte for byte`));
    assert.ok(sink.closed);
  });

  test('a file that is not media is BAD_IMAGE with ffmpeg\'s reason', async () => {
    const junk = join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video at all');
    const cam = new Streamer({ width: 64, height: 48, sink: { type: 'null' } });
    try {
      await cam.play(mediaSource(junk));
      assert.unreachable('should fail');
    } catch (error) {
      assert.is((error as LoopcamError).code, 'BAD_IMAGE');
      assert.match((error as Error).message, /ffmpeg cannot read .*junk\.mp4: /);
    } finally {
      await cam.stop();
    }
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();

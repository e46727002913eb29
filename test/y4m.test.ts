// Y4M files that ffprobe and ffmpeg read back with the right size, rate, frame count and exact bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Converter } from '../src/convert/converter.js';
import { createConverter, Streamer, type FormatName } from '../src/index.js';
import { FRAME_MARKER, y4mChunks, y4mHeader, y4mLayout } from '../src/stream/y4m.js';
import { fillNoise, sameBytes } from './helpers.js';

const has = (cmd: string) => {
  try {
    execFileSync(cmd, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

test('header: size, rate, colour tag and range', () => {
  assert.is(y4mHeader('yuyv', 1280, 720, 30, 'limited'), 'YUV4MPEG2 W1280 H720 F30:1 Ip A1:1 C422 XCOLORRANGE=LIMITED\n');
  assert.is(y4mHeader('nv12', 64, 48, 29.97, 'full'), 'YUV4MPEG2 W64 H48 F2997:100 Ip A1:1 C420jpeg XCOLORRANGE=FULL\n');
  assert.is(y4mHeader('gray', 8, 8, 60, 'limited').includes(' Cmono '), true);
  assert.throws(() => y4mHeader('rgb24', 8, 8, 30, 'limited'), (e: Error) => e instanceof RangeError && /planar YUV only/.test(e.message));
});

test('chunks: the marker and the frame, in one list reused for every frame', () => {
  const chunks = y4mChunks();
  const a = new Uint8Array(4), b = new Uint8Array(4);
  const first = chunks(a);
  assert.equal(first, [FRAME_MARKER, a]);
  assert.is(chunks(b), first, 'the same list');
  assert.is(first[1], b);
});

/** A camera-format frame's planes in Y4M's order (Y, U, V), rearranged in plain JavaScript. */
function y4mPlanesOf(format: FormatName, frame: Uint8Array, width: number, height: number): Uint8Array {
  const luma = width * height;
  const pick = (from: number, step: number, count: number) => Uint8Array.from({ length: count }, (_, i) => frame[from + i * step]!);
  switch (format) {
    case 'yuyv': return Buffer.concat([pick(0, 2, luma), pick(1, 4, luma / 2), pick(3, 4, luma / 2)]);
    case 'uyvy': return Buffer.concat([pick(1, 2, luma), pick(0, 4, luma / 2), pick(2, 4, luma / 2)]);
    case 'nv12': return Buffer.concat([frame.subarray(0, luma), pick(luma, 2, luma / 4), pick(luma + 1, 2, luma / 4)]);
    case 'yv12': return Buffer.concat([frame.subarray(0, luma), frame.subarray(luma + luma / 4), frame.subarray(luma, luma + luma / 4)]);
    default: return frame; // i420 and gray are Y4M's order already
  }
}

test('a recording converts straight to Y4M\'s layout: the camera format\'s frame, planes in Y, U, V order (WASM and reference)', () => {
  for (const format of ['yuyv', 'uyvy', 'i420', 'yv12', 'nv12', 'gray'] as const) {
    for (const input of ['rgba', 'bgr24', 'yuyv', 'nv12', 'i420'] as const) {
      for (const [width, height] of [[34, 6], [2, 2], [640, 480]] as const) {
        for (const mirror of [false, true]) {
          const options = { width, height, input, format, mirror, flipY: mirror };
          const camera = createConverter(options);
          fillNoise(camera.input, width + height + input.length);
          const expected = y4mPlanesOf(format, Uint8Array.from(camera.convert()), width, height);
          for (const engine of ['wasm', 'js'] as const) {
            const recording = new Converter({ ...options, engine }, undefined, y4mLayout(format));
            assert.is(recording.layout.sizeImage, camera.layout.sizeImage);
            sameBytes(recording.convert(camera.input), expected, `${input} → ${format} ${width}×${height}${mirror ? ' mirrored, flipped' : ''} (${engine})`);
          }
        }
      }
    }
  }
});

// What ffmpeg must turn the file back into, to get the camera format's bytes back (YV12 has no ffmpeg
// pixel format: its planes come back in I420 order).
const BACK: Partial<Record<FormatName, string>> = { yuyv: 'yuyv422', uyvy: 'uyvy422', i420: 'yuv420p', nv12: 'nv12', gray: 'gray' };

if (has('ffmpeg') && has('ffprobe')) {
  // 34 pixels: two 16-pixel blocks and a tail.
  for (const [W, H] of [[64, 48], [34, 6], [2, 2]] as const) for (const [format, pixFmt] of Object.entries(BACK) as [FormatName, string][]) {
    test(`${format}: a Streamer's recording — ffprobe sees ${W}×${H} at 30 fps; ffmpeg gives back the exact frames`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'loopcam-y4m-'));
      try {
        const file = join(dir, 'out.y4m');
        const c = createConverter({ width: W, height: H, format });
        const cam = new Streamer({ width: W, height: H, fps: 30, format, sink: { type: 'y4m', path: file } });
        const sent: Buffer[] = [];
        for (let i = 0; i < 3; i++) {
          fillNoise(cam.frame, 50 + i);
          sent.push(Buffer.from(c.convert(cam.frame)));
          cam.commit();
          if (i === 0) await cam.start();
          await cam.nextFrame(); // written
        }
        await cam.stop();
        const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }));
        const s = probe.streams[0];
        assert.equal([s.width, s.height, s.r_frame_rate], [W, H, '30/1']);
        const raw = join(dir, 'back.raw');
        execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-y', raw]);
        const back = readFileSync(raw);
        const size = c.layout.sizeImage;
        assert.ok(back.length % size === 0 && back.length >= 3 * size, `${back.length} bytes`);
        // Each frame stays on show until the next: the file holds the three in order, each once or more.
        const shown: number[] = [];
        for (let at = 0; at < back.length; at += size) {
          const i = sent.findIndex((f) => f.equals(back.subarray(at, at + size)));
          assert.ok(i >= 0, `${format}: frame at byte ${at} is none of the frames sent`);
          if (shown[shown.length - 1] !== i) shown.push(i);
        }
        assert.equal(shown, [0, 1, 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
} else {
  test.skip('Y4M read back by ffprobe/ffmpeg: ffmpeg is not installed (apt-get install ffmpeg; .ci/run installs it)', () => {});
}

test.run();

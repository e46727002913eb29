// Y4M files that ffprobe and ffmpeg read back with the right size, rate, frame count and exact bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, type FormatName } from '../src/index.js';
import { Y4mSink } from '../src/stream/sinks.js';
import { Y4mPlanes, y4mHeader } from '../src/stream/y4m.js';
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

test('chunks: one list reused per frame; YV12 planes in Y, U, V order', () => {
  const planes = new Y4mPlanes('yv12', 4, 2);
  const frame = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 2, 2]); // Y×8, then V, then U
  const chunks = planes.chunks(frame);
  assert.equal([...Buffer.concat(chunks)], [...Buffer.from('FRAME\n'), 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3]);
  assert.is(planes.chunks(frame), chunks, 'the same list for the same frame buffer');
  const packed = new Y4mPlanes('yuyv', 4, 2);
  const first = packed.chunks(Uint8Array.from({ length: 16 }, (_, i) => i));
  assert.equal([...first[1]!], [0, 2, 4, 6, 8, 10, 12, 14, 1, 5, 9, 13, 3, 7, 11, 15], 'Y plane, then U, then V');
  assert.is(packed.chunks(new Uint8Array(16)), first, 'repacked into the same memory every frame');
});

// What ffmpeg must turn the file back into, to get the written bytes back (YV12 has no ffmpeg pixel
// format: its planes come back in I420 order).
const BACK: Partial<Record<FormatName, string>> = { yuyv: 'yuyv422', uyvy: 'uyvy422', i420: 'yuv420p', nv12: 'nv12', gray: 'gray' };

if (has('ffmpeg') && has('ffprobe')) {
  // 34 pixels: two 16-pixel blocks and a tail, for the WASM repacking of yuyv, uyvy and nv12.
  for (const [W, H] of [[64, 48], [34, 6], [2, 2]] as const) for (const [format, pixFmt] of Object.entries(BACK) as [FormatName, string][]) {
    test(`${format}: ffprobe sees ${W}×${H} at 30 fps and 3 frames; ffmpeg gives back the exact bytes`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'loopcam-y4m-'));
      try {
        const file = join(dir, 'out.y4m');
        const c = createConverter({ width: W, height: H, format });
        const sink = new Y4mSink(file, { format, width: W, height: H, fps: 30, range: 'limited' });
        const written: Uint8Array[] = [];
        for (let i = 0; i < 3; i++) {
          fillNoise(c.input, 50 + i);
          const frame = c.convert();
          written.push(Uint8Array.from(frame));
          sink.write(frame);
        }
        sink.close();
        const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }));
        const s = probe.streams[0];
        assert.equal([s.width, s.height, s.r_frame_rate, Number(s.nb_read_frames)], [W, H, '30/1', 3]);
        const raw = join(dir, 'back.raw');
        execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-y', raw]);
        const back = readFileSync(raw);
        sameBytes(back, Buffer.concat(written), `${format} through Y4M and ffmpeg`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
} else {
  test.skip('Y4M read back by ffprobe/ffmpeg: ffmpeg is not installed (apt-get install ffmpeg; .ci/run installs it)', () => {});
}

test.run();

// Every output format, at two sizes (one width not a multiple of 16), written by loopcam to the real
// v4l2loopback driver and read back byte-exact by v4l2-ctl, ffmpeg and GStreamer, one after another.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FORMAT_NAMES, openOutput } from '../../src/index.js';
import { distinctFrames, problems, streamWhileReading } from './stream.js';
import { driver, reload, scratch, SKIP_REASON } from './vm.js';

const SIZES: [number, number][] = [[320, 240], [328, 200]];
const FRAMES = 4;
const COUNT = 60;

if (!driver) {
  test.skip(`read-back of every format by v4l2-ctl, ffmpeg and GStreamer: ${SKIP_REASON}`, () => {});
} else {
  for (const [width, height] of SIZES) {
    for (const format of FORMAT_NAMES) {
      test(`${format} ${width}×${height} → v4l2loopback ${driver} → v4l2-ctl, ffmpeg, GStreamer: byte-exact`, async () => {
        // A fresh module per case: 0.12 in exclusive mode keeps a node's format once written.
        reload('devices=1 exclusive_caps=1 card_label=loopcam');
        const [dir, clean] = scratch();
        const out = openOutput({ device: 'loopcam', width, height, format, fps: 30 });
        try {
          const frames = distinctFrames(width, height, format, FRAMES, width + format.length);
          const captures = await streamWhileReading(out, frames, ['v4l2-ctl', 'ffmpeg', 'gstreamer'], dir, { count: COUNT });
          for (const capture of captures) {
            const problem = problems(capture, FRAMES, COUNT);
            assert.is(problem, '', problem);
            console.log(`    ${format} ${width}×${height}: ${capture.reader} read ${capture.ids.length} frames byte-exact (${new Set(capture.ids).size} distinct)`);
          }
        } finally {
          out.close();
          clean();
        }
      });
    }
  }
}

test.run();

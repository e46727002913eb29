// loopcam's PipeWire camera through the Camera portal, the way Firefox and Chromium reach cameras:
// AccessCamera, then OpenPipeWireRemote (a connection that sees cameras only), then pipewiresrc on it.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FormatName } from '../../src/index.js';
import { nodeName } from '../../src/pipewire/sink.js';
import { distinctFrames } from '../device/stream.js';
import { camerasThroughPortal, idsOf, readProblem, readThroughPortal, streamNoise, within } from './camera.js';
import { sharedStack, whyNoStack } from './stack.js';

const FORMATS: FormatName[] = ['yuyv', 'uyvy', 'i420', 'nv12'];
const SIZES: [number, number][] = [[320, 240], [324, 240]];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const reason = whyNoStack(true);
if (reason) {
  test.skip(`PipeWire camera through the Camera portal: ${reason}`, () => {});
} else {
  const shared = sharedStack({ portal: true });
  test.after(() => shared.stop());

  test('through the portal: loopcam\'s camera is listed; a Video/Source without media.role=Camera is not', async () => {
    const stack = await shared.get();
    await within(stack, async () => {
      // Another program's video source that is not a camera (a screen cast, say).
      const plain = spawn('gst-launch-1.0', ['-q', 'videotestsrc', 'is-live=true', '!', 'videoconvert', '!', 'pipewiresink', 'mode=provide',
        'stream-properties=props,media.class=Video/Source,node.name=plain-video-source,node.description=Plain'], { env: stack.env, stdio: 'ignore' });
      const stream = await streamNoise('Portal Cam', 'yuyv', 320, 240, 3);
      try {
        const all = () => (JSON.parse(stack.run('pw-dump', [])) as { info?: { props?: Record<string, string> } }[]).map((o) => o.info?.props?.['node.name']);
        for (let i = 0; i < 100 && !all().includes('plain-video-source'); i++) await sleep(50);
        assert.ok(all().includes('plain-video-source'), 'the plain source is in the graph');
        const seen = await camerasThroughPortal(stack);
        assert.is(seen.get('loopcam.portal-cam'), 'Portal Cam', `the portal lists: ${[...seen].map(([n, d]) => `${n} "${d}"`).join(', ') || 'nothing'}`);
        assert.not.ok(seen.has('plain-video-source'), 'a Video/Source without the Camera role is not a camera to portal apps');
        console.log(`    the graph has loopcam.portal-cam and plain-video-source; the portal's connection sees: ${[...seen].map(([n, d]) => `${n} "${d}"`).join(', ')}`);
      } finally {
        plain.kill('SIGKILL');
        await stream.stop();
      }
    });
  });

  for (const [width, height] of SIZES) {
    for (const format of FORMATS) {
      test(`${format} ${width}×${height} → PipeWire → Camera portal → pipewiresrc fd=…: byte-exact, in order`, async () => {
        const stack = await shared.get();
        await within(stack, async () => {
          const seed = 7 * width + format.length;
          const frames = distinctFrames(width, height, format, 4, seed);
          const label = `portal ${format} ${width}`;
          const stream = await streamNoise(label, format, width, height, seed);
          try {
            const read = await readThroughPortal(stack, nodeName(label, new Set()), format, width, height, 24);
            const problem = readProblem(read, frames, 24);
            assert.is(problem, '', problem);
            assert.is(stream.errors.length, 0, String(stream.errors[0]));
            console.log(`    ${format} ${width}×${height}: read through the portal, 24 frames byte-exact (${idsOf(read, frames)})`);
          } finally {
            await stream.stop();
          }
        });
      });
    }
  }
}

test.run();

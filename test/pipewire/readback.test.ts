// loopcam's PipeWire camera on a real PipeWire stack (started here, private): the node's properties and
// EnumFormat as pw-dump shows them, and frames read back byte-exact, in order, by GStreamer's pipewiresrc.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoopcamError, Streamer, type FormatName } from '../../src/index.js';
import { nodeName } from '../../src/pipewire/sink.js';
import { SPA_VIDEO_FORMATS } from '../../src/pipewire/pod.js';
import { fillNoise } from '../helpers.js';
import { distinctFrames, identify } from '../device/stream.js';
import { startStack, whyNoStack, type Stack } from './stack.js';

const FORMATS: FormatName[] = ['yuyv', 'uyvy', 'i420', 'nv12'];
/** 324: a width that is not a multiple of 8 (I420's chroma rows are then 162 bytes). */
const SIZES: [number, number][] = [[320, 240], [324, 240]];

/** Runs `body` with this process talking to `stack` (libpipewire reads the runtime dir from the environment). */
async function within<T>(stack: Stack, body: () => Promise<T>): Promise<T> {
  const saved = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PIPEWIRE_RUNTIME_DIR: process.env.PIPEWIRE_RUNTIME_DIR };
  process.env.XDG_RUNTIME_DIR = stack.dir;
  process.env.PIPEWIRE_RUNTIME_DIR = stack.dir;
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Reads `count` frames of `frameBytes` from the node named `name` with pipewiresrc; resolves with the bytes. */
export function readFrames(stack: Stack, name: string, format: FormatName, width: number, height: number, count: number): Promise<{ data: Buffer; code: number | null; stderr: string }> {
  const caps = `video/x-raw,format=${SPA_VIDEO_FORMATS[format]!.name},width=${width},height=${height}`;
  const child = spawn('gst-launch-1.0', ['-q', 'pipewiresrc', `target-object=${name}`, `num-buffers=${count}`, '!', caps, '!', 'fdsink', 'fd=1'], { env: stack.env });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ data: Buffer.concat(chunks), code, stderr });
  }));
}

/** A Streamer on a PipeWire camera showing `n` noise frames in turn, 250 ms each. */
async function streamNoise(label: string, format: FormatName, width: number, height: number, seed: number) {
  const cam = new Streamer({ width, height, format, fps: 30, sink: { type: 'pipewire', label } });
  const errors: unknown[] = [];
  cam.on('error', (e) => errors.push(e));
  let shown = 0;
  const show = () => {
    fillNoise(cam.frame, seed * 1000 + (shown++ % 4) + 1);
    cam.commit();
  };
  show();
  await cam.start();
  const timer = setInterval(show, 250);
  return { cam, errors, stop: async () => { clearInterval(timer); await cam.stop(); } };
}

const reason = whyNoStack();
if (reason) {
  test.skip(`PipeWire camera read-back: ${reason}`, () => {});
} else {
  let stack: Stack;
  test.before(async () => {
    stack = await startStack();
  });
  test.after(async () => {
    await stack?.stop();
  });

  test('the node: Video/Source, role Camera, the label as description, a stable name, one fixed format (pw-dump)', async () => {
    await within(stack, async () => {
      const stream = await streamNoise('Meeting Cam', 'yuyv', 640, 360, 1);
      try {
        const nodes = JSON.parse(stack.run('pw-dump', [])) as { id: number; type: string; info?: { props?: Record<string, string>; params?: Record<string, unknown[]> } }[];
        const node = nodes.find((o) => o.info?.props?.['node.name'] === 'loopcam.meeting-cam');
        assert.ok(node, `no node loopcam.meeting-cam in pw-dump (nodes: ${nodes.map((o) => o.info?.props?.['node.name']).filter(Boolean).join(', ')})`);
        const props = node.info!.props!;
        assert.is(props['media.class'], 'Video/Source');
        assert.is(props['media.role'], 'Camera');
        assert.is(props['node.description'], 'Meeting Cam');
        assert.equal(node.info!.params!.EnumFormat, [{ mediaType: 'video', mediaSubtype: 'raw', format: 'YUY2', size: { width: 640, height: 360 }, framerate: { num: 30, denom: 1 } }]);
        console.log(`    pw-dump: node ${node.id} ${props['node.name']} "${props['node.description']}" ${props['media.class']} role ${props['media.role']}; EnumFormat ${JSON.stringify(node.info!.params!.EnumFormat)}`);
      } finally {
        await stream.stop();
      }
    });
  });

  for (const [width, height] of SIZES) {
    for (const format of FORMATS) {
      test(`${format} ${width}×${height} → PipeWire → pipewiresrc: byte-exact, in order`, async () => {
        await within(stack, async () => {
          const seed = width + format.length;
          const frames = distinctFrames(width, height, format, 4, seed);
          const label = `readback ${format} ${width}`;
          const stream = await streamNoise(label, format, width, height, seed);
          try {
            const read = await readFrames(stack, nodeName(label, new Set()), format, width, height, 24);
            assert.ok(read.code === 0, `pipewiresrc exited ${read.code}: ${read.stderr.slice(-1500)}`);
            const size = frames[0]!.length;
            assert.is(read.data.length, 24 * size, `read ${read.data.length} bytes, expected 24 frames of ${size}`);
            const ids = Array.from({ length: 24 }, (_, i) => identify(read.data.subarray(i * size, (i + 1) * size), frames));
            assert.ok(!ids.includes(-1), `a frame read matches none written: ${ids.join(',')}`);
            for (let i = 1; i < ids.length; i++) assert.ok((ids[i]! - ids[i - 1]! + 4) % 4 <= 1, `out of order at ${i}: ${ids.join(',')}`);
            assert.ok(new Set(ids).size >= 2, `read only ${ids.join(',')}`);
            assert.is(stream.errors.length, 0, String(stream.errors[0]));
            console.log(`    ${format} ${width}×${height}: pipewiresrc read 24 frames byte-exact (${ids.join('')})`);
          } finally {
            await stream.stop();
          }
        });
      });
    }
  }

  test('a format PipeWire cameras do not carry is refused, naming the ones they do', async () => {
    try {
      await new Streamer({ width: 320, height: 240, format: 'rgb24', sink: { type: 'pipewire' } }).start();
      assert.unreachable('rgb24 was accepted');
    } catch (error) {
      assert.instance(error, RangeError);
      assert.match((error as Error).message, /yuyv, uyvy, i420, nv12/);
    }
  });

  test('no daemon: PIPEWIRE_DOWN, saying how to start it', async () => {
    const saved = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = `${stack.dir}/nowhere`;
    const savedRemote = process.env.PIPEWIRE_RUNTIME_DIR;
    process.env.PIPEWIRE_RUNTIME_DIR = `${stack.dir}/nowhere`;
    try {
      const cam = new Streamer({ width: 320, height: 240, sink: { type: 'pipewire' } });
      await cam.start();
      assert.unreachable('started without a daemon');
    } catch (error) {
      assert.instance(error, LoopcamError);
      assert.is((error as LoopcamError).code, 'PIPEWIRE_DOWN');
      assert.match((error as Error).message, /systemctl --user start pipewire wireplumber/);
    } finally {
      process.env.XDG_RUNTIME_DIR = saved;
      process.env.PIPEWIRE_RUNTIME_DIR = savedRemote;
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
      if (savedRemote === undefined) delete process.env.PIPEWIRE_RUNTIME_DIR;
    }
  });
}

test.run();

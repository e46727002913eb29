// loopcam's PipeWire camera on a real PipeWire stack (started here, private): the node's properties and
// EnumFormat as pw-dump shows them, and frames read back byte-exact, in order, by GStreamer's pipewiresrc.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoopcamError, Streamer, type FormatName } from '../../src/index.js';
import { nodeName } from '../../src/pipewire/sink.js';
import { distinctFrames } from '../device/stream.js';
import { idsOf, readDirect, readProblem, streamNoise, within } from './camera.js';
import { sharedStack, whyNoStack } from './stack.js';

const FORMATS: FormatName[] = ['yuyv', 'uyvy', 'i420', 'nv12'];
/** 324: a width that is not a multiple of 8 (I420's chroma rows are then 162 bytes). */
const SIZES: [number, number][] = [[320, 240], [324, 240]];

const reason = whyNoStack();
if (reason) {
  test.skip(`PipeWire camera read-back: ${reason}`, () => {});
} else {
  const shared = sharedStack();
  test.after(() => shared.stop());

  test('the node: Video/Source, role Camera, the label as description, a stable name, one fixed format (pw-dump)', async () => {
    const stack = await shared.get();
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
        const stack = await shared.get();
        await within(stack, async () => {
          const seed = width + format.length;
          const frames = distinctFrames(width, height, format, 4, seed);
          const label = `readback ${format} ${width}`;
          const stream = await streamNoise(label, format, width, height, seed);
          try {
            const read = await readDirect(stack, nodeName(label, new Set()), format, width, height, 24);
            const problem = readProblem(read, frames, 24);
            assert.is(problem, '', problem);
            assert.is(stream.errors.length, 0, String(stream.errors[0]));
            console.log(`    ${format} ${width}×${height}: pipewiresrc read 24 frames byte-exact (${idsOf(read, frames)})`);
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
    const stack = await shared.get();
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

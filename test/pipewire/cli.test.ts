// The CLI's PipeWire side on a private stack: --pipewire --label, the fallback when no v4l2loopback node
// exists, `loopcam list` showing the camera, and the option checks.
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter } from '../../src/index.js';
import { listDevices } from '../../src/v4l2/devices.js';
import { readDirect } from './camera.js';
import { sharedStack, whyNoStack, type Stack } from './stack.js';
import { run } from '../device/vm.js';

const BIN = new URL('../../src/cli/loopcam.cjs', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the CLI against `stack`; resolves once `name` is in the graph. */
async function startCli(stack: Stack, args: string[], name: string) {
  const child = spawn(process.execPath, [BIN, ...args], { env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    if (stack.run('pw-dump', []).includes(`"node.name": "${name}"`)) break;
    await sleep(50);
  }
  return { child, exited, stderr: () => stderr };
}

/** The bars at 320×240 YUYV, as the camera must show them. */
function bars(): Buffer {
  const c = createConverter({ width: 320, height: 240 });
  c.drawPattern('bars');
  const frame = Buffer.from(c.convert());
  c.dispose();
  return frame;
}

test('--pipewire with --output or --device, or a bad --label: usage errors (exit 2) that say why', async () => {
  for (const [args, message] of [
    [['--pipewire', '--output', 'x.y4m'], /--pipewire publishes a camera; --output writes a file/],
    [['--pipewire', '--device', '/dev/video0'], /--device names a v4l2loopback node/],
    [['--label', 'x', '--output', 'x.y4m'], /--label names a PipeWire camera/],
    [['--pipewire', '--label', ''], /--label "": expected 1 to 63 characters/],
    [['--pipewire', '--format', 'rgb24', '--frames', '1'], /a PipeWire camera carries yuyv, uyvy, i420, nv12/],
  ] as const) {
    const ran = await run(process.execPath, [BIN, 'pattern', ...args], 30_000, { XDG_RUNTIME_DIR: '/nonexistent', PIPEWIRE_RUNTIME_DIR: undefined });
    assert.is(ran.code, 2, `${args.join(' ')}: ${ran.stderr}`);
    assert.match(ran.stderr, message);
  }
});

const reason = whyNoStack();
if (reason) {
  test.skip(`the CLI's PipeWire camera: ${reason}`, () => {});
} else {
  const shared = sharedStack();
  test.after(() => shared.stop());

  test('loopcam pattern --pipewire --label: the camera is in `loopcam list`, and pipewiresrc reads the bars byte-exact', async () => {
    const stack = await shared.get();
    const cli = await startCli(stack, ['pattern', '--pattern', 'bars', '--size', '320x240', '--pipewire', '--label', 'Desk Cam'], 'loopcam.desk-cam');
    try {
      assert.is(cli.child.exitCode, null, cli.stderr());
      const list = await run(process.execPath, [BIN, 'list'], 30_000, stack.env);
      assert.match(list.stdout, /Desk Cam \(PipeWire\):\n\tnode \d+ loopcam\.desk-cam\tYUY2 320×240 30\/1/);
      const json = JSON.parse((await run(process.execPath, [BIN, 'list', '--json'], 30_000, stack.env)).stdout) as { kind: string; name?: string; camera?: boolean }[];
      assert.ok(json.some((d) => d.kind === 'pipewire' && d.name === 'loopcam.desk-cam' && d.camera === true), JSON.stringify(json));
      const read = await readDirect(stack, 'loopcam.desk-cam', 'yuyv', 320, 240, 5);
      assert.is(read.code, 0, read.stderr);
      const expected = bars();
      for (let i = 0; i < 5; i++) assert.ok(read.data.subarray(i * expected.length, (i + 1) * expected.length).equals(expected), `frame ${i} is not the bars`);
      console.log(`    loopcam list: ${list.stdout.trim().split('\n').join(' ')}; pipewiresrc read 5 frames of bars`);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.is(await cli.exited, 0, `stopped with SIGTERM: ${cli.stderr()}`);
  });

  test('bench --stream --sink pipewire: a reader really reads (it got most frames) and the cost over the null sink is reported', async () => {
    const stack = await shared.get();
    const r = await run(process.execPath, [BIN, 'bench', '--stream', '--sink', 'pipewire', '--size', '320x240', '--fps', '30', '--seconds', '2', '--json'], 60_000, stack.env);
    assert.is(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { framesOut: number; framesRead: number[]; dropped: number; nullCpuPercent: number; overNullPercent: number };
    assert.is(result.framesRead.length, 1);
    assert.ok(result.framesRead[0]! >= result.framesOut * 0.8, `the reader got ${result.framesRead[0]} of ${result.framesOut} frames`);
    assert.is(result.dropped, 0);
    assert.type(result.nullCpuPercent, 'number');
    assert.type(result.overNullPercent, 'number');
    console.log(`    bench: ${result.framesOut} frames out, the reader got ${result.framesRead[0]}; ${result.overNullPercent.toFixed(1)} % of a core over the null sink`);
  });

  if (listDevices().some((d) => d.loopback)) {
    test.skip('with no v4l2loopback node the CLI publishes a PipeWire camera: this machine has v4l2loopback nodes, so the CLI rightly uses them', () => {});
  } else {
    test('with no v4l2loopback node and no --device/--output, the CLI publishes a PipeWire camera and says so in one line', async () => {
      const stack = await shared.get();
      const cli = await startCli(stack, ['pattern', '--pattern', 'bars', '--size', '320x240'], 'loopcam');
      try {
        const read = await readDirect(stack, 'loopcam', 'yuyv', 320, 240, 3);
        assert.is(read.code, 0, read.stderr);
        assert.ok(read.data.subarray(-bars().length).equals(bars()), 'the frames are the bars');
        const lines = cli.stderr().trim().split('\n');
        assert.is(lines.length, 1, cli.stderr());
        assert.match(lines[0]!, /no v4l2loopback device; publishing a PipeWire camera "loopcam" instead/);
        console.log(`    ${lines[0]}`);
      } finally {
        cli.child.kill('SIGTERM');
      }
      assert.is(await cli.exited, 0, cli.stderr());
    });
  }
}

test.run();

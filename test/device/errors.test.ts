// Every error path the device layer promises, provoked for real on the driver in the VM.
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDevice, listDevices, LoopcamError, openOutput, removeDevice } from '../../src/index.js';
import { realSystem } from '../../src/v4l2/system.js';
import { distinctFrames } from './stream.js';
import { driver, legacy, reload, run, SKIP_REASON } from './vm.js';

const SIZE = { width: 320, height: 240 };

async function fails(fn: () => unknown, code: string, ...patterns: RegExp[]): Promise<LoopcamError> {
  try {
    await fn();
  } catch (error) {
    assert.instance(error, LoopcamError, String(error));
    assert.is((error as LoopcamError).code, code, (error as Error).message);
    for (const p of patterns) assert.match((error as Error).message, p);
    console.log(`    ${code}: ${(error as Error).message.split('\n')[0]}`);
    return error as LoopcamError;
  }
  return assert.unreachable(`expected LoopcamError ${code}`) as never;
}

/** A second process that opens `device` with loopcam and writes frames until killed. */
function otherWriter(device: string, width: number, height: number) {
  const src = new URL('../../src/index.js', import.meta.url).href;
  const code = `import { openOutput, createConverter } from ${JSON.stringify(src)};
    const out = openOutput({ device: ${JSON.stringify(device)}, width: ${width}, height: ${height} });
    const c = createConverter({ width: ${width}, height: ${height} });
    setInterval(() => out.writeFrame(c.convert()), 33); console.log('writing');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`writer exited ${c}`)));
  });
  return { child, ready };
}

if (!driver) {
  test.skip(`device error paths on the real driver: ${SKIP_REASON}`, () => {});
} else {
  test('a path that is not a V4L2 device: NOT_V4L2', async () => {
    await fails(() => openOutput({ ...SIZE, device: '/dev/null' }), 'NOT_V4L2', /\/dev\/null is not a V4L2 device/);
  });

  test('a missing path: NO_DEVICE with the modprobe line', async () => {
    await fails(() => openOutput({ ...SIZE, device: '/dev/video99' }), 'NO_DEVICE', /does not exist/, /modprobe v4l2loopback/);
  });

  test('no driver loaded at all: NO_DEVICE', async () => {
    execFileSync('loopcam-vm-module', ['unload']);
    await fails(() => openOutput(SIZE), 'NO_DEVICE', /no v4l2loopback device found/, /modprobe v4l2loopback exclusive_caps=1/);
  });

  test('a real capture-only camera (vivid): NOT_OUTPUT', async () => {
    reload('devices=1 exclusive_caps=1');
    execFileSync('modprobe', ['vivid', 'n_devs=1', 'node_types=0x1']);
    try {
      const camera = listDevices().find((d) => d.driver === 'vivid');
      assert.ok(camera, `vivid made no node: ${JSON.stringify(listDevices())}`);
      assert.ok(camera.capture && !camera.output);
      await fails(() => openOutput({ ...SIZE, device: camera.path }), 'NOT_OUTPUT', /capture device/, /vivid/);
      // With no device named, loopcam skips the camera and takes the loopback node.
      const out = openOutput(SIZE);
      assert.ok(out.device.loopback);
      out.close();
    } finally {
      execFileSync('rmmod', ['vivid']);
    }
  });

  test('another program writing another size: BUSY, naming that program', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const writer = otherWriter(node!, 320, 240);
    try {
      await writer.ready;
      await fails(() => openOutput({ device: node, width: 640, height: 480 }), 'BUSY', /busy/, new RegExp(`held by node, pid ${writer.child.pid}`));
    } finally {
      writer.child.kill();
    }
  });

  test('a user outside the video group: PERMISSION', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const src = new URL('../../src/index.js', import.meta.url).href;
    const code = `import { openOutput } from ${JSON.stringify(src)};
      try { openOutput({ device: ${JSON.stringify(node)}, width: 320, height: 240 }); console.log('opened'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const ran = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', code]);
    assert.is(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { code: string; message: string };
    assert.is(result.code, 'PERMISSION', ran.stdout);
    assert.match(result.message, /usermod -aG video/);
    console.log(`    PERMISSION (as nobody): ${result.message}`);
  });

  test(`a node left behind by a writer that did not set keep_format: ${legacy ? 'STUCK_NODE explained' : 'works on this driver'}`, async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const ffmpeg = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30',
      '-frames:v', '5', '-pix_fmt', 'yuyv422', '-f', 'v4l2', node!]);
    assert.is(ffmpeg.code, 0, ffmpeg.stderr);
    if (legacy) {
      const info = listDevices().find((d) => d.path === node)!;
      assert.ok(info.loopback && !info.output && !info.capture, `caps after the writer: ${info.capNames?.join('|')}`);
      await fails(() => openOutput({ ...SIZE, device: node }), 'STUCK_NODE', /neither output nor capture/, /modprobe -r v4l2loopback/);
    } else {
      const out = openOutput({ ...SIZE, device: node });
      out.writeFrame(distinctFrames(320, 240, 'yuyv', 1)[0]!);
      out.close();
    }
  });

  test('the device vanishing mid-stream (ENODEV, injected into write): DEVICE_GONE', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const gone = { ...realSystem, write: () => { throw Object.assign(new Error('No such device'), { code: 'ENODEV' }); } };
    const out = openOutput({ ...SIZE, device: node }, gone);
    try {
      await fails(() => out.writeFrame(distinctFrames(320, 240, 'yuyv', 1)[0]!), 'DEVICE_GONE', /went away/);
    } finally {
      out.close();
    }
  });

  test(`creating devices at run time: ${legacy ? 'NO_CONTROL_DEVICE on 0.12' : 'create, stream, remove'}`, async () => {
    if (legacy) {
      reload('devices=1');
      await fails(() => createDevice({ label: 'made by loopcam' }), 'NO_CONTROL_DEVICE', /0\.13 or newer/, /publishes no version/, /modprobe v4l2loopback devices=2/);
      return;
    }
    reload('devices=1');
    const made = createDevice({ label: 'made by loopcam' });
    console.log(`    created ${made.path} "${made.label}"`);
    const info = listDevices().find((d) => d.path === made.path);
    assert.ok(info?.loopback && info.label === 'made by loopcam', JSON.stringify(info));
    const out = openOutput({ ...SIZE, device: 'made by loopcam' });
    out.writeFrame(distinctFrames(320, 240, 'yuyv', 1)[0]!);
    await fails(() => removeDevice(made.number), 'BUSY', /is open/);
    out.close();
    removeDevice(made.number);
    assert.not.ok(listDevices().some((d) => d.path === made.path), 'node removed');
  });
}

test.run();

// The device layer against a simulated kernel: device choice, negotiation, colorimetry, frame writes
// and every error path. test/device/ runs the same layer against the real driver in the VM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConverter, listDevices, LoopcamError, openOutput, type OutputOptions } from '../src/index.js';
import { timePerFrame } from '../src/v4l2/output.js';
import { CAPTURE, FakeSystem, OUTPUT, RW_STREAMING, type FakeNode } from './fake-system.js';

const LOOPBACK = 'v4l2 loopback';
const loopbackNode = (card = 'loopcam', caps = OUTPUT | RW_STREAMING): FakeNode => ({ driver: LOOPBACK, card, caps });
const camera = (): FakeNode => ({ driver: 'uvcvideo', card: 'Integrated Camera', caps: CAPTURE | RW_STREAMING });
const opts: OutputOptions = { width: 640, height: 480 };

function fails(fn: () => unknown, code: string, ...patterns: RegExp[]): LoopcamError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, LoopcamError, String(error));
    assert.is((error as LoopcamError).code, code, (error as Error).message);
    for (const p of patterns) assert.match((error as Error).message, p);
    return error as LoopcamError;
  }
  return assert.unreachable(`expected LoopcamError ${code}`) as never;
}

test('listDevices: every node with its capabilities, loopback or not', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video0', camera());
  sys.add('/dev/video10', loopbackNode());
  sys.add('/dev/video11', { ...loopbackNode('locked'), openError: 'EACCES' });
  const list = listDevices(sys);
  assert.equal(list.map((d) => [d.path, d.label, d.loopback, d.output, d.capture]), [
    ['/dev/video0', 'Integrated Camera', false, false, true],
    ['/dev/video10', 'loopcam', true, true, false],
    ['/dev/video11', 'locked', false, false, false],
  ]);
  assert.equal(list[1]!.capNames, ['Video Output', 'Read/Write', 'Streaming']);
  assert.is(list[2]!.error?.code, 'PERMISSION');
  assert.is(sys.fds.size, 0, 'every node closed again');
});

test('openOutput with no device picks the first loopback output and negotiates everything', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video0', camera());
  const node = sys.add('/dev/video10', loopbackNode());
  const out = openOutput({ width: 1280, height: 720, format: 'yuyv', fps: 60 }, sys);
  assert.is(out.path, '/dev/video10');
  assert.equal(
    [node.format!.width, node.format!.height, node.format!.pixelformat, node.format!.field, node.format!.bytesperline, node.format!.sizeimage],
    [1280, 720, 0x56595559, 1, 2560, 1843200]);
  // BT.601 limited: SMPTE 170M, 601, limited range, 709 transfer.
  assert.equal([node.format!.colorspace, node.format!.ycbcr_enc, node.format!.quantization, node.format!.xfer_func], [1, 1, 2, 1]);
  assert.equal(node.timeperframe, { numerator: 1, denominator: 60 });
  assert.is(out.negotiated.fps, 60);
  assert.is(node.keepFormat, 1, 'keep_format set on a 0.12 node in exclusive mode');
  out.close();
  out.close();
  assert.is(sys.fds.size, 0);
});

test('colorimetry follows matrix and range; RGB is sRGB', () => {
  const cases: [Partial<OutputOptions>, number[]][] = [
    [{ range: 'full' }, [7, 1, 1, 2]],
    [{ matrix: 'bt709' }, [3, 2, 2, 1]],
    [{ matrix: 'bt709', range: 'full' }, [3, 2, 1, 1]],
    [{ format: 'rgb24' }, [8, 0, 1, 2]],
  ];
  for (const [extra, expected] of cases) {
    const sys = new FakeSystem();
    const node = sys.add('/dev/video10', loopbackNode());
    openOutput({ ...opts, ...extra }, sys).close();
    assert.equal([node.format!.colorspace, node.format!.ycbcr_enc, node.format!.quantization, node.format!.xfer_func], expected, JSON.stringify(extra));
  }
});

test('a device by path, number or card label', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video3', loopbackNode('first'));
  sys.add('/dev/video7', loopbackNode('Second Cam'));
  assert.is(openOutput({ ...opts, device: 7 }, sys).path, '/dev/video7');
  assert.is(openOutput({ ...opts, device: '7' }, sys).path, '/dev/video7');
  assert.is(openOutput({ ...opts, device: '/dev/video3' }, sys).path, '/dev/video3');
  assert.is(openOutput({ ...opts, device: 'second cam' }, sys).path, '/dev/video7');
  fails(() => openOutput({ ...opts, device: 'nope' }, sys), 'NO_DEVICE', /no video device is labelled "nope"/, /\/dev\/video3 "first"/, /modprobe v4l2loopback/);
});

test('newer drivers (a version in sysfs), or 0.12 without exclusive caps, are left without keep_format', () => {
  for (const [version, node] of [['0.15.0', loopbackNode()], [undefined, loopbackNode('both', OUTPUT | CAPTURE | RW_STREAMING)]] as const) {
    const sys = new FakeSystem();
    if (version) sys.moduleVersion = version;
    sys.add('/dev/video10', node);
    const out = openOutput(opts, sys);
    assert.is(out.device.loopbackVersion, version ?? 'before 0.13');
    out.close();
    assert.is(node.keepFormat, undefined);
  }
});

test('EINVAL from S_FMT while another program holds the node (0.12): BUSY, naming it', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', { ...loopbackNode(), sFmtErrors: ['EINVAL'] });
  sys.holders.set('/dev/video10', [{ pid: 99, command: 'obs' }]);
  fails(() => openOutput({ ...opts, device: 10 }, sys), 'BUSY', /held by obs, pid 99/);
});

test('writeFrame writes one whole frame from a converter view, retrying EAGAIN and EINTR', () => {
  const sys = new FakeSystem();
  const node = sys.add('/dev/video10', { ...loopbackNode(), writes: ['EAGAIN', 'EINTR', 'EAGAIN'] });
  const out = openOutput(opts, sys);
  const c = createConverter({ ...opts, format: 'yuyv' });
  out.writeFrame(c.convert());
  assert.equal(node.written, [640 * 480 * 2]);
  assert.is(sys.sleptMs, 2);
});

test('errors: missing device, no loopback at all, permission, not V4L2, a camera', () => {
  const sys = new FakeSystem();
  fails(() => openOutput(opts, sys), 'NO_DEVICE', /no v4l2loopback device found/, /sudo modprobe v4l2loopback exclusive_caps=1/);
  fails(() => openOutput({ ...opts, device: '/dev/video9' }, sys), 'NO_DEVICE', /\/dev\/video9 does not exist/, /modprobe/);
  sys.add('/dev/video1', { ...loopbackNode(), openError: 'EACCES' });
  fails(() => openOutput({ ...opts, device: 1 }, sys), 'PERMISSION', /permission denied on \/dev\/video1/, /usermod -aG video/);
  sys.add('/dev/null', { driver: '', card: '', caps: 0 });
  fails(() => openOutput({ ...opts, device: '/dev/null' }, sys), 'NOT_V4L2', /\/dev\/null is not a V4L2 device/);
  sys.add('/dev/video0', camera());
  fails(() => openOutput({ ...opts, device: 0 }, sys), 'NOT_OUTPUT', /Integrated Camera/, /capture device/, /loopcam list/);
  assert.is(sys.fds.size, 0, 'nothing left open after failures');
});

test('errors: busy names the holders; refused and changed formats say what the driver did', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', { ...loopbackNode(), sFmtErrors: ['EBUSY'] });
  sys.holders.set('/dev/video10', [{ pid: 777, command: 'ffmpeg' }]);
  const busy = fails(() => openOutput({ ...opts, device: 10 }, sys), 'BUSY', /busy/, /held by ffmpeg, pid 777/);
  assert.is(busy.errno, 'EBUSY');

  sys.add('/dev/video11', { ...loopbackNode(), sFmtErrors: ['EINVAL'] });
  fails(() => openOutput({ ...opts, device: 11 }, sys), 'FORMAT_REFUSED', /refused 640×480 yuyv/, /max_width/);

  sys.add('/dev/video12', { ...loopbackNode(), adjust: (pix) => { pix.width = 320; pix.height = 240; pix.bytesperline = 640; } });
  fails(() => openOutput({ ...opts, device: 12 }, sys), 'FORMAT_REFUSED', /did not take 640×480 yuyv/, /set 320×240 YUYV/);
  assert.is(sys.fds.size, 0);
});

test('accepted driver changes are reported as notes: rounded sizeimage, rewritten colorspace, no frame rate', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', { ...loopbackNode(), noParm: true, adjust: (pix) => { pix.sizeimage = 155648; pix.colorspace = 8; } });
  const out = openOutput({ width: 320, height: 240 }, sys);
  assert.is(out.notes.length, 3, out.notes.join('\n'));
  assert.match(out.notes[0]!, /sizeimage 155648/);
  assert.match(out.notes[1]!, /sRGB instead of SMPTE 170M/);
  assert.match(out.notes[2]!, /does not take a frame rate/);
  assert.is(out.negotiated.sizeImage, 155648);
  assert.is(out.negotiated.frameBytes, 153600);
});

test('a stuck 0.12 node (neither output nor capture) is recognised and explained', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', { ...loopbackNode('loopcam', RW_STREAMING), sFmtErrors: ['EINVAL'] });
  fails(() => openOutput(opts, sys), 'STUCK_NODE', /announces neither output nor capture/, /one writer per module load/, /modprobe -r v4l2loopback/);
});

test('a loopback node showing CAPTURE only (kept format, or a writer streaming) is still tried', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', loopbackNode('kept', CAPTURE | RW_STREAMING));
  assert.is(openOutput(opts, sys).path, '/dev/video10');
});

test('writeFrame errors: wrong length, short write, device gone, closed', () => {
  const sys = new FakeSystem();
  sys.add('/dev/video10', { ...loopbackNode(), writes: [1000, 'ENODEV'] });
  const out = openOutput(opts, sys);
  assert.throws(() => out.writeFrame(new Uint8Array(10)), (e: Error) => e instanceof RangeError && /frame is 10 bytes, expected 614400 \(640×480 yuyv\)/.test(e.message));
  assert.throws(() => out.writeFrame('x' as never), TypeError);
  const frame = new Uint8Array(614400);
  fails(() => out.writeFrame(frame), 'SHORT_WRITE', /took 1000 of 614400 bytes/);
  fails(() => out.writeFrame(frame), 'DEVICE_GONE', /went away/, /ENODEV/);
  out.close();
  fails(() => out.writeFrame(frame), 'DISPOSED');
});

test('bad options are TypeError/RangeError', () => {
  const sys = new FakeSystem();
  assert.throws(() => openOutput({ ...opts, fps: 0 }, sys), RangeError);
  assert.throws(() => openOutput({ ...opts, fps: '30' as never }, sys), TypeError);
  assert.throws(() => openOutput({ ...opts, width: 641 }, sys), RangeError);
  assert.throws(() => openOutput({ ...opts, format: 'mjpeg' as never }, sys), RangeError);
  assert.throws(() => openOutput({ ...opts, device: {} as never }, sys), TypeError);
  assert.throws(() => openOutput({ ...opts, device: -1 }, sys), RangeError);
});

test('timePerFrame: whole and fractional rates', () => {
  assert.equal(timePerFrame(30), { numerator: 1, denominator: 30 });
  assert.equal(timePerFrame(29.97), { numerator: 100, denominator: 2997 });
  assert.equal(timePerFrame(7.5), { numerator: 2, denominator: 15 });
});

test.run();

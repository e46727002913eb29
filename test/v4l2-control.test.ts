// createDevice / removeDevice against a simulated control device; the VM suite does it for real.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDevice, LoopcamError, openOutput, removeDevice } from '../src/index.js';
import { FakeSystem } from './fake-system.js';

const withControl = () => {
  const sys = new FakeSystem();
  sys.add('/dev/v4l2loopback', { driver: '', card: '', caps: 0 });
  return sys;
};

test('createDevice asks for a node with the label and caps mode, and it can be opened and removed', () => {
  const sys = withControl();
  const created = createDevice({ label: 'Meeting Cam', maxBuffers: 4 }, sys);
  assert.equal(created, { number: 0, path: '/dev/video0', label: 'Meeting Cam' });
  assert.equal([sys.added[0]!.card_label, sys.added[0]!.output_nr, sys.added[0]!.announce_all_caps, sys.added[0]!.max_buffers], ['Meeting Cam', -1, 0, 4]);
  const second = createDevice({ number: 7, exclusiveCaps: false }, sys);
  assert.is(second.path, '/dev/video7');
  assert.is(sys.added[1]!.announce_all_caps, 1);
  const out = openOutput({ device: 'Meeting Cam', width: 320, height: 240 }, sys);
  assert.throws(() => removeDevice(0, sys), (e: LoopcamError) => e.code === 'BUSY' && /is open/.test(e.message));
  out.close();
  removeDevice(0, sys);
  assert.not.ok(sys.nodes.has('/dev/video0'));
  assert.throws(() => removeDevice(0, sys), (e: LoopcamError) => e.code === 'NO_DEVICE');
  assert.throws(() => createDevice({ number: 7 }, sys), (e: LoopcamError) => e.code === 'BUSY' && /already exists/.test(e.message));
});

test('without the control device: the version needed and the modprobe line', () => {
  const sys = new FakeSystem();
  sys.moduleVersion = '0.12.7';
  assert.throws(() => createDevice({}, sys), (e: LoopcamError) =>
    e.code === 'NO_CONTROL_DEVICE' && /0\.13 or newer/.test(e.message) && /has v4l2loopback 0\.12\.7/.test(e.message) && /modprobe v4l2loopback devices=2/.test(e.message));
});

test('bad arguments', () => {
  const sys = withControl();
  assert.throws(() => createDevice({ label: '' }, sys), RangeError);
  assert.throws(() => createDevice({ label: 'x'.repeat(32) }, sys), RangeError);
  assert.throws(() => createDevice({ maxBuffers: 0 }, sys), RangeError);
  assert.throws(() => createDevice({ exclusiveCaps: 'yes' as never }, sys), TypeError);
  assert.throws(() => removeDevice('video3' as never, sys), TypeError);
});

test.run();

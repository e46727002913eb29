// What a PipeWire camera is called and the rate it announces — no daemon needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buffersParam, enumFormat, rateFraction } from '../src/pipewire/pod.js';
import { checkLabel, nodeName } from '../src/pipewire/sink.js';

test('node names: from the label, stable, unique among this process\'s cameras', () => {
  assert.is(nodeName('Meeting Cam', new Set()), 'loopcam.meeting-cam');
  assert.is(nodeName('loopcam', new Set()), 'loopcam');
  assert.is(nodeName('  Ça  va?! ', new Set()), 'loopcam.ca-va');
  assert.is(nodeName('!!!', new Set()), 'loopcam.camera');
  assert.is(nodeName('Meeting Cam', new Set(['loopcam.meeting-cam'])), 'loopcam.meeting-cam-2');
  assert.is(nodeName('Meeting Cam', new Set(['loopcam.meeting-cam', 'loopcam.meeting-cam-2'])), 'loopcam.meeting-cam-3');
});

test('labels: 1 to 63 characters, default loopcam', () => {
  assert.is(checkLabel(undefined), 'loopcam');
  assert.is(checkLabel('Desk'), 'Desk');
  assert.throws(() => checkLabel(''), /1 to 63 characters/);
  assert.throws(() => checkLabel('x'.repeat(64)), /1 to 63 characters/);
  assert.throws(() => checkLabel(7), (e: Error) => e instanceof TypeError);
});

test('frame rates as fractions: whole, NTSC, and thousandths', () => {
  assert.equal(rateFraction(30), [30, 1]);
  assert.equal(rateFraction(29.97), [30000, 1001]);
  assert.equal(rateFraction(59.94), [60000, 1001]);
  assert.equal(rateFraction(12.5), [12500, 1000]);
});

test('pods: 8-byte aligned, sizes consistent, the values where SPA puts them', () => {
  const format = enumFormat(4, 640, 360, 30);
  assert.is(format.length % 8, 0);
  assert.is(format.readUInt32LE(0), format.length - 8, 'the object body fills the rest');
  assert.is(format.readUInt32LE(4), 15, 'SPA_TYPE_Object');
  assert.equal([format.readUInt32LE(8), format.readUInt32LE(12)], [0x40003, 3], 'Format, EnumFormat');
  const at = format.indexOf(Buffer.from([0x03, 0x00, 0x02, 0x00])); // the size key 0x20003
  assert.equal([format.readUInt32LE(at + 16), format.readUInt32LE(at + 20)], [640, 360]);
  const buffers = buffersParam(460800, 1280);
  assert.is(buffers.length % 8, 0);
  assert.equal([buffers.readUInt32LE(8), buffers.readUInt32LE(12)], [0x40004, 5], 'ParamBuffers, Buffers');
});

test.run();

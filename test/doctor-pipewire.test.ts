// doctor's PipeWire findings, from a described state (the VM has no PipeWire; a desktop's cannot be made
// here): the daemon, library, session manager and portal, and the v4l2loopback visibility caveat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pipewireFindings, pipewireUsable, VISIBILITY_CAVEAT, type PipeWireState } from '../src/cli/doctor-pipewire.js';
import { report } from '../src/cli/doctor.js';
import type { DeviceInfo } from '../src/v4l2/devices.js';

const desktop: PipeWireState = { socket: '/run/user/1000/pipewire-0', library: { version: '1.4.2' }, sessionManager: 'WirePlumber', portal: 'camera' };
const node: DeviceInfo = { path: '/dev/video10', number: 10, label: 'loopcam', loopback: true, loopbackVersion: '0.15.0', output: true, capture: false };

test('a desktop with PipeWire, WirePlumber and the Camera portal: all ✔, nothing blocking, and a PipeWire camera is usable', () => {
  const findings = pipewireFindings(desktop, [], true);
  assert.ok(findings.every((f) => f.ok && !f.blocking), report(findings));
  assert.ok(pipewireUsable(desktop));
  assert.match(report(findings), /✔ PipeWire runs for this user/);
  assert.match(report(findings), /✔ WirePlumber manages the PipeWire graph/);
  assert.match(report(findings), /✔ xdg-desktop-portal serves the Camera portal/);
});

test('v4l2loopback nodes with exclusive_caps beside PipeWire: the visibility caveat, with what to do', () => {
  const text = report(pipewireFindings(desktop, [node], true));
  assert.ok(text.includes(VISIBILITY_CAVEAT), text);
  assert.match(text, /udev/);
  assert.match(text, /systemctl --user restart wireplumber/);
  assert.match(text, /--pipewire/);
  // Not when there are no nodes, when they do not use exclusive_caps, or when PipeWire does not run.
  assert.not.ok(report(pipewireFindings(desktop, [], true)).includes(VISIBILITY_CAVEAT));
  assert.not.ok(report(pipewireFindings(desktop, [node], false)).includes(VISIBILITY_CAVEAT));
  assert.not.ok(report(pipewireFindings({ ...desktop, socket: undefined } as PipeWireState, [node], true)).includes(VISIBILITY_CAVEAT));
});

test('what is missing is named with its fix: daemon, library, session manager, portal backend, portal', () => {
  const none: PipeWireState = { library: { error: 'libpipewire-0.3 is not installed' }, portal: 'unknown' };
  const text = report(pipewireFindings(none, [], false));
  assert.match(text, /! no PipeWire daemon runs for this user[^\n]*\n\s+→ [^\n]*systemctl --user start pipewire wireplumber/);
  assert.match(text, /! libpipewire cannot be loaded\n\s+→ libpipewire-0.3 is not installed/);
  assert.not.ok(pipewireUsable(none));
  const noManager = report(pipewireFindings({ ...desktop, sessionManager: undefined } as PipeWireState, [], false));
  assert.match(noManager, /no session manager[^\n]*never linked[^\n]*\n\s+→ `systemctl --user start wireplumber`/);
  assert.not.ok(pipewireUsable({ ...desktop, sessionManager: undefined } as PipeWireState));
  assert.match(report(pipewireFindings({ ...desktop, portal: 'no-camera' }, [], false)), /without the Camera portal[^\n]*\n\s+→ install your desktop's portal backend/);
  assert.match(report(pipewireFindings({ ...desktop, portal: 'absent' }, [], false)), /xdg-desktop-portal is not running/);
  assert.ok(pipewireFindings(none, [node], true).every((f) => !f.blocking), 'PipeWire findings never block v4l2loopback streaming');
});

test.run();

/**
 * `loopcam doctor`: checks what streaming to a camera needs and says how to fix what is missing —
 * V4L2 in the kernel, the v4l2loopback module and its version, its nodes and their state, permissions,
 * who holds a busy node, exclusive_caps (Chrome and Zoom only list a camera that announces capture
 * alone), the control device, the native ioctl module and ffmpeg; and PipeWire (doctor-pipewire.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { listDevices, loopbackVersion, LEGACY_LOOPBACK } from '../v4l2/devices.js';
import { HOW_TO_GET_A_DEVICE, HOW_TO_GET_PERMISSION, HOW_TO_UNSTICK } from '../v4l2/explain.js';
import { describeHolders, holdersOf } from '../v4l2/holders.js';
import { ioctl } from '../v4l2/ioctl.js';
import { O_RDWR, realSystem } from '../v4l2/system.js';
import { pipewireFindings, pipewireUsable, type PipeWireState } from './doctor-pipewire.js';

export interface Finding {
  ok: boolean;
  /** Problems that stop streaming to a camera (the others are advice). */
  blocking: boolean;
  what: string;
  fix?: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `pipewire`: this user's PipeWire (see probePipeWire); when it can publish a camera, a missing v4l2loopback blocks nothing. */
export function diagnose(pipewire?: PipeWireState): Finding[] {
  const findings: Finding[] = [];
  const viaPipeWire = pipewire !== undefined && pipewireUsable(pipewire);
  const orPipeWire = viaPipeWire ? ' — or use the PipeWire camera that works here (--pipewire)' : '';
  const add = (ok: boolean, what: string, fix?: string, blocking = !ok) => findings.push({ ok, blocking, what, ...(fix ? { fix } : {}) });
  // The first device's exclusive_caps ('Y' or '1' when on), when the module is loaded.
  const exclusive = read('/sys/module/v4l2loopback/parameters/exclusive_caps')?.split(',')[0];
  const exclusiveOn = exclusive === 'Y' || exclusive === '1';

  if (!existsSync('/sys/class/video4linux')) {
    add(false, 'this kernel has no V4L2 (no /sys/class/video4linux)', 'use a Linux kernel with V4L2 (every desktop distribution has it); in a container, run loopcam on the host. ' +
      `Without a camera: --output file.y4m${orPipeWire}`, !viaPipeWire);
    if (pipewire) findings.push(...pipewireFindings(pipewire, [], false));
    return findings;
  }
  if (!existsSync('/sys/module/v4l2loopback')) {
    add(false, 'the v4l2loopback module is not loaded', HOW_TO_GET_A_DEVICE + orPipeWire, !viaPipeWire);
  } else {
    const version = loopbackVersion(realSystem);
    add(true, `v4l2loopback is loaded: version ${version}`, version === LEGACY_LOOPBACK ? 'versions before 0.13 take one writer per module load with exclusive_caps=1 (loopcam works around it); 0.13+ also creates devices at run time' : undefined, false);
    if (exclusive !== undefined) {
      add(exclusiveOn, `exclusive_caps=${exclusive} (first device)`, exclusiveOn ? undefined :
        'Chrome, Zoom and other WebRTC apps list only nodes that announce capture alone: reload with exclusive_caps=1', false);
    }
  }
  const devices = listDevices();
  const loopbacks = devices.filter((d) => d.loopback);
  for (const d of devices.filter((x) => !x.loopback)) add(true, `${d.path} "${d.label}" (${d.driver ?? 'unknown driver'}): not a loopback node`, undefined, false);
  if (existsSync('/sys/module/v4l2loopback') && loopbacks.length === 0) add(false, 'v4l2loopback is loaded but has no nodes', HOW_TO_GET_A_DEVICE + orPipeWire, !viaPipeWire);
  for (const d of devices) {
    if (d.error?.code === 'PERMISSION') add(false, `${d.path}: permission denied`, HOW_TO_GET_PERMISSION);
  }
  for (const d of loopbacks) {
    const holders = holdersOf(d.path, realSystem);
    const state = d.output ? 'takes output now' : d.capture ? 'shows capture only: being written, or its format is kept' : 'announces neither output nor capture: stuck';
    add(d.output || d.capture, `${d.path} "${d.label}": v4l2loopback, ${state}${describeHolders(holders)}`, d.output || d.capture ? undefined : HOW_TO_UNSTICK);
    try {
      realSystem.close(realSystem.open(d.path, O_RDWR));
    } catch {
      add(false, `${d.path}: cannot be opened for writing`, HOW_TO_GET_PERMISSION);
    }
  }
  if (existsSync('/dev/v4l2loopback')) add(true, '/dev/v4l2loopback (control device): devices can be created at run time (as root)', undefined, false);
  else if (existsSync('/sys/module/v4l2loopback')) add(true, 'no /dev/v4l2loopback: creating devices at run time needs v4l2loopback 0.13+', undefined, false);
  try {
    ioctl(-1, 0, 0);
  } catch (error) {
    const code = (error as { code?: string }).code;
    add(code !== 'NO_IOCTL', code === 'NO_IOCTL' ? 'the native module ioctl-napi is not available' : 'the native module ioctl-napi loads',
      code === 'NO_IOCTL' ? (error as Error).message : undefined);
  }
  const ffmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  add(ffmpeg.status === 0, ffmpeg.status === 0 ? 'ffmpeg is installed (loopcam play video.mp4)' : 'ffmpeg is not installed: only needed to play video files',
    ffmpeg.status === 0 ? undefined : 'sudo apt install ffmpeg', false);
  if (pipewire) findings.push(...pipewireFindings(pipewire, loopbacks, exclusiveOn));
  return findings;
}

export function report(findings: Finding[]): string {
  return findings.map((f) => `${f.ok ? '✔' : f.blocking ? '✘' : '!'} ${f.what}${f.fix ? `\n    → ${f.fix}` : ''}`).join('\n');
}

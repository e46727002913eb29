/**
 * `loopcam doctor`'s PipeWire side: the daemon, libpipewire through koffi, a session manager (without
 * one a camera is published but never linked), xdg-desktop-portal's Camera interface (how Firefox and
 * Flatpak/Snap apps reach cameras), and — when v4l2loopback nodes and PipeWire are both here — why
 * PipeWire apps may not see the nodes.
 */
import { spawnSync } from 'node:child_process';
import type { DeviceInfo } from '../v4l2/devices.js';
import { pipewireSocket, pwDump } from '../pipewire/daemon.js';
import type { Finding } from './doctor.js';

export interface PipeWireState {
  /** The daemon's socket, when one runs for this user. */
  socket?: string;
  /** libpipewire's version when it loads, else why not. */
  library: { version: string } | { error: string };
  /** The session manager's name (WirePlumber, pipewire-media-session) when the daemon has one. */
  sessionManager?: string;
  /** xdg-desktop-portal: serving the Camera interface, running without it, not running, or unknown (no gdbus or bus). */
  portal: 'camera' | 'no-camera' | 'absent' | 'unknown';
}

/** Looks at this user's PipeWire and portal. */
export async function probePipeWire(env: NodeJS.ProcessEnv = process.env): Promise<PipeWireState> {
  const socket = pipewireSocket(env);
  let library: PipeWireState['library'];
  try {
    const { libpipewire } = await import('../pipewire/libpipewire.js');
    library = { version: libpipewire().version() };
  } catch (error) {
    library = { error: (error as Error).message };
  }
  const dump = socket ? pwDump(env) : undefined;
  const sessionManager = dump && 'objects' in dump
    ? dump.objects.map((o) => o.info?.props?.['application.name']).find((name): name is string => name === 'WirePlumber' || name === 'pipewire-media-session')
    : undefined;
  let portal: PipeWireState['portal'] = 'unknown';
  if (env.DBUS_SESSION_BUS_ADDRESS) {
    const introspect = spawnSync('gdbus', ['introspect', '--session', '--dest', 'org.freedesktop.portal.Desktop', '--object-path', '/org/freedesktop/portal/desktop'],
      { env, encoding: 'utf8', timeout: 10_000 });
    if (!introspect.error) portal = introspect.status !== 0 ? 'absent' : introspect.stdout.includes('interface org.freedesktop.portal.Camera') ? 'camera' : 'no-camera';
  }
  return { ...(socket ? { socket } : {}), library, ...(sessionManager ? { sessionManager } : {}), portal };
}

/** Whether a PipeWire camera can be published here: a daemon, the library, a session manager. */
export function pipewireUsable(state: PipeWireState): boolean {
  return state.socket !== undefined && 'version' in state.library && state.sessionManager !== undefined;
}

export const VISIBILITY_CAVEAT = 'PipeWire apps (Firefox through the portal, OBS 30+, GNOME Snapshot, Flatpak/Snap apps) may not list ' +
  'these v4l2loopback nodes: WirePlumber makes its camera nodes from udev when it starts, and a node with exclusive_caps=1 ' +
  'shows capture only once a writer runs, with no udev event after';
export const VISIBILITY_FIX = 'start loopcam first, then `systemctl --user restart wireplumber`; or publish a PipeWire camera ' +
  'instead (`--pipewire`), which exists exactly while loopcam streams';

export function pipewireFindings(state: PipeWireState, loopbacks: readonly DeviceInfo[], exclusiveCaps: boolean): Finding[] {
  const findings: Finding[] = [];
  const add = (ok: boolean, what: string, fix?: string) => findings.push({ ok, blocking: false, what, ...(fix ? { fix } : {}) });
  add(state.socket !== undefined, state.socket ? `PipeWire runs for this user (${state.socket})` : 'no PipeWire daemon runs for this user: PipeWire cameras (--pipewire) need one',
    state.socket ? undefined : 'install PipeWire (Debian/Ubuntu: `sudo apt install pipewire wireplumber`) and start it: `systemctl --user start pipewire wireplumber`');
  add('version' in state.library, 'version' in state.library ? `libpipewire ${state.library.version} loads (through koffi)` : 'libpipewire cannot be loaded',
    'error' in state.library ? state.library.error : undefined);
  if (state.socket) {
    add(state.sessionManager !== undefined, state.sessionManager ? `${state.sessionManager} manages the PipeWire graph` : 'no session manager is connected to PipeWire: a camera would be published but never linked to a reader',
      state.sessionManager ? undefined : '`systemctl --user start wireplumber`');
  }
  if (state.portal === 'camera') add(true, 'xdg-desktop-portal serves the Camera portal (how Firefox and Flatpak/Snap apps reach cameras)');
  else if (state.portal === 'no-camera') {
    add(false, 'xdg-desktop-portal runs without the Camera portal: it exports it only when a backend provides Access',
      'install your desktop\'s portal backend: xdg-desktop-portal-gnome, -kde or -gtk');
  } else if (state.portal === 'absent') {
    add(false, 'xdg-desktop-portal is not running: sandboxed apps and Firefox\'s PipeWire camera path cannot reach cameras',
      '`sudo apt install xdg-desktop-portal xdg-desktop-portal-gtk` (or your desktop\'s backend)');
  }
  if (state.socket && loopbacks.length > 0 && exclusiveCaps) add(false, VISIBILITY_CAVEAT, VISIBILITY_FIX);
  return findings;
}

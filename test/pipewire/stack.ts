/**
 * A private PipeWire stack for the tests, as a desktop session would have it but with nothing of the
 * machine's own: a fresh XDG_RUNTIME_DIR (mode 700, HOME and the XDG dirs inside it), a session D-Bus,
 * `pipewire`, `wireplumber` and — with `portal` — `xdg-desktop-portal` with a stand-in Access backend
 * (the Camera interface is exported only when some backend declares Access) and the camera permission
 * for host apps set in the permission store, so AccessCamera answers without a dialog.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Stack {
  /** The environment a client of this stack runs with. */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Runs a command against the stack (stdout as text; throws on failure). */
  run(cmd: string, args: string[]): string;
  stop(): Promise<void>;
}

const PORTAL = '/usr/libexec/xdg-desktop-portal';
const NEEDED = ['pipewire', 'wireplumber', 'dbus-daemon', 'pw-dump', 'gst-launch-1.0'];

/** Why a stack cannot start here, or undefined when it can. */
export function whyNoStack(portal = false): string | undefined {
  const missing = NEEDED.filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  if (portal && !existsSync(PORTAL)) missing.push(PORTAL);
  if (portal && spawnSync('/usr/bin/python3', ['-c', "import gi; gi.require_version('Gst', '1.0'); gi.require_version('Gio', '2.0')"], { stdio: 'ignore' }).status !== 0) {
    missing.push("Python's GObject bindings for Gio and GStreamer (python3-gi, gir1.2-gstreamer-1.0)");
  }
  if (portal && spawnSync('sh', ['-c', 'command -v gdbus']).status !== 0) missing.push('gdbus (libglib2.0-bin)');
  if (spawnSync('gst-inspect-1.0', ['pipewiresrc'], { stdio: 'ignore' }).status !== 0) missing.push('GStreamer pipewiresrc (gstreamer1.0-pipewire)');
  return missing.length ? `PipeWire cannot start here: missing ${missing.join(', ')} (bash test/pipewire/setup.sh installs them)` : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !ready(); await sleep(20)) if (Date.now() > end) throw new Error(`the PipeWire stack: ${what} did not come up within ${ms} ms`);
}

export async function startStack({ portal = false } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-pw-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env, XDG_RUNTIME_DIR: dir, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}`,
    PIPEWIRE_RUNTIME_DIR: dir, NO_COLOR: '1',
  };
  delete env.FORCE_COLOR;
  delete env.PIPEWIRE_REMOTE;
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const child = spawn(cmd, args, { env: { ...env, ...extra }, stdio: 'ignore', detached: true });
    children.push(child);
    return child;
  };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error ?? r.stderr}`);
    return r.stdout;
  };
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {}
        await Promise.race([new Promise((r) => child.once('exit', r)), sleep(2000)]);
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }
    }
    // The document portal (D-Bus-activated by xdg-desktop-portal) mounts a FUSE file system at doc/;
    // when it is killed the mount can linger, and a folder holding it cannot be removed.
    for (const umount of [['fusermount', '-u', '-z'], ['umount', '-l']]) spawnSync(umount[0]!, [...umount.slice(1), join(dir, 'doc')], { stdio: 'ignore' });
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      console.warn(`    (the PipeWire stack's folder ${dir} could not be removed: ${(error as Error).message})`);
    }
  };
  try {
    start('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=${env.DBUS_SESSION_BUS_ADDRESS}`]);
    await until(() => existsSync(join(dir, 'bus')), 5000, 'dbus-daemon');
    start('pipewire', []);
    await until(() => existsSync(join(dir, 'pipewire-0')), 5000, 'pipewire');
    start('wireplumber', []);
    // WirePlumber is up once it is a client of the daemon.
    await until(() => /"application.name": "WirePlumber"/.test(spawnSync('pw-dump', [], { env, encoding: 'utf8' }).stdout ?? ''), 10_000, 'wireplumber');
    if (portal) {
      const portals = join(dir, 'portals');
      mkdirSync(portals);
      // A backend that declares Access for every desktop: it never runs (the permission below answers first).
      writeFileSync(join(portals, 'loopcam-test.portal'), '[portal]\nDBusName=org.freedesktop.impl.portal.desktop.loopcamtest\nInterfaces=org.freedesktop.impl.portal.Access;\nUseIn=loopcam-test\n');
      start(PORTAL, [], { XDG_DESKTOP_PORTAL_DIR: portals, XDG_CURRENT_DESKTOP: 'loopcam-test' });
      // Up once it owns its name — asked without activating it: the bus would start a second portal, one
      // without the stand-in backend — and then exports the Camera interface.
      const owned = () => /true/.test(spawnSync('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
        '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.portal.Desktop'], { env, encoding: 'utf8' }).stdout ?? '');
      await until(owned, 10_000, 'xdg-desktop-portal');
      const introspect = () => spawnSync('gdbus', ['introspect', '--session', '--dest', 'org.freedesktop.portal.Desktop', '--object-path', '/org/freedesktop/portal/desktop'],
        { env, encoding: 'utf8' }).stdout ?? '';
      await until(() => introspect().includes('interface org.freedesktop.portal.Camera'), 10_000, 'xdg-desktop-portal\'s Camera interface');
      // Host apps (app id "") may use cameras: what a user's "allow" would store.
      run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.impl.portal.PermissionStore', '--object-path', '/org/freedesktop/impl/portal/PermissionStore',
        '--method', 'org.freedesktop.impl.portal.PermissionStore.SetPermission', 'devices', 'true', 'camera', '', "['yes']"]);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, dir, run, stop };
}

/**
 * One stack for a test file, started by the first test that asks: a failure to start fails each test
 * that needs it, loudly (an error in uvu's before() hook would end the file without a word).
 */
export function sharedStack(options: { portal?: boolean } = {}): { get(): Promise<Stack>; stop(): Promise<void> } {
  let starting: Promise<Stack> | undefined;
  return {
    get: () => (starting ??= startStack(options)),
    stop: async () => {
      const stack = await starting?.catch(() => undefined);
      await stack?.stop();
    },
  };
}

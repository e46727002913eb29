// OS errors on every file path end as a LoopcamError with its code, the path, the errno and a fix — in
// the API (on either thread) and in the CLI (one line, no stack trace, the documented exit status).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopcamError, Streamer } from '../src/index.js';
import { codeForErrno, fileError } from '../src/os-errors.js';
import { main } from '../src/cli/cli.js';
import { COMMANDS } from '../src/cli/commands.js';

const BIN = new URL('../src/cli/loopcam.cjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'loopcam-oserr-'));
const isRoot = process.getuid?.() === 0;
const hasFfprobe = spawnSync('ffprobe', ['-version']).status === 0;

function cli(args: string[], options: { user?: string } = {}) {
  const [cmd, argv] = options.user
    ? ['setpriv', ['--reuid', options.user, '--regid', options.user === 'nobody' ? 'nogroup' : options.user, '--clear-groups', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const r = spawnSync(cmd, argv, { timeout: 30_000 });
  return { status: r.status, stderr: r.stderr.toString(), stdout: r.stdout };
}

/** One line to stderr, no stack trace. */
function oneLine(stderr: string): void {
  assert.not.match(stderr, /^\s+at /m, `no stack trace:\n${stderr}`);
  assert.is(stderr.trim().split('\n').length, 1, `one line:\n${stderr}`);
}

test('each errno maps to its documented code', () => {
  const expected: Record<string, string> = {
    ENOENT: 'NOT_FOUND', ENOTDIR: 'NOT_FOUND', EACCES: 'PERMISSION', EPERM: 'PERMISSION', EROFS: 'PERMISSION',
    ENOSPC: 'NO_SPACE', EDQUOT: 'NO_SPACE', EFBIG: 'NO_SPACE', EISDIR: 'NOT_WRITABLE', EPIPE: 'PIPE_CLOSED', EIO: 'IO_ERROR', EXDEV: 'IO_ERROR',
  };
  for (const [errno, code] of Object.entries(expected)) assert.is(codeForErrno(errno), code, errno);
  const e = fileError('/x/out.y4m', 'cannot create /x/out.y4m', Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }), { writing: true });
  assert.instance(e, LoopcamError);
  assert.equal([e.code, e.errno], ['NOT_FOUND', 'ENOENT']);
  assert.match(e.message, /cannot create \/x\/out\.y4m \(ENOENT\): the folder for \/x\/out\.y4m does not exist: create it first/);
  const io = fileError('/proc/x', 'writing /proc/x failed', Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }), { writing: true });
  assert.equal([io.code, io.errno], ['IO_ERROR', 'EIO']);
  assert.match(io.message, /\(EIO: i\/o error, write\)/);
});

test('CLI: a recording into a missing folder is NOT_FOUND, one line, exit 1', () => {
  const r = cli(['pattern', '--frames', '3', '--size', '64x48', '--output', '/nonexistent/dir/a.y4m']);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot create \/nonexistent\/dir\/a\.y4m \(ENOENT\): the folder .* does not exist: create it first/);
  oneLine(r.stderr);
});

test('CLI: a recording onto a folder is NOT_WRITABLE (EISDIR), one line, exit 1', () => {
  const r = cli(['pattern', '--frames', '3', '--size', '64x48', '--output', dir]);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /\(EISDIR\): .* is a folder: name a file inside it/);
  oneLine(r.stderr);
});

test('CLI: a file the kernel refuses to take frames (/proc/version) is an OS error with its errno, one line', () => {
  const r = cli(['pattern', '--frames', '3', '--size', '64x48', '--output', '/proc/version']);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /writing \/proc\/version failed \(EIO: i\/o error, write\)/);
  oneLine(r.stderr);
});

test('CLI: a full disk (/dev/full) is NO_SPACE, one line, exit 1', () => {
  const r = cli(['pattern', '--frames', '3', '--size', '64x48', '--output', '/dev/full']);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /\/dev\/full failed \(ENOSPC\).*free some space/);
  oneLine(r.stderr);
});

(isRoot ? test : test.skip)(`CLI: an output this user may not write is PERMISSION (as nobody, via setpriv)${isRoot ? '' : ' — needs root to switch user'}`, () => {
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o755 }); // root's: nobody may not create files in it
  chmodSync(dir, 0o755);
  const r = cli(['pattern', '--frames', '3', '--size', '64x48', '--output', join(locked, 'a.y4m')], { user: 'nobody' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /\(EACCES\): choose a place you may write to/);
  oneLine(r.stderr);
});

test('CLI: stdout closed by its reader (| head -c) ends quietly with status 0', () => {
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" pattern --size 64x48 --output - | head -c 100000 > /dev/null`], { timeout: 30_000 });
  assert.is(r.status, 0, r.stderr.toString());
  assert.is(r.stderr.toString(), '');
});

test('CLI: a bug inside loopcam is reported as one (exit 1, not a usage error); --debug shows the stack', async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...parts: unknown[]) => void errors.push(parts.join(' '));
  COMMANDS.crash = { summary: 'test', usage: 'test', run: async () => (undefined as unknown as { x: number }).x };
  try {
    assert.is(await main(['crash']), 1);
    assert.match(errors.join('\n'), /internal error — a bug in loopcam, please report it: TypeError: Cannot read properties of undefined/);
    assert.not.match(errors.join('\n'), /^\s+at /m);
    errors.length = 0;
    assert.is(await main(['crash', '--debug']), 1);
    assert.match(errors.join('\n'), /^\s+at /m, 'the stack with --debug');
    errors.length = 0;
    // A usage mistake caught by the API (an odd width for 4:2:2) is still the user's: exit 2.
    assert.is(await main(['pattern', '--size', '63x48', '--frames', '1', '--output', join(dir, 'odd.y4m')]), 2);
    assert.match(errors.join('\n'), /width 63 is odd/);
  } finally {
    console.error = original;
    delete COMMANDS.crash;
  }
});

/** A small tmpfs mounted for one test (root only), unmounted after. */
function withTmpfs(kbytes: number, run: (at: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const at = mkdtempSync(join(tmpdir(), 'loopcam-full-'));
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kbytes}k`, 'tmpfs', at]);
    assert.is(mount.status, 0, `mount a tmpfs: ${mount.stderr}`);
    try {
      await run(at);
    } finally {
      spawnSync('umount', [at]);
      rmSync(at, { recursive: true, force: true });
    }
  };
}

const FRAME = 6 + 64 * 48 * 2; // "FRAME\n" and a 64×48 4:2:2 frame

(isRoot ? test : test.skip)(`CLI: a disk that fills up mid-recording leaves only whole frames and says how many${isRoot ? '' : ' — needs root to mount a tmpfs'}`, withTmpfs(64, (at) => {
  const file = join(at, 'rec.y4m');
  const r = cli(['pattern', '--size', '64x48', '--fps', '60', '--output', file]);
  assert.is(r.status, 1, r.stderr);
  oneLine(r.stderr);
  const kept = Number(/keeps the (\d+) whole frames/.exec(r.stderr)?.[1]);
  assert.ok(kept > 0, r.stderr);
  assert.match(r.stderr, /\(ENOSPC\)/);
  const data = readFileSync(file);
  const header = data.indexOf(0x0a) + 1;
  assert.is(data.length, header + kept * FRAME, 'the partial frame was cut off');
  if (hasFfprobe) {
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
    assert.is(Number(probe.stdout.toString().trim()), kept, `ffprobe reads ${kept} frames`);
  }
}));

(isRoot ? test : test.skip)(`API: a full disk while the output thread writes arrives as NO_SPACE with the frames kept${isRoot ? '' : ' — needs root to mount a tmpfs'}`, withTmpfs(1024, async (at) => {
  const path = join(at, 'api.y4m');
  const cam = new Streamer({ width: 64, height: 48, fps: 120, sink: { type: 'y4m', path } });
  const failed = new Promise<LoopcamError>((resolve) => cam.once('error', resolve));
  await cam.start();
  let thrown: unknown;
  for (let n = 0; n < 5000; n++) { // 1 MiB holds ≈ 170 frames: full after ≈ 1.4 s, long after the thread took over
    try {
      cam.drawPattern('moving', n, n);
      cam.commit();
    } catch (error) {
      thrown = error; // a failed stream rethrows its error to the producer
      break;
    }
    if (await Promise.race([cam.nextFrame().then(() => false), failed.then(() => true)])) break;
  }
  const error = await failed;
  await cam.stop();
  assert.ok(thrown === undefined || thrown === error, 'the producer sees the same error');
  assert.instance(error, LoopcamError);
  assert.equal([error.code, error.errno], ['NO_SPACE', 'ENOSPC']);
  assert.match(error.stack ?? '', /output-worker/, 'written (and failed) on the output thread');
  const kept = Number(/keeps the (\d+) whole frames/.exec(error.message)?.[1]);
  assert.ok(kept > 100, `${kept} frames`);
  const header = readFileSync(path).indexOf(0x0a) + 1;
  assert.is(statSync(path).size, header + kept * FRAME);
}));

test('a recording killed with SIGKILL holds whole frames and at most one partial one, which ffprobe skips', async () => {
  const file = join(dir, 'killed.y4m');
  const child = spawn(process.execPath, [BIN, 'pattern', '--size', '64x48', '--fps', '60', '--output', file], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGKILL');
  await once(child, 'close');
  const data = readFileSync(file);
  const header = data.indexOf(0x0a) + 1;
  const whole = Math.floor((data.length - header) / FRAME);
  assert.ok(whole >= 10, `${whole} frames recorded before the kill`);
  for (let i = 0; i < whole; i++) assert.is(data.toString('latin1', header + i * FRAME, header + i * FRAME + 6), 'FRAME\n', `frame ${i} starts where it should`);
  if (hasFfprobe) {
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
    assert.is(Number(probe.stdout.toString().trim()), whole, `ffprobe reads the ${whole} whole frames`);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();

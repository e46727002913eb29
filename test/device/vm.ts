/**
 * The device suite's view of its machine. It runs for real only inside the VM harness (test/vm), which
 * boots a kernel with v4l2loopback and sets LOOPCAM_VM_DRIVER; anywhere else its tests are reported as
 * skipped, with the reason and how to run them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The v4l2loopback version the harness built, e.g. "0.12.7"; undefined outside the VM. */
export const driver = process.env.LOOPCAM_VM_DRIVER;
export const SKIP_REASON = 'no v4l2loopback driver here (the device suite runs in the VM: npm run test:vm)';
export const legacy = driver !== undefined && driver.startsWith('0.12');

/** Reloads v4l2loopback with these module parameters and waits for its nodes. */
export function reload(params: string): string[] {
  execFileSync('loopcam-vm-module', ['reload', ...params.split(' ').filter(Boolean)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const devices = Number(/devices=(\d+)/.exec(params)?.[1] ?? 1);
  for (let i = 0; i < 100; i++) {
    const nodes = loopbackNodes();
    if (nodes.length >= devices) return nodes;
    execFileSync('sleep', ['0.05']);
  }
  throw new Error(`v4l2loopback ${params}: no /dev/video nodes appeared`);
}

/** /dev/videoN nodes whose driver (as v4l2-ctl, not loopcam, reports it) is v4l2loopback, in number order. */
export function loopbackNodes(): string[] {
  const dir = '/sys/class/video4linux';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^video\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((n) => `/dev/${n}`)
    .filter((path) => {
      try {
        return /Driver name\s*:\s*v4l2 loopback/.test(execFileSync('v4l2-ctl', ['-d', path, '--info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      } catch {
        return false;
      }
    });
}

/** A scratch directory removed by the returned function. */
export function scratch(): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-device-'));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

export interface Ran {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs a program to completion, collecting its output; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], timeoutMs = 60_000, env: Record<string, string | undefined> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    // uvu sets FORCE_COLOR for itself; children get plain output unless a test says otherwise.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(error) });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

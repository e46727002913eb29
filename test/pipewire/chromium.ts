/**
 * Headless Chromium against a test PipeWire stack, driven through the DevTools protocol over a pipe
 * (`--remote-debugging-pipe`: JSON messages ended by NUL on fds 3 and 4, so no WebSocket client is needed).
 * Chromium finds cameras the way it does on a desktop with `WebRtcPipeWireCamera`: through the Camera portal
 * on the stack's session bus.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Stack } from './stack.js';

const BINARIES = ['chromium', 'chromium-browser'];

export function chromiumBinary(): string | undefined {
  return BINARIES.find((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0);
}

export interface Browser {
  /** Evaluates `expression` in the page (an http://127.0.0.1 page: a secure context), awaiting a promise; returns its JSON value. */
  evaluate<T>(expression: string, timeoutMs?: number): Promise<T>;
  /** Chromium's stderr so far (why it failed, when it did). */
  log(): string;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export async function openChromium(stack: Stack): Promise<Browser> {
  const binary = chromiumBinary();
  if (!binary) throw new Error('no chromium here (bash test/pipewire/setup.sh installs it)');
  const server = await blankPage();
  const profile = mkdtempSync(join(tmpdir(), 'loopcam-chromium-'));
  const child = spawn(binary, [
    '--headless=new', '--no-sandbox', '--use-fake-ui-for-media-stream', '--enable-features=WebRtcPipeWireCamera',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run', '--disable-gpu',
    // No network but 127.0.0.1 here: without these Chromium keeps trying Google's hosts in the background.
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', 'about:blank',
  ], { env: stack.env, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const cdp = devtools(child);
  const close = async () => {
    cdp.dispose();
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      await new Promise((r) => child.once('exit', r));
    }
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const { targetId } = await cdp.send('Target.createTarget', { url: server.url });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async <T>(expression: string, timeoutMs = 20_000): Promise<T> => {
      const { result, exceptionDetails } = (await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId as string, timeoutMs)) as {
        result: { value: T }; exceptionDetails?: { exception?: { description?: string }; text: string };
      };
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    };
    // The target is created with the URL but loads it asynchronously; an evaluation that meets the
    // navigation loses its context and fails, which only means "not yet".
    const where = () => evaluate<string>(`location.href + ' ' + document.readyState`, 2_000).catch(() => 'navigating');
    for (let i = 0; (await where()) !== `${server.url} complete`; i++) {
      if (i > 200) throw new Error(`the page ${server.url} did not load`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return { evaluate, log: () => stderr, close };
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\nchromium said:\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
}

/** An empty page on 127.0.0.1 (a secure context, where getUserMedia exists). */
async function blankPage(): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>loopcam test</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

/** The DevTools protocol on fds 3 (to Chromium) and 4 (from it). */
function devtools(child: ChildProcess) {
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const waiting = new Map<number, { resolve(r: Record<string, unknown>): void; reject(e: Error): void }>();
  let pending = Buffer.alloc(0);
  let lastId = 0;
  const failAll = (why: string) => {
    for (const { reject } of waiting.values()) reject(new Error(why));
    waiting.clear();
  };
  output.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let end = pending.indexOf(0); end >= 0; end = pending.indexOf(0)) {
      const reply = JSON.parse(pending.subarray(0, end).toString('utf8')) as Reply;
      pending = pending.subarray(end + 1);
      const w = reply.id === undefined ? undefined : waiting.get(reply.id);
      if (!w) continue; // an event
      waiting.delete(reply.id!);
      if (reply.error) w.reject(new Error(reply.error.message));
      else w.resolve(reply.result ?? {});
    }
  });
  input.on('error', () => {});
  child.on('exit', (code, signal) => failAll(`chromium exited (${signal ?? `status ${code}`})`));
  return {
    send(method: string, params: Record<string, unknown>, sessionId?: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
      const id = ++lastId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`chromium did not answer ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (r) => (clearTimeout(timer), resolve(r)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
      });
    },
    dispose: () => failAll('closed'),
  };
}

/**
 * The main thread's side of the output thread: one worker for every Streamer of the process (a worker
 * costs ≈ 50 ms and some megabytes to start; one writes many cameras' frames), started when the first
 * stream asks for it. It keeps the process alive exactly while it holds streams.
 */
import { createRequire } from 'node:module';
import type { MessagePort, Worker, WorkerOptions } from 'node:worker_threads';
import { LoopcamError } from '../errors.js';
import { FAILED, I, MAIN, STOPPED, STOPPING, TICKING, type StreamBlock } from './block.js';
import { monotonic } from './pacer.js';
import { SCHEDULING, type Scheduling } from './realtime.js';
import { reviveError, type AddStream, type ThreadReport } from './thread-messages.js';

/** How long stop() waits for the thread to let go of a stream (a device write retries EAGAIN up to 1 s). */
const LET_GO_MS = 5000;

export class OutputThread {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  /** [0]: the doorbell; [1]: the thread's scheduling once known (see output-worker.ts). */
  readonly #bell = new Int32Array(new SharedArrayBuffer(8));
  readonly #failures = new Map<number, (error: Error) => void>();
  #nextId = 1;
  #dead: Error | undefined;

  constructor() {
    const { port1, port2 } = new (workerThreads().MessageChannel)();
    this.#port = port1;
    // From src/<folder>/, so the path holds in the CLI's bundle (build/src/cli/bundle.cjs) too.
    this.#worker = startWorker(new URL('../stream/output-worker.js', import.meta.url), {
      workerData: { bell: this.#bell.buffer, port: port2 },
      transferList: [port2],
      name: 'loopcam output',
    });
    port1.on('message', (m: ThreadReport) => {
      const onError = this.#failures.get(m.id);
      this.#forget(m.id);
      onError?.(reviveError(m.error));
    });
    const died = (cause: unknown) => {
      this.#dead = new LoopcamError('OUTPUT_THREAD', `loopcam's output thread stopped (${cause instanceof Error ? cause.message : String(cause)}): this is a bug in loopcam, please report it`,
        { cause });
      if (thread === this) thread = undefined;
      for (const [id, onError] of this.#failures) {
        this.#forget(id);
        onError(this.#dead);
      }
    };
    this.#worker.on('error', died);
    this.#worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    this.#unref();
  }

  /** Hands a stream to the thread, which takes its clock over when ready. */
  add(stream: Omit<AddStream, 'id'>, onError: (error: Error) => void): number {
    if (this.#dead) throw this.#dead;
    const id = this.#nextId++;
    this.#failures.set(id, onError);
    this.#worker.ref();
    this.#port.ref();
    this.#port.postMessage({ ...stream, id } satisfies AddStream);
    this.ring();
    return id;
  }

  /** How the thread is scheduled, once it has started. */
  get scheduling(): Scheduling | undefined {
    return SCHEDULING[Atomics.load(this.#bell, 1) - 1];
  }

  /** Wakes the thread: a stream was added or asked to stop. */
  ring(): void {
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }

  /** Asks the thread to let go of a stream; resolves once it writes no more (and can have its fd closed). */
  async remove(id: number, block: StreamBlock): Promise<void> {
    if (!this.#failures.has(id)) return;
    // Still counted (so the worker keeps the process alive) until the thread has let go.
    this.#failures.set(id, () => {});
    try {
      const { ints } = block;
      if (Atomics.compareExchange(ints, I.STATE, 0, STOPPING) !== 0) return; // failed already
      this.ring();
      // Claims the clock for good if the thread has not taken it: then it never writes, nothing to wait for.
      if (Atomics.compareExchange(ints, I.OWNER, MAIN, TICKING) === MAIN || this.#dead) return;
      const deadline = monotonic() + LET_GO_MS;
      for (let state = Atomics.load(ints, I.STATE); state !== STOPPED && state !== FAILED; state = Atomics.load(ints, I.STATE)) {
        const left = deadline - monotonic();
        if (left <= 0) throw new LoopcamError('OUTPUT_THREAD', `loopcam's output thread did not let go of a stream within ${LET_GO_MS / 1000} s (a write is stuck)`);
        const wait = Atomics.waitAsync(ints, I.STATE, state, left);
        if (wait.async) await wait.value;
      }
    } finally {
      this.#forget(id);
    }
  }

  #forget(id: number): void {
    this.#failures.delete(id);
    if (this.#failures.size === 0) this.#unref();
  }

  #unref(): void {
    this.#worker.unref();
    this.#port.unref();
  }
}

let thread: OutputThread | undefined;

// Loaded with the first thread: a run that never starts one (a single frame to stdout) skips ≈ 2 ms.
const workerThreads = () => createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/** The process's output thread, started on first use. */
export function outputThread(): OutputThread {
  return (thread ??= new OutputThread());
}

/** How the output thread is scheduled: undefined until it has started (or if none runs). */
export function outputThreadScheduling(): Scheduling | undefined {
  return thread?.scheduling;
}

/**
 * A worker with the process's node options, except those about the main script. Left alone, a worker
 * inherits them all and skips the process-wide ones (--expose-gc); given explicitly, node refuses
 * process-wide ones — so they are given only when some must go, without any node names as invalid.
 */
function startWorker(url: URL, options: WorkerOptions): Worker {
  let execArgv = workerExecArgv(process.execArgv);
  const { Worker } = workerThreads();
  if (execArgv.length === process.execArgv.length) return new Worker(url, options);
  for (;;) {
    try {
      return new Worker(url, { ...options, execArgv });
    } catch (error) {
      const invalid = (error as { code?: string }).code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? /flags: (.*)$/.exec((error as Error).message)?.[1]?.split(', ') : undefined;
      const kept = invalid ? execArgv.filter((arg) => !invalid.includes(arg)) : execArgv;
      if (kept.length === execArgv.length) throw error;
      execArgv = kept;
    }
  }
}

/**
 * The node options the output thread inherits: all but those about the main script's source (`node
 * --input-type=module -e …` would otherwise stop the worker from loading its own file).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^--input-type(=|$)/.test(arg)) {
      if (arg === '--input-type') i++;
    } else if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
      i++; // and its code
    } else if (!/^--(eval|print)=/.test(arg)) kept.push(arg);
  }
  return kept;
}

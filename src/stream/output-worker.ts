/**
 * The output thread: runs the clock of every stream handed to it and writes each stream's latest frame
 * at its deadlines, however busy the main thread is. It sleeps in Atomics.wait until the next deadline
 * or the doorbell (rung when a stream is handed over or asked to stop) and takes its messages
 * synchronously, so no event-loop turn stands between a deadline and its write.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { WasmMemory } from '../convert/wasm-module.js';
import { F, FAILED, I, MAIN, STOPPED, STOPPING, StreamBlock, THREAD } from './block.js';
import { monotonic, Pacer } from './pacer.js';
import { SCHEDULING, tryRealtime } from './realtime.js';
import { Ticker, type FrameWriter, type TickerFrames } from './ticker.js';
import { serialiseError, type AddStream, type ThreadReport } from './thread-messages.js';

const { bell: bellBuffer, port } = workerData as { bell: SharedArrayBuffer; port: MessagePort };
/** [0]: the doorbell; [1]: how this thread is scheduled (1 + index in SCHEDULING), for the main thread to read. */
const bell = new Int32Array(bellBuffer);
Atomics.store(bell, 1, 1 + SCHEDULING.indexOf(tryRealtime()));
/** The main thread's clock: CLOCK_MONOTONIC, the same in every thread. */
const clock = monotonic;

interface Stream {
  readonly id: number;
  readonly block: StreamBlock;
  readonly fps: number;
  readonly writer: FrameWriter;
  readonly frames: TickerFrames;
  ticker?: Ticker;
}

const streams = new Map<number, Stream>();

/**
 * A full collection of this thread's heap. A stream's WebAssembly memory is freed only when no thread
 * holds it any more, and this thread allocates so little that its collector would otherwise not run for
 * hours: every stopped stream's frames would stay in memory. So after letting go of a stream, it collects.
 * Node has no call for it but V8's gc extension, enabled for a context made here.
 */
const collect: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function report(message: ThreadReport): void {
  port.postMessage(message);
}

/**
 * When a stream was let go and not yet collected (0: none). A collection takes ≈ 10 ms here, so it waits
 * for a quiet moment — no deadline within COLLECT_WINDOW_MS — or, with cameras so many that none comes,
 * runs after COLLECT_LATEST_MS anyway (then one write may be late).
 */
let releasedAt = 0;
const COLLECT_WINDOW_MS = 15;
const COLLECT_LATEST_MS = 10_000;

function fail(stream: Stream, error: unknown): void {
  streams.delete(stream.id);
  releasedAt ||= clock();
  Atomics.store(stream.block.ints, I.STATE, FAILED);
  Atomics.notify(stream.block.ints, I.STATE);
  report({ id: stream.id, error: serialiseError(error) });
}

/** Makes the stream's writer and views; the loop then takes the clock over. */
async function add(m: AddStream): Promise<void> {
  const block = new StreamBlock(m.block);
  try {
    const { threadWriter } = (await import(m.plan.module)) as { threadWriter: (data: unknown) => FrameWriter };
    const writer = threadWriter(m.plan.data);
    const memory = new WasmMemory(m.memory);
    const slots = m.slots.map((at) => memory.view(at, m.frameBytes));
    const placeholder = m.placeholderAt ? memory.view(m.placeholderAt, m.frameBytes) : undefined;
    streams.set(m.id, { id: m.id, block, fps: m.fps, writer, frames: { slots, placeholder, idleMs: m.idleMs } });
  } catch (error) {
    fail({ id: m.id, block } as Stream, error);
  }
}

for (;;) {
  const rung = Atomics.load(bell, 0);
  const adding: Promise<void>[] = [];
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) adding.push(add(m.message as AddStream));
  if (adding.length) await Promise.all(adding);
  let sleepMs = Infinity;
  for (const stream of streams.values()) {
    const { ints, nums } = stream.block;
    if (Atomics.load(ints, I.STATE) === STOPPING) {
      streams.delete(stream.id);
      Atomics.store(ints, I.STATE, STOPPED);
      Atomics.notify(ints, I.STATE);
      releasedAt ||= clock();
      continue;
    }
    if (Atomics.load(ints, I.OWNER) !== THREAD && Atomics.compareExchange(ints, I.OWNER, MAIN, THREAD) !== MAIN) {
      sleepMs = Math.min(sleepMs, 1); // the main thread is in a tick (or stopping): try again shortly
      continue;
    }
    stream.ticker ??= new Ticker(stream.block, new Pacer(stream.fps, nums[F.START]!, ints[I.NEXT]!), stream.writer, stream.frames, clock,
      (error) => fail(stream, error));
    try {
      sleepMs = Math.min(sleepMs, stream.ticker.tick());
    } catch (error) {
      fail(stream, error);
    }
  }
  if (releasedAt && (sleepMs >= COLLECT_WINDOW_MS || clock() - releasedAt > COLLECT_LATEST_MS)) {
    releasedAt = 0;
    collect();
    continue; // the collection took time: look at the deadlines again
  }
  Atomics.wait(bell, 0, rung, sleepMs);
}

// The Streamer with an injected clock and timers: pacing, latest-frame semantics, idle policy and
// errors, with no timing-dependent assertions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoopcamError } from '../src/index.js';
import type { Sink } from '../src/stream/sinks.js';
import { Streamer, type StreamerOptions } from '../src/stream/streamer.js';

class FakeTime {
  now = 0;
  #queue: { at: number; fn: () => void; id: number }[] = [];
  #id = 0;
  /** How late each timer fires (ms). */
  delay = 0;
  readonly timers = {
    setTimeout: (fn: () => void, ms: number) => {
      const id = ++this.#id;
      this.#queue.push({ at: this.now + ms + this.delay, fn, id });
      return id;
    },
    clearTimeout: (id: unknown) => {
      this.#queue = this.#queue.filter((t) => t.id !== id);
    },
  };
  readonly clock = () => this.now;
  /** Runs timers due within the next `ms`, in order, moving the clock to each. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.#queue.sort((a, b) => a.at - b.at);
      const next = this.#queue[0];
      if (!next || next.at > end) break;
      this.#queue.shift();
      this.now = Math.max(this.now, next.at);
      next.fn();
    }
    this.now = end;
  }
}

class RecordingSink implements Sink {
  readonly name = 'recording';
  /** First byte (Y of the first pixel) of each frame written. */
  readonly firstBytes: number[] = [];
  closed = false;
  failAfter = Infinity;
  write(frame: Uint8Array): void {
    if (this.firstBytes.length >= this.failAfter) throw new LoopcamError('DEVICE_GONE', 'simulated: device went away');
    this.firstBytes.push(frame[0]!);
  }
  close(): void {
    this.closed = true;
  }
}

function setup(extra: Partial<StreamerOptions> = {}) {
  const time = new FakeTime();
  const sink = new RecordingSink();
  const cam = new Streamer({ width: 32, height: 8, fps: 10, input: 'gray', format: 'gray', range: 'full', sink, clock: time.clock, timers: time.timers, ...extra });
  return { time, sink, cam };
}

const paint = (cam: Streamer, value: number) => {
  cam.frame.fill(value);
  cam.commit();
};

test('placeholder until the first frame, then the latest committed frame at every deadline', async () => {
  const { time, sink, cam } = setup({ placeholder: [255, 255, 255] });
  await cam.start();
  assert.equal(sink.firstBytes, [255], 'first tick at start: the placeholder');
  time.advance(250); // deadlines 100, 200
  paint(cam, 10);
  paint(cam, 20); // replaces 10 before any tick: only the latest is written
  time.advance(100); // 300
  time.advance(100); // 400: nothing new, repeat
  assert.equal(sink.firstBytes, [255, 255, 255, 20, 20]);
  const s = cam.stats;
  assert.equal([s.framesOut, s.framesIn, s.repeated, s.dropped, s.late], [5, 2, 1, 0, 0]);
  await cam.stop();
});

test('absolute deadlines: timers firing late add lateness, not drift; a stall drops deadlines without a burst', async () => {
  const { time, sink, cam } = setup();
  time.delay = 1.5;
  await cam.start();
  time.advance(1002);
  assert.is(sink.firstBytes.length, 11, 'deadlines 0..1000 ms at 10 fps, each served 1.5 ms late');
  let s = cam.stats;
  assert.is(s.late, 0);
  assert.ok(s.latenessP99Ms <= 1.5 && s.driftMs <= 1.5, JSON.stringify(s));
  // A stall: the clock jumps 350 ms with no timer running (e.g. a blocked event loop).
  time.delay = 0;
  time.now += 350;
  time.advance(0);
  s = cam.stats;
  assert.is(sink.firstBytes.length, 12, 'one write for the stall, not four');
  assert.is(s.dropped, 2, 'deadlines 1100 and 1200 missed; 1300 served at 1352');
  assert.is(s.late, 1);
  time.advance(100);
  assert.is(cam.stats.dropped, 2, 'back on the grid');
  await cam.stop();
});

test("idle: 'placeholder' shows the placeholder once no frame came for idleMs", async () => {
  const { time, sink, cam } = setup({ idle: 'placeholder', idleMs: 300, placeholder: [255, 255, 255] });
  await cam.start();
  paint(cam, 50);
  time.advance(300);
  time.advance(200);
  assert.equal(sink.firstBytes, [255, 50, 50, 50, 255, 255]);
  paint(cam, 60);
  time.advance(100);
  assert.equal(sink.firstBytes.at(-1), 60);
  await cam.stop();
});

test('nextFrame resolves at the next tick; send copies a frame in', async () => {
  const { time, sink, cam } = setup();
  await cam.start();
  let ticked = false;
  const next = cam.nextFrame().then(() => (ticked = true));
  await Promise.resolve();
  assert.not.ok(ticked);
  cam.send(new Uint8Array(32 * 8).fill(77));
  time.advance(100);
  await next;
  assert.ok(ticked);
  assert.is(sink.firstBytes.at(-1), 77);
  await cam.stop();
});

test('stop closes the sink, emits close; later use is DISPOSED', async () => {
  const { sink, cam } = setup();
  let closed = false;
  cam.on('close', () => (closed = true));
  await cam.start();
  await cam.stop();
  await cam.stop();
  assert.ok(sink.closed && closed);
  assert.throws(() => cam.commit(), (e: LoopcamError) => e.code === 'DISPOSED');
});

test('a failing sink stops the stream and reports the error', async () => {
  const { time, sink, cam } = setup();
  sink.failAfter = 3;
  const errors: unknown[] = [];
  cam.on('error', (e) => errors.push(e));
  await cam.start();
  time.advance(1000);
  await new Promise((r) => setImmediate(r));
  assert.is(errors.length, 1);
  assert.is((errors[0] as LoopcamError).code, 'DEVICE_GONE');
  assert.ok(sink.closed);
  assert.throws(() => cam.commit(), (e: LoopcamError) => e.code === 'DEVICE_GONE');
});

test('an AbortSignal stops it', async () => {
  const controller = new AbortController();
  const { sink, cam } = setup({ signal: controller.signal });
  await cam.start();
  controller.abort();
  await new Promise((r) => setImmediate(r));
  assert.ok(sink.closed);
});

test('bad options', () => {
  assert.throws(() => new Streamer({ width: 32, height: 8, fps: 0 }), RangeError);
  assert.throws(() => new Streamer({ width: 32, height: 8, idle: 'blank' as never }), RangeError);
  assert.throws(() => new Streamer({ width: 32, height: 8, placeholder: [0, 0] as never }), RangeError);
  assert.throws(() => new Streamer({ width: 31, height: 8, format: 'yuyv' }), RangeError);
  assert.throws(() => new Streamer(null as never), TypeError);
});

test.run();

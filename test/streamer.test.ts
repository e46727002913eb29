// The Streamer with an injected clock and timers: pacing, latest-frame semantics, idle policy and
// errors, with no timing-dependent assertions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { blockSize } from '../src/formats.js';
import { Converter } from '../src/convert/converter.js';
import { LoopcamError } from '../src/index.js';
import { placeholderFrame } from '../src/stream/placeholder.js';
import { rawFrames } from '../src/sources/frames.js';
import { patternSource } from '../src/sources/pattern.js';
import type { Source } from '../src/sources/source.js';
import type { Sink } from '../src/stream/sinks.js';
import { Streamer, type StreamerOptions } from '../src/stream/streamer.js';
import { FakeTime, LAYOUT_NAMES, sameBytes } from './helpers.js';

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


/** Lets promise chains (a source awaiting ticks) run between timer steps. */
const settle = () => new Promise((r) => setImmediate(r));
/** Advances `ticks` output periods of 100 ms, letting the source run after each. */
async function run(time: FakeTime, ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    time.advance(100);
    await settle();
  }
}

test('a frame committed before start() is the first frame out (no placeholder)', async () => {
  const { sink, cam } = setup({ placeholder: [255, 255, 255] });
  paint(cam, 42);
  await cam.start();
  assert.equal(sink.firstBytes, [42]);
  await cam.stop();
});

test('play(): a paced stream source gives one frame per tick, in order, the first at start; then stops (end: stop)', async () => {
  const { time, sink, cam } = setup({ placeholder: [255, 255, 255] });
  const stream = new PassThrough();
  for (const v of [10, 20, 30, 40]) stream.write(Buffer.alloc(32 * 8, v));
  stream.end();
  let ended = false;
  const playing = cam.play(rawFrames(stream, { paced: true }), { end: 'stop' }).then(() => (ended = true));
  await settle();
  assert.equal(sink.firstBytes, [10], 'started with the first frame, not the placeholder');
  await run(time, 3);
  assert.equal(sink.firstBytes, [10, 20, 30, 40]);
  await run(time, 1);
  await playing;
  assert.ok(ended && sink.closed, 'stopped after the last frame reached the sink');
  assert.is(cam.stats.repeated, 0);
});

test("play() with end: 'hold' keeps showing the last frame after the content ends", async () => {
  const { time, sink, cam } = setup();
  const stream = new PassThrough();
  stream.end(Buffer.concat([Buffer.alloc(32 * 8, 7), Buffer.alloc(32 * 8, 9)]));
  let ended = false;
  const playing = cam.play(rawFrames(stream, { paced: true }), { end: 'hold' }).then(() => (ended = true));
  await settle();
  await run(time, 20);
  await playing;
  assert.ok(ended, 'play() resolved at the end of the content');
  assert.not.ok(sink.closed);
  assert.ok(sink.firstBytes.length >= 20);
  assert.equal(sink.firstBytes.slice(0, 2), [7, 9]);
  assert.ok(sink.firstBytes.slice(1).every((b) => b === 9), 'the last frame repeats');
  await cam.stop();
});

test('play(): an unpaced (live) source shows the newest frame when it runs ahead of the output', async () => {
  const { time, sink, cam } = setup();
  const stream = new PassThrough();
  const playing = cam.play(rawFrames(stream), { end: 'hold' });
  stream.write(Buffer.alloc(32 * 8, 1));
  await settle();
  assert.equal(sink.firstBytes, [1]);
  // Three frames arrive within one period, the last split across two writes.
  stream.write(Buffer.alloc(32 * 8, 2));
  stream.write(Buffer.alloc(32 * 8, 3));
  stream.write(Buffer.alloc(100, 4));
  await settle();
  await run(time, 1);
  assert.equal(sink.firstBytes, [1, 3], 'a partial frame never shows');
  stream.write(Buffer.alloc(32 * 8 - 100, 4));
  await settle();
  await run(time, 1);
  assert.equal(sink.firstBytes, [1, 3, 4]);
  stream.end();
  await playing;
  await cam.stop();
});

test('play(): a stream that ends inside a frame is PARTIAL_FRAME', async () => {
  const { cam } = setup();
  const stream = new PassThrough();
  stream.end(Buffer.alloc(32 * 8 + 5));
  try {
    await cam.play(rawFrames(stream, { name: 'stdin' }));
    assert.unreachable('should fail');
  } catch (error) {
    assert.is((error as LoopcamError).code, 'PARTIAL_FRAME');
    assert.match((error as Error).message, /stdin ended inside a frame: 5 of 256 bytes/);
  }
  await cam.stop();
});

test('play(): onFrame modifies each frame in place before it is converted', async () => {
  const { time, sink, cam } = setup();
  const stream = new PassThrough();
  stream.end(Buffer.concat([Buffer.alloc(32 * 8, 10), Buffer.alloc(32 * 8, 20)]));
  const playing = cam.play(rawFrames(stream, { paced: true }), { end: 'stop', onFrame: (f) => f.fill(f[0]! + 1) });
  await settle();
  await run(time, 2);
  await playing;
  assert.equal(sink.firstBytes, [11, 21]);
});

test('play(pattern): what goes out is drawPattern then convert, for still and moving patterns; `frame` is left as it was, unless an onFrame hook looks at it', async () => {
  const reference = new Converter({ width: 32, height: 8, format: 'yuyv' });
  const drawn = (pattern: 'bars' | 'moving', n = 0, millis = 0) => {
    reference.drawPattern(pattern, n, millis);
    return Uint8Array.from(reference.convert());
  };
  for (const hook of [false, true]) {
    for (const pattern of ['bars', 'moving'] as const) {
      const time = new FakeTime();
      const out: Uint8Array[] = [];
      const sink: Sink = { name: 'copies', write: (f) => void out.push(Uint8Array.from(f)), close() {} };
      const cam = new Streamer({ width: 32, height: 8, fps: 10, input: 'rgba', format: 'yuyv', sink, clock: time.clock, timers: time.timers });
      cam.frame.fill(7);
      const seen: Uint8Array[] = [];
      const playing = cam.play(patternSource(pattern), { end: 'hold', onFrame: hook ? (f) => void seen.push(Uint8Array.from(f)) : undefined });
      await settle();
      await run(time, 2);
      const what = `${pattern}${hook ? ' with onFrame' : ''}`;
      const untouched = cam.frame.every((b) => b === 7);
      await cam.stop();
      await playing;
      assert.ok(out.length >= 2, `${what}: ${out.length} frames out`);
      // The moving pattern numbers its frames from 0 and stamps the time since the play began (100 ms a tick).
      out.forEach((frame, i) => sameBytes(frame, pattern === 'bars' ? drawn('bars') : drawn('moving', i, i * 100), `${what}: frame ${i}`));
      if (hook) {
        assert.ok(seen.length >= (pattern === 'bars' ? 1 : 2), `${what}: onFrame saw ${seen.length} frames (a still pattern is drawn once)`);
        assert.equal([...seen[0]!.subarray(0, 4)], [255, 255, 255, 255], `${what}: onFrame saw the pattern (a white bar first)`);
      } else {
        assert.ok(untouched, `${what}: frame was drawn into`);
      }
    }
  }
  reference.dispose();
});

test('play(): pattern frames between frames of other content, another input and a dropped frame: every frame out is exact (a slot redraws only the moving rows when it holds the same pattern)', async () => {
  // 64×96: the digits' band is rows 0–8 and the box rows 78–89; rows 16–63 never move.
  const [width, height] = [64, 96];
  for (const format of ['yuyv', 'i420'] as const) {
    const rgba = new Converter({ width, height, format });
    const bgra = new Converter({ width, height, format, input: 'bgra' });
    const moving = (n: number) => {
      rgba.drawPattern('moving', n, n * 10);
      return Uint8Array.from(rgba.convert());
    };
    const still = (converter: Converter, pixel: number[]) => {
      for (let i = 0; i < converter.input.length; i += 4) converter.input.set(pixel, i);
      return Uint8Array.from(converter.convert());
    };
    rgba.drawPattern('bars');
    const bars = Uint8Array.from(rgba.convert());
    type Step = (t: Parameters<Source['play']>[0]) => Uint8Array;
    const pattern = (n: number): Step => (t) => (t.showPattern('moving', n, n * 10), moving(n));
    const fill = (input: 'rgba' | 'bgra', pixel: number[]): Step => (t) => {
      t.useInput(input);
      for (let i = 0; i < t.frame.length; i += 4) t.frame.set(pixel, i);
      t.commit();
      t.useInput('rgba');
      return still(input === 'rgba' ? rgba : bgra, pixel);
    };
    // One tick each; the last step of a tick is what goes out (the first of tick 2 is dropped). With one
    // frame a tick, the producer gets a slot back three ticks after it wrote it: the moving frames of ticks
    // 6, 10 and 12 go over the rgba frame of tick 3, the bgra frame of tick 7 and the bars of tick 9.
    const ticks: Step[][] = [
      [pattern(0)], [pattern(1)], [pattern(2), pattern(3)], [fill('rgba', [200, 30, 90, 255])], [pattern(4)], [pattern(5)],
      [pattern(6)], [fill('bgra', [10, 128, 240, 255])], [pattern(7)], [(t) => (t.showPattern('bars'), bars)], [pattern(8)],
      [pattern(9)], [pattern(10)], [pattern(11)],
    ];
    const expected: Uint8Array[] = [];
    const source: Source = {
      name: 'mixed', live: true,
      async play(target) {
        target.useInput('rgba');
        for (const steps of ticks) {
          let last: Uint8Array | undefined;
          for (const step of steps) last = step(target);
          expected.push(last!);
          await target.nextFrame();
        }
      },
    };
    const time = new FakeTime();
    const out: Uint8Array[] = [];
    const sink: Sink = { name: 'copies', write: (f) => void out.push(Uint8Array.from(f)), close() {} };
    const cam = new Streamer({ width, height, fps: 10, input: 'rgba', format, sink, clock: time.clock, timers: time.timers });
    const playing = cam.play(source, { end: 'stop' });
    await settle();
    await run(time, ticks.length + 2);
    await playing;
    assert.is(expected.length, ticks.length, `${format}: the source ran every tick`);
    assert.is(out.length, ticks.length, `${format}: one frame out a tick`);
    out.forEach((frame, i) => sameBytes(frame, expected[i]!, `${format}: tick ${i}`));
    rgba.dispose();
    bgra.dispose();
  }
});

test('play(): stop() ends the play and the source; a second play replaces the first', async () => {
  const { time, sink, cam } = setup({ width: 32, height: 8, input: 'rgba', format: 'yuyv' });
  const slow = new PassThrough();
  let firstDone = false;
  const first = cam.play(rawFrames(slow, { input: 'gray' }), { end: 'hold' }).then(() => (firstDone = true));
  slow.write(Buffer.alloc(32 * 8, 235));
  await settle();
  assert.is(sink.firstBytes.at(-1), 235, 'full-range Y of gray 235 is 235');
  const second = cam.play(patternSource('bars'), { end: 'hold' });
  await first;
  assert.ok(firstDone && slow.destroyed, 'the first play ended and its stream was released');
  await run(time, 2);
  await cam.stop();
  await second;
  assert.ok(sink.closed);
});

test('play(): a source that fails before any frame starts nothing (no placeholder is written)', async () => {
  const { sink, cam } = setup();
  const refusing: Source = { name: 'refusing', live: true, play: async () => { throw new RangeError('refused'); } };
  try {
    await cam.play(refusing, { end: 'hold' });
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, RangeError);
  }
  assert.equal(sink.firstBytes, [], 'nothing written');
  await cam.stop();
  assert.ok(sink.closed);
});

test('play(): a source that fails rejects play(); the stream keeps running', async () => {
  const { time, sink, cam } = setup();
  const failing: Source = {
    name: 'broken', live: false,
    async play(target) {
      target.frame.fill(5);
      target.commit();
      throw new LoopcamError('BAD_IMAGE', 'broken source');
    },
  };
  try {
    await cam.play(failing);
    assert.unreachable('should fail');
  } catch (error) {
    assert.is((error as LoopcamError).code, 'BAD_IMAGE');
  }
  await run(time, 2);
  assert.not.ok(sink.closed);
  assert.equal(sink.firstBytes.slice(0, 3), [5, 5, 5]);
  await cam.stop();
});

test('play(): a play that fails to start leaves no source running', async () => {
  let calls = 0;
  // The clock fails when start() reads it (after the source's first commit read it once).
  const clock = () => {
    if (++calls > 1) throw new Error('clock failed');
    return 0;
  };
  const cam = new Streamer({ width: 32, height: 8, fps: 10, input: 'gray', format: 'gray', sink: new RecordingSink(), clock });
  let stopped: AbortSignal | undefined;
  const source: Source = {
    name: 'endless', live: true,
    async play(target, signal) {
      stopped = signal;
      target.commit();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  };
  try {
    await cam.play(source);
    assert.unreachable('should fail');
  } catch (error) {
    assert.match((error as Error).message, /clock failed/);
  }
  assert.ok(stopped?.aborted, 'the source was told to stop');
  await cam.stop();
});

test('the placeholder equals the conversion of a frame of its colour, every layout', () => {
  for (const format of LAYOUT_NAMES) {
    for (const [w, h] of [[34, 6], [17, 3], [2, 2]] as const) {
      if (w % blockSize(format)[0] || h % blockSize(format)[1]) continue;
      for (const range of ['limited', 'full'] as const) {
        // i422 is what a yuyv recording writes.
        const c = new Converter({ width: w, height: h, format: format === 'i422' ? 'yuyv' : format, range, engine: 'js' }, undefined, format);
        for (let i = 0; i < c.input.length; i += 4) c.input.set([10, 200, 90, 255], i);
        assert.equal([...placeholderFrame(format, w, h, [10, 200, 90], 'bt601', range)], [...c.convert()], `${format} ${w}×${h} ${range}`);
      }
    }
  }
});

test('bad options', async () => {
  assert.throws(() => new Streamer({ width: 32, height: 8, fps: 0 }), RangeError);
  assert.throws(() => new Streamer({ width: 32, height: 8, idle: 'blank' as never }), RangeError);
  assert.throws(() => new Streamer({ width: 32, height: 8, placeholder: [0, 0] as never }), RangeError);
  assert.throws(() => new Streamer({ width: 31, height: 8, format: 'yuyv' }), RangeError);
  assert.throws(() => new Streamer(null as never), TypeError);
  const cam = new Streamer({ width: 32, height: 8, sink: { type: 'null' } });
  const rejects = async (what: string, call: () => Promise<unknown>, type: new (...args: never[]) => Error) => {
    try {
      await call();
      assert.unreachable(what);
    } catch (error) {
      assert.instance(error, type, what);
    }
  };
  await rejects('not a source', () => cam.play({} as never), TypeError);
  await rejects('end', () => cam.play(patternSource('bars'), { end: 'pause' as never }), RangeError);
  await rejects('startWaitMs', () => cam.play(patternSource('bars'), { startWaitMs: -5 }), RangeError);
  await rejects('onFrame', () => cam.play(patternSource('bars'), { onFrame: 3 as never }), TypeError);
  await cam.stop();
});

test.run();

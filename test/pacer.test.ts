// Pacing with an injected clock: no timing-dependent assertions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Pacer } from '../src/stream/pacer.js';
import { RING_SIZE, StreamBlock } from '../src/stream/block.js';

test('deadlines are absolute: start + n / fps, whatever the work took', () => {
  const p = new Pacer(30, 1000);
  assert.equal(p.wake(1000), { write: true, index: 0, deadline: 1000, latenessMs: 0, skipped: 0 });
  // Work took 20 ms: the next deadline is still 1033.3, not 1020 + 33.3.
  const early = p.wake(1020);
  assert.ok(!early.write && Math.abs(early.sleepMs - 13.333) < 0.01);
  const w = p.wake(1034);
  assert.ok(w.write && w.index === 1 && Math.abs(w.latenessMs - 0.667) < 0.01);
  assert.is(p.deadline(300), 1000 + 300 * (1000 / 30));
});

test('a long run never drifts: deadline 1,000,000 at 30 fps is exactly 1,000,000 / 30 s after start', () => {
  const p = new Pacer(30, 0);
  let now = 0;
  for (let i = 0; i < 100_000; i++) {
    const w = p.wake(now);
    if (w.write) now += 0.5; // work
    else now += w.sleepMs + 0.25; // timers fire a little late
  }
  const last = p.wake(now);
  const index = last.write ? last.index : -1;
  assert.ok(index < 0 || Math.abs(p.deadline(index) - (index * 1000) / 30) < 1e-6);
});

test('when late by whole periods, serve the latest deadline and count the rest as dropped (no burst)', () => {
  const p = new Pacer(10, 0); // 100 ms period
  p.wake(0);
  const w = p.wake(350); // deadlines 100, 200, 300 passed
  assert.equal(w, { write: true, index: 3, deadline: 300, latenessMs: 50, skipped: 2 });
  const next = p.wake(351);
  assert.ok(!next.write && Math.abs(next.sleepMs - 49) < 1e-9);
});

test('lateness percentiles over the ring of the last samples (nearest rank)', () => {
  const block = new StreamBlock();
  assert.equal(block.percentiles(50, 99, 100), [0, 0, 0]);
  for (let i = 1; i <= 100; i++) block.addLateness(i / 10);
  assert.equal(block.percentiles(50, 99, 100), [5, 9.9, 10]);
  for (let i = 0; i < RING_SIZE; i++) block.addLateness(0.1); // the ring keeps only the newest RING_SIZE
  assert.equal(block.percentiles(99, 100), [0.1, 0.1]);
});

test.run();

/**
 * The fuzz harness: `npm run fuzz -- [--cases N] [--seed S] [--target images|frames|cli|api|all] [--case K]`.
 * Every case gets its own generator from (seed, target, case number), so a failure is replayed alone with
 * the line it prints. A case fails on anything but success, a LoopcamError or a deliberate usage error;
 * on more than 2 s for an input under 1 megapixel; and the run fails if memory keeps growing (RSS after a
 * forced GC at the end more than 32 MB above the RSS at case 1 000). `npm run fuzz` runs node with a
 * 1 MB young generation (--max-semi-space-size=1): V8 otherwise grows it to tens of megabytes under the
 * harness's allocation rate and keeps them, which the RSS check would read as a leak; and glibc with a
 * fixed mmap threshold (MALLOC_MMAP_THRESHOLD_), so a freed 200 MB image goes back to the system instead
 * of raising the threshold and staying in the heap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pngjs from 'pngjs';
import { Streamer } from '../../src/index.js';
import { apiCase } from './api.js';
import { cliCase, cliFixtures, exitStatuses } from './cli.js';
import { framesCase } from './frames.js';
import { imageCase } from './images.js';
import { FuzzFailure, isExpectedFailure } from './outcome.js';
import { caseSeed, Rng } from './rng.js';
import type { FuzzCase } from './target.js';

type Target = 'images' | 'frames' | 'api' | 'cli';
/** Shares of the cases in an `all` run: the CLI's cases are the slowest (some stream until stopped). */
const SHARES: Record<Target, number> = { images: 0.35, frames: 0.25, api: 0.32, cli: 0.08 };
const SMALL_CASE_MS = 2000;
const GROWTH_MB = 32;

const { values } = parseArgs({
  options: { cases: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string' }, case: { type: 'string' } },
});
const total = Number(values.cases ?? 1000);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const only = values.case === undefined ? undefined : Number(values.case);
const targets = (values.target ?? 'all') === 'all' ? (Object.keys(SHARES) as Target[]) : [values.target as Target];
if (!targets.every((t) => t in SHARES) || !(total > 0) || !Number.isInteger(seed)) {
  console.error('Usage: npm run fuzz -- [--cases N] [--seed S] [--target images|frames|cli|api|all] [--case K]');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'loopcam-fuzz-'));
const fixture = new pngjs.PNG({ width: 8, height: 6 });
cliFixtures(dir, pngjs.PNG.sync.write(fixture));

function make(target: Target, rng: Rng, index: number): FuzzCase {
  switch (target) {
    case 'images': return imageCase(rng);
    case 'frames': return framesCase(rng);
    case 'api': return apiCase(rng, dir, index);
    case 'cli': return cliCase(rng, dir, index);
  }
}

// The output thread (a worker: its own heap, ≈ 15 MB) starts with the first stream and stays: started
// here, before any case, it is in the baseline instead of reading as growth after case 1000.
const warmUp = new Streamer({ width: 64, height: 48, sink: { type: 'null' } });
await warmUp.start();
await warmUp.stop();

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * RSS after garbage collection. V8 returns a dropped WebAssembly.Memory to the system only once the event
 * loop has turned (it is released from a task), so the loop turns between collections.
 */
async function rssMb(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const m = process.memoryUsage();
  if (process.env.FUZZ_MEMORY) console.log(`  (rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)} MB)`);
  return m.rss / 1048576;
}
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

console.log(`loopcam fuzz · seed ${seed} · ${total} cases · targets ${targets.join(', ')}${gc ? '' : ' · (run with --expose-gc for the memory check)'}`);
const failures: string[] = [];
let done = 0;
let rssAt1000: number | undefined;
const started = performance.now();
for (const target of targets) {
  const count = targets.length === 1 ? total : Math.max(1, Math.round(total * SHARES[target]));
  const tally = { cases: 0, ok: 0, expected: 0, failed: 0, slowest: 0 };
  const reasons = new Map<string, number>();
  for (let index = only ?? 0; index < (only === undefined ? count : only + 1); index++) {
    tally.cases++;
    const rng = new Rng(caseSeed(seed, target, index));
    let kase: FuzzCase | undefined;
    const t0 = performance.now();
    try {
      kase = make(target, rng, index);
      if (process.env.FUZZ_TRACE) console.log(`${target} ${index}: ${kase.describe}`);
      await kase.run();
      tally.ok++;
    } catch (error) {
      if (isExpectedFailure(error) && !(error instanceof FuzzFailure)) {
        tally.expected++;
        if (process.env.FUZZ_REASONS) {
          const reason = `${(error as { code?: string }).code ?? (error as Error).name}: ${(error as Error).message.replace(/\d+/g, 'N').slice(0, 70)}`;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
      else {
        tally.failed++;
        const what = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(error);
        failures.push(`${target} case ${index} (${kase?.describe ?? 'while making it'}):\n  ${what}\n  replay: npm run fuzz -- --target ${target} --seed ${seed} --case ${index}`);
      }
    }
    const ms = performance.now() - t0;
    tally.slowest = Math.max(tally.slowest, ms);
    if (kase?.small && ms > SMALL_CASE_MS) {
      tally.failed++;
      failures.push(`${target} case ${index} (${kase.describe}): took ${Math.round(ms)} ms for an input under 1 megapixel\n  replay: npm run fuzz -- --target ${target} --seed ${seed} --case ${index}`);
    }
    if (++done === 1000) rssAt1000 = await rssMb();
  }
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${String(n).padStart(6)} × ${reason}`);
  const statuses = target === 'cli' ? ` (exit status ${[...exitStatuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')})` : '';
  console.log(`  ${target.padEnd(7)} ${String(tally.cases).padStart(6)} cases: ${tally.ok} ran clean${statuses}, ${tally.expected} refused with a LoopcamError or usage error, ${tally.failed} failed · slowest ${Math.round(tally.slowest)} ms`);
}
const rssEnd = await rssMb();
if (rssAt1000 !== undefined) {
  const grew = rssEnd - rssAt1000;
  console.log(`  memory: RSS ${rssAt1000.toFixed(0)} MB at case 1000, ${rssEnd.toFixed(0)} MB at the end (${grew >= 0 ? '+' : ''}${grew.toFixed(0)} MB; limit +${GROWTH_MB})`);
  if (gc && grew > GROWTH_MB) failures.push(`memory kept growing: RSS ${rssAt1000.toFixed(0)} MB at case 1000, ${rssEnd.toFixed(0)} MB at the end`);
}
console.log(`  ${done} cases in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${seed}: ${failures.length ? `${failures.length} FAILED` : 'no failures'}`);
for (const f of failures) console.log(`\nFAIL ${f}`);
rmSync(dir, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);

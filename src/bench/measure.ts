/**
 * Times one conversion three ways in the same run: the JS reference, WASM's zero-copy `convert()`,
 * and the floor — a `Uint8Array.prototype.set` of one input frame (of the input format's own size)
 * into a preallocated buffer, the least any conversion must cost. WASM and floor calls alternate, so
 * both see the same machine; all buffers are reused every call (cache-hot). Results are medians of
 * single calls.
 */
import { Converter } from '../convert/converter.js';
import type { FormatName, InputName } from '../formats.js';

export interface BenchCase {
  input: InputName;
  format: FormatName;
  width: number;
  height: number;
  mirror?: boolean;
  flipY?: boolean;
}

export interface BenchResult extends BenchCase {
  jsMs: number;
  wasmMs: number;
  floorMs: number;
  /** jsMs / wasmMs */
  speedup: number;
  /** wasmMs / floorMs */
  xFloor: number;
  /** Megapixels per second through WASM. */
  mpps: number;
}

export interface BenchBudget {
  /** Milliseconds spent timing WASM and floor (alternating) per case. */
  wasmMs: number;
  /** Milliseconds spent timing the JS reference per case (at least `jsMinRuns` runs). */
  jsMs: number;
  jsMinRuns: number;
}

export const DEFAULT_BUDGET: BenchBudget = { wasmMs: 400, jsMs: 600, jsMinRuns: 3 };

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fillPattern(bytes: Uint8Array): void {
  // Varied bytes (not zeros, which some paths could shortcut), cheap to make.
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
}

function timeOnce(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export function measure(c: BenchCase, budget: BenchBudget = DEFAULT_BUDGET): BenchResult {
  const wasm = new Converter({ ...c, engine: 'wasm' });
  const js = new Converter({ ...c, engine: 'js' });
  fillPattern(wasm.input);
  js.input.set(wasm.input);
  const floorSrc = Uint8Array.from(wasm.input);
  const floorDst = new Uint8Array(floorSrc.length);
  const floor = () => floorDst.set(floorSrc);
  const convert = () => wasm.convert();

  // The two engines must agree before their times mean anything.
  js.convert();
  wasm.convert();
  if (Buffer.compare(js.output, wasm.output) !== 0) {
    throw new Error(`${c.input} → ${c.format} ${c.width}×${c.height}: WASM and JS outputs differ`);
  }

  for (let i = 0; i < 10; i++) {
    floor();
    convert();
  }
  const wasmTimes: number[] = [];
  const floorTimes: number[] = [];
  const until = performance.now() + budget.wasmMs;
  while (wasmTimes.length < 20 || performance.now() < until) {
    floorTimes.push(timeOnce(floor));
    wasmTimes.push(timeOnce(convert));
  }

  const jsTimes: number[] = [];
  const jsUntil = performance.now() + budget.jsMs;
  while (jsTimes.length < budget.jsMinRuns || performance.now() < jsUntil) jsTimes.push(timeOnce(() => js.convert()));

  wasm.dispose();
  js.dispose();
  const wasmMs = median(wasmTimes);
  const floorMs = median(floorTimes);
  const jsMs = median(jsTimes);
  return {
    ...c, jsMs, wasmMs, floorMs,
    speedup: jsMs / wasmMs,
    xFloor: wasmMs / floorMs,
    mpps: (c.width * c.height) / 1e6 / (wasmMs / 1000),
  };
}

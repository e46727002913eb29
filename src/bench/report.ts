/** Prints benchmark results: an aligned table for people, JSON lines for machines. */
import type { BenchResult } from './measure.js';

const COLUMNS: [string, (r: BenchResult) => string][] = [
  ['pair', (r) => `${r.input} → ${r.format}`],
  ['size', (r) => `${r.width}×${r.height}`],
  ['JS ms', (r) => r.jsMs.toFixed(2)],
  ['WASM ms', (r) => r.wasmMs.toFixed(3)],
  ['speed-up', (r) => `${r.speedup.toFixed(1)}×`],
  ['MP/s', (r) => r.mpps.toFixed(0)],
  ['floor ms', (r) => r.floorMs.toFixed(3)],
  ['WASM/floor', (r) => `${r.xFloor.toFixed(2)}×`],
];

/** The table's header lines. */
export function tableHeader(): string[] {
  const widths = columnWidths();
  return [
    COLUMNS.map(([name], i) => pad(name, widths[i]!, i)).join('  '),
    COLUMNS.map((_, i) => '-'.repeat(widths[i]!)).join('  '),
  ];
}

/** One table row. */
export function tableRow(r: BenchResult): string {
  const widths = columnWidths();
  return COLUMNS.map(([, cell], i) => pad(cell(r), widths[i]!, i)).join('  ');
}

/** One JSON line with the fields scripts rely on. */
export function jsonLine(r: BenchResult): string {
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return JSON.stringify({
    input: r.input, format: r.format, width: r.width, height: r.height, mirror: r.mirror ?? false, flipY: r.flipY ?? false,
    jsMs: round(r.jsMs), wasmMs: round(r.wasmMs), floorMs: round(r.floorMs),
    speedup: round(r.speedup), xFloor: round(r.xFloor), mpps: round(r.mpps),
  });
}

function columnWidths(): number[] {
  // Fixed widths, so rows can be printed as they are measured.
  return [15, 9, 8, 8, 8, 6, 8, 10].map((w, i) => Math.max(w, COLUMNS[i]![0].length));
}

function pad(text: string, width: number, column: number): string {
  return column < 2 ? text.padEnd(width) : text.padStart(width);
}

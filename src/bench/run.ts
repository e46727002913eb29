/** The JS-vs-WASM conversion benchmark: `npm run bench`, `loopcam bench`. */
import { BENCH_USAGE, parseBenchArgs, UsageError } from './args.js';
import { measure } from './measure.js';
import { jsonLine, tableHeader, tableRow } from './report.js';

/** Runs the benchmark with command-line arguments; returns the exit code. */
export function runBench(argv: string[], out: (line: string) => void = console.log): number {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (!options) {
    out(BENCH_USAGE);
    return 0;
  }
  if (!options.json) {
    const flips = [options.mirror && 'mirror', options.flipY && 'flipY'].filter(Boolean).join(' + ');
    out(`loopcam conversion benchmark · node ${process.version} · medians in ms per frame · floor = Uint8Array.set of one input frame${flips ? ` · ${flips}` : ''}`);
    tableHeader().forEach((line) => out(line));
  }
  for (const [width, height] of options.sizes) {
    for (const [input, format] of options.pairs) {
      let result;
      try {
        result = measure({ input, format, width, height, mirror: options.mirror, flipY: options.flipY });
      } catch (error) {
        // A size a format cannot take (odd width for 4:2:2, …) is reported and skipped, not fatal.
        if (!(error instanceof RangeError)) throw error;
        console.error(`skipped ${input} → ${format} at ${width}×${height}: ${error.message}`);
        continue;
      }
      out(options.json ? jsonLine(result) : tableRow(result));
    }
  }
  return 0;
}

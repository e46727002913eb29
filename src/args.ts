/** Command-line argument helpers shared by the CLI and the benchmark. */
import { dimension } from './convert/spec.js';

/** A usage mistake: the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly loopcamUsage = true;
}

/** Parses "1280x720" (or "1280×720"). */
export function parseSize(text: string): [number, number] {
  const match = /^(\d+)[x×](\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--size "${text}" is not WIDTHxHEIGHT, e.g. 1280x720`);
  try {
    return [dimension('width', Number(match[1])), dimension('height', Number(match[2]))];
  } catch (error) {
    throw new UsageError(`--size ${text}: ${(error as Error).message}`);
  }
}

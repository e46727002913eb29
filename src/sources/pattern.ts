/** Test patterns as a source: a still pattern shown until stopped, or the moving one drawn every tick. */
import { PATTERNS, type Pattern } from '../convert/patterns.js';
import { oneOf } from '../convert/spec.js';
import type { Source } from './source.js';

/**
 * 'moving' draws one picture per output frame, numbered by the frame it will be and stamped with the
 * time since the play began; 'bars' and 'gradient' are drawn once. Never ends by itself.
 */
export function patternSource(pattern: Pattern = 'moving'): Source {
  oneOf('pattern', pattern, PATTERNS, 'moving');
  return {
    name: `${pattern} pattern`,
    live: true,
    async play(target, signal) {
      target.useInput('rgba');
      if (pattern !== 'moving') {
        target.showPattern(pattern);
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        return;
      }
      const start = target.clock();
      for (let n = 0; !signal.aborted; n++) {
        target.showPattern('moving', n, target.clock() - start);
        await target.nextFrame();
      }
    },
  };
}

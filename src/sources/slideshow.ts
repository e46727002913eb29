/** Images as a source: one image, or a slideshow of files and folders, each shown for `duration` seconds. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentRangeError, LoopcamError } from '../errors.js';
import { fileError } from '../os-errors.js';
import { FITS, type Fit } from './fit.js';
import { readImage, type ImageLimits } from './image.js';
import { oneOf } from '../convert/spec.js';
import { holdFor, type Source } from './source.js';

export const IMAGE_FILE = /\.(png|jpe?g)$/i;

export interface SlideshowOptions {
  /** Seconds each image shows (default 5). */
  duration?: number;
  /** Start again after the last image (default false: the source ends after it). */
  loop?: boolean;
  /** How an image fills the frame (default 'contain'). */
  fit?: Fit;
  limits?: ImageLimits;
}

/** Files to show: folders expand to their PNG/JPEG files in name order. */
export function expandImages(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isDir: boolean;
    let names: string[];
    try {
      isDir = statSync(path).isDirectory();
      names = isDir ? readdirSync(path) : [];
    } catch (cause) {
      throw fileError(path, `cannot read ${path}`, cause);
    }
    if (!isDir) return [path];
    const files = names.filter((f) => IMAGE_FILE.test(f)).sort().map((f) => join(path, f));
    if (files.length === 0) throw new LoopcamError('BAD_IMAGE', `${path} holds no PNG or JPEG files`);
    return files;
  });
}

/**
 * PNG/JPEG images (files or folders), decoded and fitted in WASM one at a time as they come up. The
 * first image is drawn before the stream starts, so it is the first frame out. Ends after the last
 * image's duration unless `loop`.
 */
export function slideshow(paths: string | readonly string[], options: SlideshowOptions = {}): Source {
  const files = expandImages(typeof paths === 'string' ? [paths] : paths);
  const duration = options.duration ?? 5;
  if (typeof duration !== 'number' || !(duration > 0) || !Number.isFinite(duration)) {
    throw new ArgumentRangeError(`duration must be a number of seconds above 0; got ${String(options.duration)}`);
  }
  const fit = oneOf('fit', options.fit, FITS, 'contain');
  const loop = options.loop === true;
  return {
    name: files.length === 1 ? files[0]! : `${files.length} images`,
    live: false,
    async play(target, signal) {
      target.useInput('rgba');
      const ticks = Math.max(1, Math.round(duration * target.fps));
      let shown = false;
      for (let i = 0; !signal.aborted; i++) {
        if (i === files.length) {
          if (!loop) return;
          i = 0;
        }
        if (i > 0 || files.length > 1 || !shown) {
          // One image, looping, stays drawn: it is decoded once.
          target.drawImage(readImage(files[i]!, options.limits), fit);
          target.commit();
          shown = true;
        }
        await holdFor(target, ticks, signal);
      }
    },
  };
}

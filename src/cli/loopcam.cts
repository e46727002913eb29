#!/usr/bin/env node
/**
 * The installed `loopcam`: runs the CLI's bundle (bundle.cjs, made by esbuild from main.js) compiled with
 * the V8 code cache that `npm run build` saved next to it after one short run. Node 20 has no compile
 * cache of its own; with this one a run skips parsing the bundle and compiling the functions that run
 * (≈ 5 ms of a 1080p one-frame run's 84 here). A cache made by another Node is rejected by V8, and the
 * bundle is then compiled as usual: the cache can make a run slower by reading it, never wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';

const BUNDLE = `${__dirname}/bundle.cjs`;
const CACHE = `${BUNDLE}.cache`;

/** The bundle as a CommonJS module function, and whether V8 took the saved cache for it. */
export function compileBundle(): { script: Script; cache: 'used' | 'rejected' | 'none' } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined; // not built yet, or removed: compile as usual
  }
  // The hashbang becomes a comment, so line numbers in stack traces stay the bundle's.
  const source = readFileSync(BUNDLE, 'utf8').replace(/^#!/, '//');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  return { script, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used' };
}

if (require.main === module) {
  const { script } = compileBundle();
  // `npm run build` sets this for one run; the cache then holds every function that run compiled.
  if (process.env.LOOPCAM_WRITE_CODE_CACHE === '1') process.once('exit', () => writeFileSync(CACHE, script.createCachedData()));
  script.runInThisContext().call(module.exports, module.exports, require, module, BUNDLE, __dirname);
}

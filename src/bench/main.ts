#!/usr/bin/env node
/** `npm run bench`: the JS-vs-WASM conversion benchmark. */
import { runBench } from './run.js';

process.exitCode = runBench(process.argv.slice(2));

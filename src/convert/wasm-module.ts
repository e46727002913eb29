/**
 * The only file that touches `WebAssembly.*`. It compiles build/loopcam.wasm once (synchronously, so
 * `createConverter` can be synchronous) and instantiates it over a memory: one of its own by default,
 * or one shared with others (a Streamer's converters, its Y4M repacker and the output thread), which
 * then allocate from it in turn.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LoopcamError } from '../errors.js';

/** The module's exports (assembly/index.ts). */
export interface LoopcamExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  setColour(k: number, swap: number, shift: number, yr: number, yg: number, yb: number, yBias: number,
    ur: number, ug: number, ub: number, vr: number, vg: number, vb: number, uvBias: number): void;
  convertFrame(kernel: number, bytesPerPixel: number, width: number, height: number, src: number, stride: number,
    d0: number, d1: number, d2: number, colour: number, scratch: number, flags: number): void;
  convertYuvFrame(kernel: number, input: number, width: number, height: number, sy: number, su: number, sv: number,
    strideY: number, strideC: number, d0: number, d1: number, d2: number, scratch: number, flags: number): void;
  scratchBytes(width: number): number;
  drawImage(src: number, sstride: number, sx: number, sy: number, sw: number, sh: number, dst: number, dstride: number,
    width: number, height: number, dx: number, dy: number, dw: number, dh: number, background: number): void;
  renderPattern(kind: number, dst: number, width: number, height: number, stride: number, frame: number, millis: number): void;
  convertPattern(kernel: number, kind: number, frame: number, millis: number, width: number, height: number,
    d0: number, d1: number, d2: number, colour: number, scratch: number, flags: number, onlyMoving: number): void;
  readonly COLOUR_BYTES: WebAssembly.Global;
  readonly INPUT_OVERREAD: WebAssembly.Global;
  readonly [constant: `KERNEL_${string}` | `PATTERN_${string}` | `INPUT_${string}` | `FLAG_${string}`]: WebAssembly.Global;
}

// From build/src/<folder>/: here, and in the CLI's bundle (build/src/cli/bundle.cjs).
const WASM_FILE = new URL('../../loopcam.wasm', import.meta.url);
const PAGE = 65536;
/** The most a wasm32 memory can hold (4 GiB); a shared memory must declare its maximum. */
const MAX_PAGES = 65536;
/** Regions start on cache-line boundaries. */
const ALIGN = 64;

let compiled: WebAssembly.Module | undefined;

export function wasmModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_FILE);
    } catch (cause) {
      throw new LoopcamError('WASM_MISSING',
        `${fileURLToPath(WASM_FILE)} is missing: build it with \`npm run build\` (npm install runs it)`, { cause });
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * A shared memory for instances of the module and a bump allocator over it. Shared, so that the output
 * thread can write frames straight from it; a shared memory never detaches views when it grows (views
 * taken earlier keep their length: see `isCurrent`).
 */
export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  /** The buffer as of the last growth: a shared memory's `buffer` is a new object at every read. */
  #buffer: ArrayBuffer | SharedArrayBuffer;
  #top = 0;

  /** A new memory, or (in the output thread) one made elsewhere: then only to read views of. */
  constructor(memory?: WebAssembly.Memory) {
    this.memory = memory ?? new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.#buffer = this.memory.buffer;
  }

  /** Keeps the module's static data (below `heapBase`) out of the allocator's way. */
  reserveStatic(heapBase: number): void {
    this.#top = Math.max(this.#top, align(heapBase));
  }

  /**
   * Reserves `bytes` of memory and returns its address. Growing memory makes earlier views too short
   * to see the new region, so allocate everything first, then take views (or re-take them: see `view`).
   */
  alloc(bytes: number): number {
    const start = this.#top;
    const end = align(start + bytes);
    const have = this.#buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
        this.#buffer = this.memory.buffer;
      } catch (cause) {
        throw new LoopcamError('OUT_OF_MEMORY',
          `could not grow WebAssembly memory to ${mib(end)} MiB (frames this large need that much; use a smaller size)`, { cause });
      }
    }
    this.#top = end;
    return start;
  }

  /** A view of `length` bytes at `address`. */
  view(address: number, length: number): Uint8Array {
    if (address + length > this.#buffer.byteLength) this.#buffer = this.memory.buffer; // grown by another thread
    return new Uint8Array(this.#buffer, address, length);
  }

  /** Whether a view taken earlier still looks at the whole of the current memory. */
  isCurrent(view: Uint8Array): boolean {
    return view.buffer === this.#buffer;
  }
}

/** One instance of the module over a memory (a new one by default). */
export class WasmInstance {
  readonly exports: LoopcamExports;

  constructor(readonly memory = new WasmMemory()) {
    this.exports = new WebAssembly.Instance(wasmModule(), { env: { memory: memory.memory } }).exports as unknown as LoopcamExports;
    memory.reserveStatic(this.exports.heapBase());
  }

  /** The value of an exported constant. */
  constant(name: keyof LoopcamExports & string): number {
    const value = (this.exports as unknown as Record<string, WebAssembly.Global | undefined>)[name];
    if (!(value instanceof WebAssembly.Global)) throw new Error(`loopcam.wasm exports no constant ${name}`);
    return value.value as number;
  }

  alloc(bytes: number): number {
    return this.memory.alloc(bytes);
  }

  view(address: number, length: number): Uint8Array {
    return this.memory.view(address, length);
  }

  isCurrent(view: Uint8Array): boolean {
    return this.memory.isCurrent(view);
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

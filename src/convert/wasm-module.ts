/**
 * The only file that touches `WebAssembly.*`. It compiles build/loopcam.wasm once (synchronously, so
 * `createConverter` can be synchronous), and gives each user an instance with a memory of its own:
 * a converter's views can then never be detached by another converter growing memory.
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
  packed422ToPlanar(src: number, y: number, u: number, v: number, pixels: number, uyvy: number): void;
  deinterleavePairs(src: number, u: number, v: number, pairs: number): void;
  readonly COLOUR_BYTES: WebAssembly.Global;
  readonly INPUT_OVERREAD: WebAssembly.Global;
  readonly [constant: `KERNEL_${string}` | `PATTERN_${string}` | `INPUT_${string}` | `FLAG_${string}`]: WebAssembly.Global;
}

const WASM_FILE = new URL('../../loopcam.wasm', import.meta.url);
const PAGE = 65536;
/** Regions start on cache-line boundaries. */
const ALIGN = 64;

let compiled: WebAssembly.Module | undefined;

function wasmModule(): WebAssembly.Module {
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

/** One instance of the module and a bump allocator over its memory. */
export class WasmInstance {
  readonly exports: LoopcamExports;
  #top: number;

  constructor() {
    this.exports = new WebAssembly.Instance(wasmModule(), {}).exports as unknown as LoopcamExports;
    this.#top = align(this.exports.heapBase());
  }

  /** The value of an exported constant. */
  constant(name: keyof LoopcamExports & string): number {
    const value = (this.exports as unknown as Record<string, WebAssembly.Global | undefined>)[name];
    if (!(value instanceof WebAssembly.Global)) throw new Error(`loopcam.wasm exports no constant ${name}`);
    return value.value as number;
  }

  /**
   * Reserves `bytes` of memory and returns its address. Growing memory detaches existing views, so
   * allocate everything first, then take views (or re-take them: see `view`).
   */
  alloc(bytes: number): number {
    const start = this.#top;
    const end = align(start + bytes);
    const memory = this.exports.memory;
    const have = memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        memory.grow(pages);
      } catch (cause) {
        throw new LoopcamError('OUT_OF_MEMORY',
          `could not grow WebAssembly memory to ${mib(end)} MiB (frames this large need that much; use a smaller size)`, { cause });
      }
    }
    this.#top = end;
    return start;
  }

  /** A view of `length` bytes at `address`, valid until memory grows. */
  view(address: number, length: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, address, length);
  }

  /** Whether a view taken earlier still looks at this instance's current memory. */
  isCurrent(view: Uint8Array): boolean {
    return view.buffer === this.exports.memory.buffer;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

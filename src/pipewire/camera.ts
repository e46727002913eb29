/**
 * A PipeWire camera: a Video/Source node with media.role=Camera (what the Camera portal shows) offering
 * one raw format at a fixed size and rate, driven by loopcam's clock. Each write dequeues a buffer,
 * copies the frame into it straight from the caller's view (WebAssembly memory), queues it and triggers
 * a graph cycle — all under the thread loop's lock, with no callback into JavaScript.
 */
import { ArgumentRangeError, LoopcamError } from '../errors.js';
import { frameLayout, type FormatName } from '../formats.js';
import { HOW_TO_GET_PIPEWIRE, libpipewire, type Handle, type LibPipeWire } from './libpipewire.js';
import { buffersParam, enumFormat, SPA_VIDEO_FORMATS } from './pod.js';

export interface CameraSpec {
  /** What apps show (node.description). */
  label: string;
  /** node.name: browsers remember the chosen camera by it. */
  name: string;
  format: FormatName;
  width: number;
  height: number;
  fps: number;
}

/** What a write did: the frame went out, no reader is linked, or PipeWire had no free buffer. */
export type WriteOutcome = 'written' | 'no-reader' | 'no-buffer';

// pipewire/stream.h
const STATE_ERROR = -1;
const STATE_PAUSED = 2;
const STATE_STREAMING = 3;
const DIRECTION_OUTPUT = 1;
const ID_ANY = 0xffffffff;
const FLAG_AUTOCONNECT = 1 << 0;
const FLAG_MAP_BUFFERS = 1 << 2;
const FLAG_DRIVER = 1 << 3;
// Offsets (64-bit ABI): pw_buffer.buffer; spa_buffer.datas; spa_data.maxsize, .data, .chunk.
const PW_BUFFER_BUFFER = 0;
const SPA_BUFFER_DATAS = 16;
const SPA_DATA_MAXSIZE = 20;
const SPA_DATA_DATA = 24;
const SPA_DATA_CHUNK = 32;
const SPA_DATA_SIZE = 40;

const READY_TIMEOUT_MS = 5000;

/** The formats a PipeWire camera carries, for messages. */
export const PIPEWIRE_FORMATS = Object.keys(SPA_VIDEO_FORMATS) as FormatName[];

/** An open camera as plain data, for another thread to write frames to (the opener keeps and closes it). */
export interface SharedCamera {
  loop: Handle;
  stream: Handle;
  label: string;
  frameBytes: number;
  stride: number;
}

/**
 * Writes frames to a camera, on whichever thread holds it: under the loop's lock, dequeue a buffer, copy
 * the frame in, set its chunk, queue it, trigger a cycle. Reuses two small arrays: nothing per frame.
 */
export class CameraWriter {
  readonly #pw = libpipewire();
  readonly #camera: SharedCamera;
  readonly #scratch = new Uint8Array(SPA_DATA_SIZE);
  readonly #view = new DataView(this.#scratch.buffer);
  readonly #chunk = new Uint8Array(16);

  constructor(camera: SharedCamera) {
    this.#camera = camera;
    const chunk = new DataView(this.#chunk.buffer);
    chunk.setUint32(4, camera.frameBytes, true); // offset 0, size, stride, flags 0
    chunk.setInt32(8, camera.stride, true);
  }

  /** Sends one whole frame (`frameBytes`). Never waits: 'no-buffer' means try again soon. */
  write(frame: Uint8Array): WriteOutcome {
    const pw = this.#pw;
    const { loop, stream, frameBytes, label } = this.#camera;
    pw.threadLoopLock(loop);
    try {
      const state = pw.streamGetState(stream);
      if (state === STATE_ERROR) throw new LoopcamError('PIPEWIRE_ERROR', `PipeWire ended the camera "${label}" (did its daemon stop?)`);
      if (state !== STATE_STREAMING) return 'no-reader';
      const buffer = pw.streamDequeueBuffer(stream);
      if (buffer === 0) return 'no-buffer';
      const data = this.#pointerAt(this.#pointerAt(buffer + PW_BUFFER_BUFFER) + SPA_BUFFER_DATAS);
      pw.copyOut(this.#scratch, data, SPA_DATA_SIZE);
      const maxsize = this.#view.getUint32(SPA_DATA_MAXSIZE, true);
      const memory = this.#u64(SPA_DATA_DATA);
      const chunk = this.#u64(SPA_DATA_CHUNK);
      if (memory === 0 || chunk === 0 || maxsize < frameBytes) {
        pw.streamQueueBuffer(stream, buffer); // back unfilled: no partial frame ever goes out
        throw new LoopcamError('PIPEWIRE_ERROR', `PipeWire gave the camera "${label}" a ${maxsize}-byte buffer${memory === 0 ? ' with no memory mapped' : ''} for ${frameBytes}-byte frames`);
      }
      pw.copyIn(memory, frame, frameBytes);
      pw.copyIn(chunk, this.#chunk, this.#chunk.length);
      pw.streamQueueBuffer(stream, buffer);
      pw.streamTriggerProcess(stream);
      return 'written';
    } finally {
      pw.threadLoopUnlock(loop);
    }
  }

  /** The pointer stored at `at`. */
  #pointerAt(at: number): number {
    this.#pw.copyOut(this.#scratch, at, 8);
    return this.#u64(0);
  }

  #u64(offset: number): number {
    return this.#view.getUint32(offset, true) + this.#view.getUint32(offset + 4, true) * 2 ** 32;
  }
}

/** Connects to the user's PipeWire daemon and starts publishing the node (`ready()` waits until it exists). */
export function openCamera(spec: CameraSpec): PipeWireCamera {
  const spa = SPA_VIDEO_FORMATS[spec.format];
  if (!spa) throw new ArgumentRangeError(`a PipeWire camera carries ${PIPEWIRE_FORMATS.join(', ')} (what browsers read); got format ${spec.format}: choose one of those`);
  const pw = libpipewire();
  pw.init();
  const layout = frameLayout(spec.format, spec.width, spec.height);
  const loop = pw.threadLoopNew(`loopcam ${spec.name}`);
  if (!loop) throw new LoopcamError('PIPEWIRE_ERROR', 'PipeWire could not make its thread loop');
  const context = pw.contextNew(pw.threadLoopGetLoop(loop));
  if (!context || pw.threadLoopStart(loop) < 0) {
    if (context) pw.contextDestroy(context);
    pw.threadLoopDestroy(loop);
    throw new LoopcamError('PIPEWIRE_ERROR', 'PipeWire could not make a context or start its thread');
  }
  pw.threadLoopLock(loop);
  let core = 0;
  let stream = 0;
  try {
    core = pw.contextConnect(context);
    if (!core) {
      const runtime = process.env.XDG_RUNTIME_DIR ? `in ${process.env.XDG_RUNTIME_DIR}` : '(XDG_RUNTIME_DIR is not set)';
      throw new LoopcamError('PIPEWIRE_DOWN', `no PipeWire daemon answers ${runtime}: ${HOW_TO_GET_PIPEWIRE}`);
    }
    const props = pw.propertiesNew();
    const properties: Record<string, string> = {
      'media.type': 'Video', 'media.category': 'Playback', 'media.class': 'Video/Source', 'media.role': 'Camera',
      'node.name': spec.name, 'node.description': spec.label, 'media.name': spec.label,
    };
    for (const [key, value] of Object.entries(properties)) pw.propertiesSet(props, key, value);
    stream = pw.streamNew(core, spec.name, props);
    if (!stream) throw new LoopcamError('PIPEWIRE_ERROR', 'PipeWire refused to make a stream for the camera');
    const pods = [enumFormat(spa.id, spec.width, spec.height, spec.fps), buffersParam(layout.sizeImage, layout.bytesPerLine)];
    const result = connect(pw, stream, pods);
    if (result < 0) throw new LoopcamError('PIPEWIRE_ERROR', `PipeWire refused the camera's stream (pw_stream_connect: ${result})`);
  } catch (error) {
    if (stream) pw.streamDestroy(stream);
    if (core) pw.coreDisconnect(core);
    pw.threadLoopUnlock(loop);
    pw.threadLoopStop(loop);
    pw.contextDestroy(context);
    pw.threadLoopDestroy(loop);
    throw error;
  }
  pw.threadLoopUnlock(loop);
  return new PipeWireCamera(pw, spec, { loop, stream, label: spec.label, frameBytes: layout.sizeImage, stride: layout.bytesPerLine }, context, core);
}

export class PipeWireCamera {
  readonly spec: CameraSpec;
  readonly #pw: LibPipeWire;
  readonly #shared: SharedCamera;
  readonly #context: Handle;
  readonly #core: Handle;
  #writer: CameraWriter | undefined;
  #closed = false;

  /** @internal use openCamera() */
  constructor(pw: LibPipeWire, spec: CameraSpec, shared: SharedCamera, context: Handle, core: Handle) {
    this.#pw = pw;
    this.spec = spec;
    this.#shared = shared;
    this.#context = context;
    this.#core = core;
  }

  get frameBytes(): number {
    return this.#shared.frameBytes;
  }

  /** Resolves once the node exists in the graph (paused until a reader links); rejects if the stream failed. */
  async ready(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const state = this.#locked(() => this.#pw.streamGetState(this.#shared.stream));
      if (state === STATE_ERROR) {
        throw new LoopcamError('PIPEWIRE_ERROR', `PipeWire ended the camera "${this.spec.label}" while publishing it: is its session manager (wireplumber) running? \`systemctl --user start wireplumber\``);
      }
      if (state >= STATE_PAUSED && this.nodeId !== ID_ANY) return;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        throw new LoopcamError('PIPEWIRE_ERROR', `PipeWire did not publish the camera "${this.spec.label}" within ${READY_TIMEOUT_MS} ms: check \`systemctl --user status pipewire wireplumber\``);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The node's id in the PipeWire graph (0xffffffff until published). */
  get nodeId(): number {
    return this.#locked(() => this.#pw.streamGetNodeId(this.#shared.stream));
  }

  /** This camera as plain data for another thread (see CameraWriter); this object still owns it. */
  share(): SharedCamera {
    if (this.#closed) throw new LoopcamError('DISPOSED', `the PipeWire camera "${this.spec.label}" was closed`);
    return { ...this.#shared };
  }

  /** See CameraWriter.write. */
  write(frame: Uint8Array): WriteOutcome {
    if (this.#closed) throw new LoopcamError('DISPOSED', `the PipeWire camera "${this.spec.label}" was closed`);
    this.#writer ??= new CameraWriter(this.#shared);
    return this.#writer.write(frame);
  }

  /** Removes the node and disconnects. Safe to call twice; no thread may write to it any more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pw = this.#pw;
    const { loop, stream } = this.#shared;
    pw.threadLoopLock(loop);
    pw.streamDisconnect(stream);
    pw.streamDestroy(stream);
    pw.coreDisconnect(this.#core);
    pw.threadLoopUnlock(loop);
    pw.threadLoopStop(loop);
    pw.contextDestroy(this.#context);
    pw.threadLoopDestroy(loop);
  }

  #locked<T>(fn: () => T): T {
    this.#pw.threadLoopLock(this.#shared.loop);
    try {
      return fn();
    } finally {
      this.#pw.threadLoopUnlock(this.#shared.loop);
    }
  }
}

/** pw_stream_connect with the pods copied to native memory for the call (PipeWire copies them). */
function connect(pw: LibPipeWire, stream: Handle, pods: Buffer[]): number {
  const total = pods.reduce((n, p) => n + p.length, 0);
  const memory = pw.malloc(total + 8 * pods.length);
  if (memory === 0) throw new LoopcamError('OUT_OF_MEMORY', 'malloc failed for the camera\'s parameters');
  try {
    const pointers = Buffer.alloc(8 * pods.length);
    let at = memory + 8 * pods.length;
    pods.forEach((p, i) => {
      pw.copyIn(at, p, p.length);
      pointers.writeBigUInt64LE(BigInt(at), 8 * i);
      at += p.length;
    });
    pw.copyIn(memory, pointers, pointers.length);
    return pw.streamConnect(stream, DIRECTION_OUTPUT, ID_ANY, FLAG_AUTOCONNECT | FLAG_MAP_BUFFERS | FLAG_DRIVER, memory, pods.length);
  } finally {
    pw.free(memory);
  }
}

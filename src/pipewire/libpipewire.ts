/**
 * The one module that talks to libpipewire-0.3 (through the `koffi` FFI, loaded on first use, as
 * ioctl.ts is for ioctl-napi). No JavaScript callbacks: PipeWire runs its own thread (pw_thread_loop) and
 * JavaScript only takes that loop's lock around each call. Memory PipeWire owns is reached by address
 * (a plain number: user-space addresses fit in 47 bits) and libc's memcpy, so no JavaScript object is
 * made per frame.
 */
import { createRequire } from 'node:module';
import { LoopcamError } from '../errors.js';

/**
 * A PipeWire object's address. Plain numbers, so that the output thread can write to a camera the main
 * thread opened (PipeWire's objects are shared under the thread loop's lock).
 */
export type Handle = number;

export interface LibPipeWire {
  init(): void;
  threadLoopNew(name: string): Handle;
  threadLoopGetLoop(loop: Handle): Handle;
  threadLoopStart(loop: Handle): number;
  threadLoopLock(loop: Handle): void;
  threadLoopUnlock(loop: Handle): void;
  threadLoopStop(loop: Handle): void;
  threadLoopDestroy(loop: Handle): void;
  contextNew(loop: Handle): Handle;
  contextConnect(context: Handle): Handle;
  contextDestroy(context: Handle): void;
  coreDisconnect(core: Handle): number;
  propertiesNew(): Handle;
  propertiesSet(props: Handle, key: string, value: string): number;
  streamNew(core: Handle, name: string, props: Handle): Handle;
  /** params: the address of an array of `count` pod addresses. */
  streamConnect(stream: Handle, direction: number, target: number, flags: number, params: number, count: number): number;
  /** The stream's state (pw_stream_state). */
  streamGetState(stream: Handle): number;
  streamGetNodeId(stream: Handle): number;
  /** The address of a struct pw_buffer, or 0 when none is free. */
  streamDequeueBuffer(stream: Handle): number;
  streamQueueBuffer(stream: Handle, buffer: number): number;
  streamTriggerProcess(stream: Handle): number;
  streamDisconnect(stream: Handle): number;
  streamDestroy(stream: Handle): void;
  /** Copies bytes from JavaScript memory to an address. */
  copyIn(to: number, from: Uint8Array, bytes: number): void;
  /** Copies bytes from an address into JavaScript memory. */
  copyOut(to: Uint8Array, from: number, bytes: number): void;
  malloc(bytes: number): number;
  free(address: number): void;
  /** libpipewire's version at run time, e.g. "0.3.65". */
  version(): string;
}

let loaded: LibPipeWire | undefined;

export const HOW_TO_GET_PIPEWIRE = 'install PipeWire (Debian/Ubuntu: `sudo apt install pipewire wireplumber`; Fedora has it) ' +
  'and start it for your user: `systemctl --user start pipewire wireplumber`';

/** Loads libpipewire-0.3 and libc through koffi, once; a LoopcamError NO_PIPEWIRE says what is missing. */
export function libpipewire(): LibPipeWire {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let koffi: typeof import('koffi');
  try {
    koffi = require('koffi') as typeof import('koffi');
  } catch (cause) {
    throw new LoopcamError('NO_PIPEWIRE', 'the npm package koffi (the FFI loopcam talks to PipeWire with) is not installed: `npm install koffi`', { cause });
  }
  let pw: ReturnType<typeof koffi.load>;
  let libc: ReturnType<typeof koffi.load>;
  try {
    pw = koffi.load('libpipewire-0.3.so.0');
    libc = koffi.load('libc.so.6');
  } catch (cause) {
    throw new LoopcamError('NO_PIPEWIRE', `libpipewire-0.3 is not installed (${(cause as Error).message}): ${HOW_TO_GET_PIPEWIRE}`, { cause });
  }
  const f = (name: string, result: string, args: string[]) => pw.func(name, result, args);
  const fns = {
    init: f('pw_init', 'void', ['uintptr_t', 'uintptr_t']),
    getLibraryVersion: f('pw_get_library_version', 'const char *', []),
    threadLoopNew: f('pw_thread_loop_new', 'uintptr_t', ['const char *', 'uintptr_t']),
    threadLoopGetLoop: f('pw_thread_loop_get_loop', 'uintptr_t', ['uintptr_t']),
    threadLoopStart: f('pw_thread_loop_start', 'int', ['uintptr_t']),
    threadLoopLock: f('pw_thread_loop_lock', 'void', ['uintptr_t']),
    threadLoopUnlock: f('pw_thread_loop_unlock', 'void', ['uintptr_t']),
    threadLoopStop: f('pw_thread_loop_stop', 'void', ['uintptr_t']),
    threadLoopDestroy: f('pw_thread_loop_destroy', 'void', ['uintptr_t']),
    contextNew: f('pw_context_new', 'uintptr_t', ['uintptr_t', 'uintptr_t', 'size_t']),
    contextConnect: f('pw_context_connect', 'uintptr_t', ['uintptr_t', 'uintptr_t', 'size_t']),
    contextDestroy: f('pw_context_destroy', 'void', ['uintptr_t']),
    coreDisconnect: f('pw_core_disconnect', 'int', ['uintptr_t']),
    propertiesNew: f('pw_properties_new', 'uintptr_t', ['const char *', '...']),
    propertiesSet: f('pw_properties_set', 'int', ['uintptr_t', 'const char *', 'const char *']),
    streamNew: f('pw_stream_new', 'uintptr_t', ['uintptr_t', 'const char *', 'uintptr_t']),
    streamConnect: f('pw_stream_connect', 'int', ['uintptr_t', 'int', 'uint32_t', 'int', 'uintptr_t', 'uint32_t']),
    streamGetState: f('pw_stream_get_state', 'int', ['uintptr_t', 'uintptr_t']),
    streamGetNodeId: f('pw_stream_get_node_id', 'uint32_t', ['uintptr_t']),
    streamDequeueBuffer: f('pw_stream_dequeue_buffer', 'uintptr_t', ['uintptr_t']),
    streamQueueBuffer: f('pw_stream_queue_buffer', 'int', ['uintptr_t', 'uintptr_t']),
    streamTriggerProcess: f('pw_stream_trigger_process', 'int', ['uintptr_t']),
    streamDisconnect: f('pw_stream_disconnect', 'int', ['uintptr_t']),
    streamDestroy: f('pw_stream_destroy', 'void', ['uintptr_t']),
    copyIn: libc.func('memcpy', 'uintptr_t', ['uintptr_t', 'const void *', 'size_t']),
    copyOut: libc.func('memcpy', 'uintptr_t', ['void *', 'uintptr_t', 'size_t']),
    malloc: libc.func('malloc', 'uintptr_t', ['size_t']),
    free: libc.func('free', 'void', ['uintptr_t']),
  };
  const address = (value: unknown) => Number(value);
  loaded = {
    init: () => fns.init(0, 0),
    threadLoopNew: (name) => address(fns.threadLoopNew(name, 0)),
    threadLoopGetLoop: (loop) => address(fns.threadLoopGetLoop(loop)),
    threadLoopStart: (loop) => fns.threadLoopStart(loop),
    threadLoopLock: (loop) => fns.threadLoopLock(loop),
    threadLoopUnlock: (loop) => fns.threadLoopUnlock(loop),
    threadLoopStop: (loop) => fns.threadLoopStop(loop),
    threadLoopDestroy: (loop) => fns.threadLoopDestroy(loop),
    contextNew: (loop) => address(fns.contextNew(loop, 0, 0)),
    contextConnect: (context) => address(fns.contextConnect(context, 0, 0)),
    contextDestroy: (context) => fns.contextDestroy(context),
    coreDisconnect: (core) => fns.coreDisconnect(core),
    propertiesNew: () => address(fns.propertiesNew(null)),
    propertiesSet: (props, key, value) => fns.propertiesSet(props, key, value),
    streamNew: (core, name, props) => address(fns.streamNew(core, name, props)),
    streamConnect: (stream, direction, target, flags, params, count) => fns.streamConnect(stream, direction, target, flags, params, count),
    streamGetState: (stream) => fns.streamGetState(stream, 0),
    streamGetNodeId: (stream) => fns.streamGetNodeId(stream),
    streamDequeueBuffer: (stream) => address(fns.streamDequeueBuffer(stream)),
    streamQueueBuffer: (stream, buffer) => fns.streamQueueBuffer(stream, buffer),
    streamTriggerProcess: (stream) => fns.streamTriggerProcess(stream),
    streamDisconnect: (stream) => fns.streamDisconnect(stream),
    streamDestroy: (stream) => fns.streamDestroy(stream),
    copyIn: (to, from, bytes) => void fns.copyIn(to, from, bytes),
    copyOut: (to, from, bytes) => void fns.copyOut(to, from, bytes),
    malloc: (bytes) => address(fns.malloc(bytes)),
    free: (at) => fns.free(at),
    version: () => String(fns.getLibraryVersion()),
  };
  return loaded;
}

/**
 * The output thread's writers for loopcam's own sinks, made from their `threadPlan` data: the same
 * writes as the sinks in sinks.ts, over file descriptors the main thread opened and will close.
 */
import { WasmMemory } from '../convert/wasm-module.js';
import { adoptOutput } from '../v4l2/output.js';
import { cameraThreadWriter } from '../pipewire/sink.js';
import { rawWriter, y4mWriter, type ThreadSinkData } from './sinks.js';
import type { FrameWriter } from './ticker.js';
import { Y4mPlanes } from './y4m.js';

export function threadWriter(data: ThreadSinkData, memory: WebAssembly.Memory): FrameWriter {
  switch (data.kind) {
    case 'null':
      return { write() {} };
    case 'raw':
      return rawWriter(data.fd, data.name);
    case 'y4m': {
      const planes = new Y4mPlanes(data.format, data.width, data.height, new WasmMemory(memory), data.planarAt);
      return y4mWriter(data.fd, data.name, data.headerBytes, planes);
    }
    case 'device': {
      const output = adoptOutput(data.output);
      return { write: (frame) => output.writeFrame(frame) };
    }
    case 'pipewire':
      return cameraThreadWriter(data.camera);
  }
}

/**
 * The output thread's writers for loopcam's own sinks, made from their `threadPlan` data: the same
 * writes as the sinks in sinks.ts, over file descriptors the main thread opened and will close.
 */
import { adoptOutput } from '../v4l2/output.js';
import { cameraThreadWriter } from '../pipewire/sink.js';
import { rawWriter, y4mWriter, type ThreadSinkData } from './sinks.js';
import type { FrameWriter } from './ticker.js';

export function threadWriter(data: ThreadSinkData): FrameWriter {
  switch (data.kind) {
    case 'null':
      return { write() {} };
    case 'raw':
      return rawWriter(data.fd, data.name);
    case 'y4m':
      return y4mWriter(data.fd, data.name, data.headerBytes, data.frameBytes);
    case 'device': {
      const output = adoptOutput(data.output);
      return { write: (frame) => output.writeFrame(frame) };
    }
    case 'pipewire':
      return cameraThreadWriter(data.camera);
  }
}

/**
 * A consumer that never consumes, for the fault tests: `node idle-consumer.js /dev/videoN open|stream`.
 * `open` opens the node and holds it; `stream` also requests two mmap buffers, queues them and turns
 * streaming on — then never dequeues. It prints "ready" once there, and waits to be killed. (No real
 * reader stops at exactly that point, so this one is made here, from the kernel's own structs.)
 */
import { openSync } from 'node:fs';
import { ioctl } from '../../src/v4l2/ioctl.js';
import { array, encode, struct, u32, u64, u8 } from '../../src/v4l2/layout.js';

const [path, mode] = process.argv.slice(2);
if (!path || (mode !== 'open' && mode !== 'stream')) {
  console.error('usage: idle-consumer.js /dev/videoN open|stream');
  process.exit(2);
}

const CAPTURE = 1;
const MEMORY_MMAP = 1;
const v4l2_requestbuffers = struct('v4l2_requestbuffers', { count: u32, type: u32, memory: u32, capabilities: u32, flags: u8, reserved: array(u8, 3) });
const v4l2_buffer = struct('v4l2_buffer', {
  index: u32, type: u32, bytesused: u32, flags: u32, field: u32, timestamp: array(u64, 2), timecode: array(u32, 4),
  sequence: u32, memory: u32, m: u64, length: u32, reserved2: u32, request_fd: u32,
});
// _IOC(dir, 'V', nr, size): read 2, write 1.
const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x56 << 8) | nr) >>> 0;
const VIDIOC_REQBUFS = ioc(3, 8, v4l2_requestbuffers.size);
const VIDIOC_QBUF = ioc(3, 15, v4l2_buffer.size);
const VIDIOC_STREAMON = ioc(1, 18, 4);
if (v4l2_requestbuffers.size !== 20 || v4l2_buffer.size !== 88) throw new Error('struct sizes differ from the 64-bit kernel ABI');

const fd = openSync(path, 'r+');
if (mode === 'stream') {
  const request = encode(v4l2_requestbuffers, { count: 2, type: CAPTURE, memory: MEMORY_MMAP });
  ioctl(fd, VIDIOC_REQBUFS, request);
  const count = request.readUInt32LE(0);
  for (let index = 0; index < count; index++) ioctl(fd, VIDIOC_QBUF, encode(v4l2_buffer, { index, type: CAPTURE, memory: MEMORY_MMAP }));
  const type = Buffer.alloc(4);
  type.writeUInt32LE(CAPTURE);
  ioctl(fd, VIDIOC_STREAMON, type);
}
console.log('ready');
setInterval(() => {}, 1 << 30);

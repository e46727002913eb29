/**
 * The V4L2 and v4l2loopback structs loopcam exchanges with the kernel (linux/videodev2.h, x86-64 and
 * every other 64-bit Linux ABI), and the ioctl request numbers computed from them.
 */
import { array, chars, s32, struct, u32, union } from './layout.js';

export const v4l2_capability = struct('v4l2_capability', {
  driver: chars(16),
  card: chars(32),
  bus_info: chars(32),
  version: u32,
  capabilities: u32,
  device_caps: u32,
  reserved: array(u32, 3),
});

export const v4l2_pix_format = struct('v4l2_pix_format', {
  width: u32,
  height: u32,
  pixelformat: u32,
  field: u32,
  bytesperline: u32,
  sizeimage: u32,
  colorspace: u32,
  priv: u32,
  flags: u32,
  ycbcr_enc: u32,
  quantization: u32,
  xfer_func: u32,
});

// The `fmt` union is 200 bytes and 8-byte aligned (its v4l2_window member holds pointers).
export const v4l2_format = struct('v4l2_format', {
  type: u32,
  fmt: union({ pix: v4l2_pix_format }, 200, 8),
});

export const v4l2_fract = struct('v4l2_fract', { numerator: u32, denominator: u32 });

export const v4l2_outputparm = struct('v4l2_outputparm', {
  capability: u32,
  outputmode: u32,
  timeperframe: v4l2_fract,
  extendedmode: u32,
  writebuffers: u32,
  reserved: array(u32, 4),
});

export const v4l2_captureparm = struct('v4l2_captureparm', {
  capability: u32,
  capturemode: u32,
  timeperframe: v4l2_fract,
  extendedmode: u32,
  readbuffers: u32,
  reserved: array(u32, 4),
});

// `parm` is a union with raw_data[200]: 200 bytes, 4-byte aligned.
export const v4l2_streamparm = struct('v4l2_streamparm', {
  type: u32,
  parm: union({ output: v4l2_outputparm, capture: v4l2_captureparm }, 200, 4),
});

export const v4l2_fmtdesc = struct('v4l2_fmtdesc', {
  index: u32,
  type: u32,
  flags: u32,
  description: chars(32),
  pixelformat: u32,
  mbus_code: u32,
  reserved: array(u32, 3),
});

export const v4l2_control = struct('v4l2_control', { id: u32, value: s32 });

/** v4l2loopback's control-device config (v4l2loopback.h, 0.13 and later). −1 means "module default". */
export const v4l2_loopback_config = struct('v4l2_loopback_config', {
  output_nr: s32,
  unused: s32,
  card_label: chars(32),
  min_width: u32,
  max_width: u32,
  min_height: u32,
  max_height: u32,
  max_buffers: s32,
  max_openers: s32,
  debug: s32,
  announce_all_caps: s32,
});

// _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr (asm-generic/ioctl.h).
const IOC_WRITE = 1;
const IOC_READ = 2;
const ioc = (dir: number, type: string, nr: number, size: number): number =>
  ((dir << 30) | (size << 16) | (type.charCodeAt(0) << 8) | nr) >>> 0;
const ior = (type: string, nr: number, s: { size: number }) => ioc(IOC_READ, type, nr, s.size);
const iowr = (type: string, nr: number, s: { size: number }) => ioc(IOC_READ | IOC_WRITE, type, nr, s.size);

export const VIDIOC_QUERYCAP = ior('V', 0, v4l2_capability);
export const VIDIOC_ENUM_FMT = iowr('V', 2, v4l2_fmtdesc);
export const VIDIOC_G_FMT = iowr('V', 4, v4l2_format);
export const VIDIOC_S_FMT = iowr('V', 5, v4l2_format);
export const VIDIOC_G_PARM = iowr('V', 21, v4l2_streamparm);
export const VIDIOC_S_PARM = iowr('V', 22, v4l2_streamparm);
export const VIDIOC_G_CTRL = iowr('V', 27, v4l2_control);
export const VIDIOC_S_CTRL = iowr('V', 28, v4l2_control);
export const VIDIOC_TRY_FMT = iowr('V', 64, v4l2_format);

// v4l2loopback's control device: plain numbers in 0.13/0.14, still accepted by 0.15 (which adds
// _IOC-style ones with type '~'); the plain ones work everywhere the device exists.
export const V4L2LOOPBACK_CTL_ADD = 0x4c80;
export const V4L2LOOPBACK_CTL_REMOVE = 0x4c81;
export const V4L2LOOPBACK_CTL_QUERY = 0x4c82;

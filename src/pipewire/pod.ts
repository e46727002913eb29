/**
 * The two SPA "POD" parameters a PipeWire camera offers (spa/pod/pod.h): EnumFormat — exactly one raw
 * video format, a fixed size and frame rate — and Buffers. SPA's builder is inline C in its headers, not
 * exported, so an FFI cannot call it; the encoding is small and part of PipeWire's ABI: every pod is a
 * header { u32 body size, u32 type } and a body padded to 8 bytes.
 */
import type { FormatName } from '../formats.js';

// spa/utils/type.h
const TYPE = { Id: 3, Int: 4, Rectangle: 10, Fraction: 11, Object: 15, Choice: 19 } as const;
const OBJECT_Format = 0x40003;
const OBJECT_ParamBuffers = 0x40004;
// spa/param/param.h
export const PARAM_EnumFormat = 3;
export const PARAM_Buffers = 5;
// spa/param/format.h
const FORMAT_mediaType = 1;
const FORMAT_mediaSubtype = 2;
const FORMAT_VIDEO_format = 0x20001;
const FORMAT_VIDEO_size = 0x20003;
const FORMAT_VIDEO_framerate = 0x20004;
const MEDIA_TYPE_video = 2;
const MEDIA_SUBTYPE_raw = 1;
// spa/param/buffers.h
const BUFFERS_buffers = 1;
const BUFFERS_blocks = 2;
const BUFFERS_size = 3;
const BUFFERS_stride = 4;
const BUFFERS_dataType = 6;
// spa/buffer/buffer.h: memory PipeWire may hand us (mapped by MAP_BUFFERS)
const DATA_MemPtr = 1;
const DATA_MemFd = 2;
const CHOICE_Range = 1;

/** loopcam's formats PipeWire cameras carry, as spa_video_format ids (spa/param/video/raw.h). */
export const SPA_VIDEO_FORMATS: Partial<Record<FormatName, { id: number; name: string }>> = {
  yuyv: { id: 4, name: 'YUY2' },
  uyvy: { id: 5, name: 'UYVY' },
  i420: { id: 2, name: 'I420' },
  nv12: { id: 23, name: 'NV12' },
};

const pad8 = (n: number) => (n + 7) & ~7;

/** One pod: header and body, the body zero-padded to 8 bytes. */
function pod(type: number, body: Buffer): Buffer {
  const out = Buffer.alloc(8 + pad8(body.length));
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(type, 4);
  body.copy(out, 8);
  return out;
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, 4 * i));
  return b;
}

const id = (value: number) => pod(TYPE.Id, u32s(value));
const int = (value: number) => pod(TYPE.Int, u32s(value));
const rectangle = (width: number, height: number) => pod(TYPE.Rectangle, u32s(width, height));
const fraction = (num: number, denom: number) => pod(TYPE.Fraction, u32s(num, denom));
/** An Int range: the preferred value, then the least and the most. */
const intRange = (preferred: number, min: number, max: number) =>
  pod(TYPE.Choice, Buffer.concat([u32s(CHOICE_Range, 0, 4, TYPE.Int), u32s(preferred, min, max)]));

/** An object pod: its type, the param id, then (key, flags 0, value pod) for each property. */
function object(type: number, param: number, props: [number, Buffer][]): Buffer {
  return pod(TYPE.Object, Buffer.concat([u32s(type, param), ...props.flatMap(([key, value]) => [u32s(key, 0), value])]));
}

/** A frame rate as a fraction: 30 → 30/1, 29.97 → 30000/1001 (the NTSC rates), else thousandths. */
export function rateFraction(fps: number): [number, number] {
  if (Number.isInteger(fps)) return [fps, 1];
  const ntsc = (fps * 1001) / 1000;
  if (Math.abs(ntsc - Math.round(ntsc)) < 1e-3) return [Math.round(ntsc) * 1000, 1001];
  return [Math.round(fps * 1000), 1000];
}

/** EnumFormat: raw video in exactly this format, size and rate (browsers skip nodes that offer ranges). */
export function enumFormat(spaFormat: number, width: number, height: number, fps: number): Buffer {
  const [num, denom] = rateFraction(fps);
  return object(OBJECT_Format, PARAM_EnumFormat, [
    [FORMAT_mediaType, id(MEDIA_TYPE_video)],
    [FORMAT_mediaSubtype, id(MEDIA_SUBTYPE_raw)],
    [FORMAT_VIDEO_format, id(spaFormat)],
    [FORMAT_VIDEO_size, rectangle(width, height)],
    [FORMAT_VIDEO_framerate, fraction(num, denom)],
  ]);
}

/**
 * Buffers: 2 to 16 buffers (8 preferred: a fixed small count made pipewiresrc fail to allocate), one data
 * block each of a whole frame, in shared memory.
 */
export function buffersParam(frameBytes: number, stride: number): Buffer {
  return object(OBJECT_ParamBuffers, PARAM_Buffers, [
    [BUFFERS_buffers, intRange(8, 2, 16)],
    [BUFFERS_blocks, int(1)],
    [BUFFERS_size, int(frameBytes)],
    [BUFFERS_stride, int(stride)],
    [BUFFERS_dataType, int((1 << DATA_MemFd) | (1 << DATA_MemPtr))],
  ]);
}

/**
 * The one table of pixel formats. Every size, fourcc, converter choice and (later) V4L2 field is
 * derived from these entries; nothing else in loopcam repeats them.
 */

/** Pixel formats a caller holds (what you draw or decode into). */
export const INPUTS = {
  rgba: { bytesPerPixel: 4, r: 0, g: 1, b: 2, description: 'R, G, B, A bytes (canvas ImageData, pngjs)' },
  bgra: { bytesPerPixel: 4, r: 2, g: 1, b: 0, description: 'B, G, R, A bytes (Cairo, Skia, Windows DIBs)' },
  rgb24: { bytesPerPixel: 3, r: 0, g: 1, b: 2, description: 'R, G, B bytes (sharp raw, ffmpeg rgb24)' },
  bgr24: { bytesPerPixel: 3, r: 2, g: 1, b: 0, description: 'B, G, R bytes (OpenCV)' },
  gray: { bytesPerPixel: 1, r: 0, g: 0, b: 0, description: 'one luminance byte per pixel (R = G = B)' },
} as const satisfies Record<string, InputFormat>;

export interface InputFormat {
  /** Bytes of one pixel in a row. */
  readonly bytesPerPixel: 1 | 3 | 4;
  /** Byte offsets of red, green and blue inside a pixel (all 0 for gray). */
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly description: string;
}

/**
 * One plane of an output frame, as a repeating unit of bytes. Each unit covers `pixels` pixels of a
 * row and `rows` rows: its letters say which sample each byte holds. `Y` bytes take the unit's pixels
 * in turn; `U`/`V` are the chroma of the whole unit (the rounded average of its pixels); `R`/`G`/`B`
 * copy the pixel. So 'YUYV' over 2×1 pixels is 4:2:2, 'U' over 2×2 pixels is a 4:2:0 chroma plane.
 */
export interface Plane {
  readonly unit: string;
  readonly pixels: 1 | 2;
  readonly rows: 1 | 2;
}

/** The WASM kernel family that writes a format (see assembly/index.ts). */
export type Kernel = 'yuyv' | 'uyvy' | 'i420' | 'nv12' | 'rgb24' | 'bgr24' | 'gray';

export interface OutputFormat {
  /** The V4L2 fourcc as four characters, e.g. 'YUYV' (V4L2_PIX_FMT_YUYV). */
  readonly fourcc: string;
  /** The name V4L2 and ffmpeg use for it, for messages and docs. */
  readonly v4l2: string;
  readonly ffmpeg: string;
  /** Whether the YUV matrix and range apply (false for RGB outputs). */
  readonly yuv: boolean;
  readonly planes: readonly Plane[];
  readonly kernel: Kernel;
}

/** Pixel formats a camera carries. */
export const FORMATS = {
  yuyv: { fourcc: 'YUYV', v4l2: 'V4L2_PIX_FMT_YUYV', ffmpeg: 'yuyv422', yuv: true, kernel: 'yuyv',
    planes: [{ unit: 'YUYV', pixels: 2, rows: 1 }] },
  uyvy: { fourcc: 'UYVY', v4l2: 'V4L2_PIX_FMT_UYVY', ffmpeg: 'uyvy422', yuv: true, kernel: 'uyvy',
    planes: [{ unit: 'UYVY', pixels: 2, rows: 1 }] },
  i420: { fourcc: 'YU12', v4l2: 'V4L2_PIX_FMT_YUV420', ffmpeg: 'yuv420p', yuv: true, kernel: 'i420',
    planes: [{ unit: 'Y', pixels: 1, rows: 1 }, { unit: 'U', pixels: 2, rows: 2 }, { unit: 'V', pixels: 2, rows: 2 }] },
  yv12: { fourcc: 'YV12', v4l2: 'V4L2_PIX_FMT_YVU420', ffmpeg: 'yuv420p (U and V planes swapped)', yuv: true, kernel: 'i420',
    planes: [{ unit: 'Y', pixels: 1, rows: 1 }, { unit: 'V', pixels: 2, rows: 2 }, { unit: 'U', pixels: 2, rows: 2 }] },
  nv12: { fourcc: 'NV12', v4l2: 'V4L2_PIX_FMT_NV12', ffmpeg: 'nv12', yuv: true, kernel: 'nv12',
    planes: [{ unit: 'Y', pixels: 1, rows: 1 }, { unit: 'UV', pixels: 2, rows: 2 }] },
  rgb24: { fourcc: 'RGB3', v4l2: 'V4L2_PIX_FMT_RGB24', ffmpeg: 'rgb24', yuv: false, kernel: 'rgb24',
    planes: [{ unit: 'RGB', pixels: 1, rows: 1 }] },
  bgr24: { fourcc: 'BGR3', v4l2: 'V4L2_PIX_FMT_BGR24', ffmpeg: 'bgr24', yuv: false, kernel: 'bgr24',
    planes: [{ unit: 'BGR', pixels: 1, rows: 1 }] },
  gray: { fourcc: 'GREY', v4l2: 'V4L2_PIX_FMT_GREY', ffmpeg: 'gray', yuv: true, kernel: 'gray',
    planes: [{ unit: 'Y', pixels: 1, rows: 1 }] },
} as const satisfies Record<string, OutputFormat>;

export type InputName = keyof typeof INPUTS;
export type FormatName = keyof typeof FORMATS;

export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** V4L2 fourcc code: the four characters little-endian in a u32 (v4l2_fourcc()). */
export function fourccCode(fourcc: string): number {
  return (fourcc.charCodeAt(0) | (fourcc.charCodeAt(1) << 8) | (fourcc.charCodeAt(2) << 16) |
    (fourcc.charCodeAt(3) << 24)) >>> 0;
}

/** Where one plane sits in a frame of a given size. */
export interface PlaneLayout extends Plane {
  readonly offset: number;
  readonly bytesPerLine: number;
  readonly height: number;
  readonly size: number;
}

/** The byte layout of one tightly packed output frame: what V4L2 calls bytesperline and sizeimage. */
export interface FrameLayout {
  readonly format: FormatName;
  readonly width: number;
  readonly height: number;
  /** Bytes per row of the first plane: V4L2's `bytesperline`. */
  readonly bytesPerLine: number;
  /** Bytes of a whole frame, all planes: V4L2's `sizeimage` (before any driver rounding). */
  readonly sizeImage: number;
  readonly planes: readonly PlaneLayout[];
}

/**
 * The largest block of pixels one unit of the format covers: width must be a multiple of the first
 * number and height of the second (2×1 for 4:2:2, 2×2 for 4:2:0, 1×1 otherwise).
 */
export function blockSize(format: FormatName): readonly [number, number] {
  const planes: readonly Plane[] = FORMATS[format].planes;
  return [Math.max(...planes.map((p) => p.pixels)), Math.max(...planes.map((p) => p.rows))];
}

/** Computes plane offsets, `bytesperline` and `sizeimage`; width and height must already be valid. */
export function frameLayout(format: FormatName, width: number, height: number): FrameLayout {
  let offset = 0;
  const planes = FORMATS[format].planes.map((plane: Plane): PlaneLayout => {
    const bytesPerLine = (width / plane.pixels) * plane.unit.length;
    const rows = height / plane.rows;
    const layout = { ...plane, offset, bytesPerLine, height: rows, size: bytesPerLine * rows };
    offset += layout.size;
    return layout;
  });
  return { format, width, height, bytesPerLine: planes[0]!.bytesPerLine, sizeImage: offset, planes };
}

/** Bytes of one input row without padding. */
export function inputRowBytes(input: InputName, width: number): number {
  return INPUTS[input].bytesPerPixel * width;
}

/** A short human description of a frame size, for messages: "1280×720 yuyv". */
export function describeFrame(format: string, width: number, height: number): string {
  return `${width}×${height} ${format}`;
}

/**
 * The one table of pixel formats. Every size, fourcc, converter choice and (later) V4L2 field is
 * derived from these entries; nothing else in loopcam repeats them.
 */

/**
 * Pixel formats a caller holds (what you draw, decode or capture into). RGB and gray inputs are pixels
 * of 4, 3 or 1 bytes; YUV inputs are frames laid out exactly as the output format of the same name
 * (`format`: the same planes, see FORMATS), whose samples pass through to YUV outputs.
 */
export const INPUTS = {
  rgba: { bytesPerPixel: 4, r: 0, g: 1, b: 2, description: 'R, G, B, A bytes (canvas ImageData, pngjs)' },
  bgra: { bytesPerPixel: 4, r: 2, g: 1, b: 0, description: 'B, G, R, A bytes (Cairo, Skia, Windows DIBs)' },
  rgb24: { bytesPerPixel: 3, r: 0, g: 1, b: 2, description: 'R, G, B bytes (sharp raw, ffmpeg rgb24)' },
  bgr24: { bytesPerPixel: 3, r: 2, g: 1, b: 0, description: 'B, G, R bytes (OpenCV)' },
  gray: { bytesPerPixel: 1, r: 0, g: 0, b: 0, description: 'one luminance byte per pixel (R = G = B)' },
  yuyv: yuvInput('yuyv', 'packed 4:2:2 Y0 U Y1 V (webcams, ffmpeg yuyv422)'),
  uyvy: yuvInput('uyvy', 'packed 4:2:2 U Y0 V Y1 (capture cards, ffmpeg uyvy422)'),
  i420: yuvInput('i420', 'planar 4:2:0: Y, then U, then V (ffmpeg yuv420p, most video decoders)'),
  yv12: yuvInput('yv12', 'planar 4:2:0: Y, then V, then U'),
  nv12: yuvInput('nv12', '4:2:0: Y, then interleaved U V (hardware decoders, ffmpeg nv12)'),
} as const satisfies Record<string, InputFormat>;

/** An input of 4-, 3- or 1-byte pixels, converted through the colour matrix. */
export interface PixelInput {
  /** Bytes of one pixel in a row. */
  readonly bytesPerPixel: 1 | 3 | 4;
  /** Byte offsets of red, green and blue inside a pixel (all 0 for gray). */
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly description: string;
}

/** The output formats that are also inputs: their samples pass through (see `yuvInputPlanes`). */
export type YuvInputName = 'yuyv' | 'uyvy' | 'i420' | 'yv12' | 'nv12';

/** A YUV input: a frame laid out as the output format `format` (the same planes). */
export interface YuvInput<F extends YuvInputName = YuvInputName> {
  readonly format: F;
  /** Pixels of a YUV frame have no fixed size: use `inputFrameBytes` / `inputRowBytes`. */
  readonly bytesPerPixel?: undefined;
  readonly description: string;
}

export type InputFormat = PixelInput | YuvInput;

function yuvInput<F extends YuvInputName>(format: F, description: string): YuvInput<F> {
  return { format, description };
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
export type Kernel = 'yuyv' | 'uyvy' | 'i420' | 'i422' | 'nv12' | 'rgb24' | 'bgr24' | 'gray';

export interface OutputFormat {
  /** The V4L2 fourcc as four characters, e.g. 'YUYV' (V4L2_PIX_FMT_YUYV). */
  readonly fourcc: string;
  /** The name V4L2 uses for it, and ffmpeg's pixel format (null where ffmpeg has none: YV12's plane order). */
  readonly v4l2: string;
  readonly ffmpeg: string | null;
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
  yv12: { fourcc: 'YV12', v4l2: 'V4L2_PIX_FMT_YVU420', ffmpeg: null, yuv: true, kernel: 'i420',
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

/**
 * Every layout a converter writes: the camera formats, and planar 4:2:2 (V4L2's YUV422P), which no camera
 * here carries but a Y4M recording holds yuyv and uyvy in — converting straight to it spares a recording
 * the repacking pass (see `y4mLayout`).
 */
export const LAYOUTS = {
  ...FORMATS,
  i422: { fourcc: '422P', v4l2: 'V4L2_PIX_FMT_YUV422P', ffmpeg: 'yuv422p', yuv: true, kernel: 'i422',
    planes: [{ unit: 'Y', pixels: 1, rows: 1 }, { unit: 'U', pixels: 2, rows: 1 }, { unit: 'V', pixels: 2, rows: 1 }] },
} as const satisfies Record<string, OutputFormat>;

export type InputName = keyof typeof INPUTS;
export type FormatName = keyof typeof FORMATS;
export type LayoutName = keyof typeof LAYOUTS;

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
  readonly format: LayoutName;
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
export function blockSize(format: LayoutName): readonly [number, number] {
  const planes: readonly Plane[] = LAYOUTS[format].planes;
  return [Math.max(...planes.map((p) => p.pixels)), Math.max(...planes.map((p) => p.rows))];
}

/** Bytes one pixel takes in a plane's rows: 2 for YUYV, 1 for Y and NV12's UV, ½ for I420's U. */
function planeBytesPerPixel(plane: Plane): number {
  return plane.unit.length / plane.pixels;
}

/**
 * Lays out a format's planes one after another, the first plane's rows `bytesPerLine` bytes apart and
 * every other plane's rows scaled by its bytes per pixel (V4L2's rule for padded planar frames).
 */
function layPlanes(format: LayoutName, height: number, bytesPerLine: number): PlaneLayout[] {
  const planes: readonly Plane[] = LAYOUTS[format].planes;
  const first = planeBytesPerPixel(planes[0]!);
  let offset = 0;
  return planes.map((plane): PlaneLayout => {
    const lineBytes = (bytesPerLine / first) * planeBytesPerPixel(plane);
    const rows = height / plane.rows;
    const layout = { ...plane, offset, bytesPerLine: lineBytes, height: rows, size: lineBytes * rows };
    offset += layout.size;
    return layout;
  });
}

/** Computes plane offsets, `bytesperline` and `sizeimage`; width and height must already be valid. */
export function frameLayout(format: LayoutName, width: number, height: number): FrameLayout {
  const planes = layPlanes(format, height, width * planeBytesPerPixel(LAYOUTS[format].planes[0]!));
  const last = planes[planes.length - 1]!;
  return { format, width, height, bytesPerLine: planes[0]!.bytesPerLine, sizeImage: last.offset + last.size, planes };
}

/** The YUV output format an input is laid out as, or undefined for RGB and gray inputs. */
export function yuvInputFormat(input: InputName): YuvInputName | undefined {
  const entry: InputFormat = INPUTS[input];
  return 'format' in entry ? entry.format : undefined;
}

/** Whether an input converts to a format: YUV inputs only to YUV formats (`gray` included). */
export function canConvert(input: InputName, format: LayoutName): boolean {
  return yuvInputFormat(input) === undefined || LAYOUTS[format].yuv;
}

/**
 * The pixel block an input comes in, like `blockSize`: width must be a multiple of the first number and
 * height of the second (2×1 for yuyv/uyvy, 2×2 for i420/yv12/nv12, 1×1 for RGB and gray).
 */
export function inputBlockSize(input: InputName): readonly [number, number] {
  const format = yuvInputFormat(input);
  return format ? blockSize(format) : [1, 1];
}

/**
 * Bytes of one input row without padding: the least `inputStride` can be. For planar YUV inputs this is
 * the luma row (`width` bytes); for yuyv/uyvy `width × 2`.
 */
export function inputRowBytes(input: InputName, width: number): number {
  const format = yuvInputFormat(input);
  if (format) return width * planeBytesPerPixel(FORMATS[format].planes[0]!);
  return (INPUTS[input] as PixelInput).bytesPerPixel * width;
}

/**
 * The planes of a YUV input frame of `width × height`, rows `inputStride` bytes apart (default packed).
 * For planar inputs that is the luma stride, and chroma rows are half of it for I420/YV12 and equal to it
 * for NV12 (V4L2's rule). `inputStride` must be valid (see `inputStrideProblem`).
 */
export function yuvInputPlanes(input: YuvInputName, width: number, height: number, inputStride?: number): PlaneLayout[] {
  return layPlanes(input, height, inputStride ?? inputRowBytes(input, width));
}

/**
 * Bytes of one input frame of `width × height`, rows `inputStride` bytes apart (default packed): what a
 * converter's `input` holds and what `convert(pixels)` takes. For planar YUV inputs `inputStride` is the
 * luma row's (chroma rows follow V4L2's rule, see `yuvInputPlanes`).
 */
export function inputFrameBytes(input: InputName, width: number, height: number, inputStride?: number): number {
  const format = yuvInputFormat(input);
  if (!format) return (inputStride ?? inputRowBytes(input, width)) * height;
  return yuvInputPlanes(format, width, height, inputStride).reduce((sum, plane) => sum + plane.size, 0);
}

/**
 * What is wrong with `inputStride` for this input and width, as the rest of a RangeError message that
 * starts with "inputStride N "; undefined when it is fine.
 */
export function inputStrideProblem(input: InputName, width: number, inputStride: number): string | undefined {
  const least = inputRowBytes(input, width);
  const format = yuvInputFormat(input);
  if (!Number.isInteger(inputStride)) return 'is not a whole number of bytes';
  if (inputStride < least) {
    const per = !format ? `${(INPUTS[input] as PixelInput).bytesPerPixel} per pixel`
      : FORMATS[format].planes.length === 1 ? '2 per pixel' : 'the luma row, 1 per pixel';
    return `is smaller than one row: ${width} ${input} pixels need at least ${least} bytes (${per})`;
  }
  if (format && !yuvInputPlanes(format, width, 2, inputStride).every((plane) => Number.isInteger(plane.bytesPerLine))) {
    return `is odd, but ${input} chroma rows are half the luma stride (V4L2's rule), so it must be even: use ${inputStride - 1} or ${inputStride + 1}`;
  }
  return undefined;
}

/** A short human description of a frame size, for messages: "1280×720 yuyv". */
export function describeFrame(format: string, width: number, height: number): string {
  return `${width}×${height} ${format}`;
}

/** loopcam: feed a Linux v4l2loopback virtual camera from Node.js. */
export { createConverter, Converter, PATTERNS, type Pattern, type Pixels } from './convert/converter.js';
export type { ConverterOptions, Engine, FrameSpec } from './convert/spec.js';
export { MAX_DIMENSION } from './convert/spec.js';
export { FORMATS, FORMAT_NAMES, INPUTS, INPUT_NAMES, fourccCode, frameLayout, type FormatName, type InputName, type FrameLayout, type PlaneLayout } from './formats.js';
export { coefficients, MATRICES, RANGES, type Matrix, type Range, type Coefficients } from './colour.js';
export { LoopcamError, type LoopcamErrorCode } from './errors.js';
export { listDevices, type DeviceInfo } from './v4l2/devices.js';
export { openOutput, OutputDevice, type OutputOptions, type Negotiated } from './v4l2/output.js';
export { createDevice, removeDevice, type CreateDeviceOptions, type CreatedDevice } from './v4l2/control.js';
export { Streamer, type StreamerOptions, type SinkOption } from './stream/streamer.js';
export type { Sink } from './stream/sinks.js';
export type { StreamStats } from './stream/stats.js';
export { readImage, decodeImage, type DecodedImage, type ImageLimits } from './sources/image.js';
export { FITS, type Fit } from './sources/fit.js';

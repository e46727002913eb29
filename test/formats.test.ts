import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FORMAT_NAMES, FORMATS, fourccCode, frameLayout, INPUTS } from '../src/index.js';
import { canConvert, INPUT_NAMES, inputFrameBytes, inputRowBytes, yuvInputFormat, yuvInputPlanes } from '../src/formats.js';

test('fourcc codes are the V4L2 values (videodev2.h)', () => {
  const expected: Record<string, number> = {
    yuyv: 0x56595559, uyvy: 0x59565955, i420: 0x32315559, yv12: 0x32315659,
    nv12: 0x3231564e, rgb24: 0x33424752, bgr24: 0x33524742, gray: 0x59455247,
  };
  for (const name of FORMAT_NAMES) assert.is(fourccCode(FORMATS[name].fourcc), expected[name], name);
});

test('bytesperline and sizeimage follow from width and height', () => {
  const w = 1280, h = 720;
  const expected: Record<string, [number, number]> = {
    yuyv: [2 * w, 2 * w * h], uyvy: [2 * w, 2 * w * h], i420: [w, (w * h * 3) / 2], yv12: [w, (w * h * 3) / 2],
    nv12: [w, (w * h * 3) / 2], rgb24: [3 * w, 3 * w * h], bgr24: [3 * w, 3 * w * h], gray: [w, w * h],
  };
  for (const name of FORMAT_NAMES) {
    const layout = frameLayout(name, w, h);
    assert.equal([layout.bytesPerLine, layout.sizeImage], expected[name], name);
  }
});

test('planar layouts: I420 is Y, U, V; YV12 is Y, V, U; NV12 is Y then interleaved UV', () => {
  const w = 640, h = 480, y = w * h, c = y / 4;
  const planes = (name: 'i420' | 'yv12' | 'nv12') =>
    frameLayout(name, w, h).planes.map((p) => [p.unit, p.offset, p.bytesPerLine, p.height]);
  assert.equal(planes('i420'), [['Y', 0, w, h], ['U', y, w / 2, h / 2], ['V', y + c, w / 2, h / 2]]);
  assert.equal(planes('yv12'), [['Y', 0, w, h], ['V', y, w / 2, h / 2], ['U', y + c, w / 2, h / 2]]);
  assert.equal(planes('nv12'), [['Y', 0, w, h], ['UV', y, w, h / 2]]);
});

test('odd sizes are fine for formats without subsampling', () => {
  assert.is(frameLayout('rgb24', 17, 3).sizeImage, 17 * 3 * 3);
  assert.is(frameLayout('gray', 17, 3).bytesPerLine, 17);
});

test('input table: channel offsets', () => {
  assert.equal([INPUTS.rgba.r, INPUTS.rgba.b, INPUTS.bgra.r, INPUTS.bgra.b], [0, 2, 2, 0]);
  assert.equal([INPUTS.rgb24.bytesPerPixel, INPUTS.bgr24.r, INPUTS.gray.bytesPerPixel], [3, 2, 1]);
});

test('YUV inputs are the formats of the same name: same planes, strides by V4L2\'s rule', () => {
  assert.equal(INPUT_NAMES, ['rgba', 'bgra', 'rgb24', 'bgr24', 'gray', 'yuyv', 'uyvy', 'i420', 'yv12', 'nv12']);
  for (const input of ['yuyv', 'uyvy', 'i420', 'yv12', 'nv12'] as const) {
    assert.is(yuvInputFormat(input), input);
    assert.is(INPUTS[input].bytesPerPixel, undefined);
    // Packed rows: the same layout as the output format.
    assert.equal(yuvInputPlanes(input, 640, 480), frameLayout(input, 640, 480).planes, input);
    assert.is(inputFrameBytes(input, 640, 480), frameLayout(input, 640, 480).sizeImage, input);
  }
  assert.is(yuvInputFormat('gray'), undefined);
  const planes = (name: 'i420' | 'yv12' | 'nv12' | 'yuyv', stride: number) =>
    yuvInputPlanes(name, 640, 480, stride).map((p) => [p.unit, p.offset, p.bytesPerLine]);
  assert.equal(planes('i420', 704), [['Y', 0, 704], ['U', 704 * 480, 352], ['V', 704 * 480 + 352 * 240, 352]]);
  assert.equal(planes('yv12', 704), [['Y', 0, 704], ['V', 704 * 480, 352], ['U', 704 * 480 + 352 * 240, 352]]);
  assert.equal(planes('nv12', 701), [['Y', 0, 701], ['UV', 701 * 480, 701]]);
  assert.equal(planes('yuyv', 1299), [['YUYV', 0, 1299]]);
  assert.equal([inputRowBytes('yuyv', 640), inputRowBytes('i420', 640), inputRowBytes('rgb24', 640)], [1280, 640, 1920]);
  assert.equal([inputFrameBytes('rgba', 640, 480), inputFrameBytes('rgb24', 640, 480, 2000), inputFrameBytes('nv12', 640, 480, 701)],
    [640 * 480 * 4, 2000 * 480, 701 * 480 * 1.5]);
});

test('which pairs convert: YUV inputs to YUV formats and gray only', () => {
  for (const input of INPUT_NAMES) {
    for (const format of FORMAT_NAMES) {
      assert.is(canConvert(input, format), !yuvInputFormat(input) || !format.includes('rgb') && !format.includes('bgr'), `${input} → ${format}`);
    }
  }
});

test.run();

/** V4L2 constants loopcam uses (linux/videodev2.h), named as there. */
export const V4L2_CAP_VIDEO_CAPTURE = 0x00000001;
export const V4L2_CAP_VIDEO_OUTPUT = 0x00000002;
export const V4L2_CAP_VIDEO_M2M = 0x00008000;
export const V4L2_CAP_READWRITE = 0x01000000;
export const V4L2_CAP_STREAMING = 0x04000000;
export const V4L2_CAP_DEVICE_CAPS = 0x80000000;

export const V4L2_BUF_TYPE_VIDEO_CAPTURE = 1;
export const V4L2_BUF_TYPE_VIDEO_OUTPUT = 2;
export const V4L2_FIELD_NONE = 1;

export const V4L2_COLORSPACE_DEFAULT = 0;
export const V4L2_COLORSPACE_SMPTE170M = 1;
export const V4L2_COLORSPACE_REC709 = 3;
export const V4L2_COLORSPACE_JPEG = 7;
export const V4L2_COLORSPACE_SRGB = 8;
export const V4L2_YCBCR_ENC_601 = 1;
export const V4L2_YCBCR_ENC_709 = 2;
export const V4L2_QUANTIZATION_FULL_RANGE = 1;
export const V4L2_QUANTIZATION_LIM_RANGE = 2;
export const V4L2_XFER_FUNC_709 = 1;
export const V4L2_XFER_FUNC_SRGB = 2;

export const V4L2_CAP_TIMEPERFRAME = 0x1000;

/** v4l2loopback's keep_format control: V4L2_CID_USER_BASE (0x00980900) + 0xf000. */
export const V4L2LOOPBACK_CID_KEEP_FORMAT = 0x0098f900;

/** The driver name v4l2loopback reports in QUERYCAP. */
export const LOOPBACK_DRIVER = 'v4l2 loopback';

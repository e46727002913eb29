// Input unpackers: 3-byte and 1-byte pixels → the 4-byte row the kernels read. Each writes whole
// blocks of 16 pixels (the row buffer is rounded up) and may read up to 16 bytes past the row end,
// which the caller's buffers leave room for.

// Spread 4 RGB pixels (12 bytes) to 16; the 4th byte is never weighed, so any value will do.
const SPREAD_RGB = memory.data<u8>([0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11, 0x80], 16);
// Repeat 4 gray bytes into R, G, B (and the unused 4th byte).
const SPREAD_GRAY = memory.data<u8>([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], 16);

export function unpackRGB24(src: usize, dst: usize, n: i32): void {
  const spread = v128.load(SPREAD_RGB);
  const end = dst + (<usize>n << 2);
  while (dst < end) {
    v128.store(dst, i8x16.swizzle(v128.load(src), spread));
    v128.store(dst, i8x16.swizzle(v128.load(src, 12), spread), 16);
    v128.store(dst, i8x16.swizzle(v128.load(src, 24), spread), 32);
    v128.store(dst, i8x16.swizzle(v128.load(src, 36), spread), 48);
    src += 48;
    dst += 64;
  }
}

export function unpackGray(src: usize, dst: usize, n: i32): void {
  const spread = v128.load(SPREAD_GRAY);
  const four = i8x16.splat(4);
  const s1 = i8x16.add(spread, four), s2 = i8x16.add(s1, four), s3 = i8x16.add(s2, four);
  const end = dst + (<usize>n << 2);
  while (dst < end) {
    const g = v128.load(src);
    v128.store(dst, i8x16.swizzle(g, spread));
    v128.store(dst, i8x16.swizzle(g, s1), 16);
    v128.store(dst, i8x16.swizzle(g, s2), 32);
    v128.store(dst, i8x16.swizzle(g, s3), 48);
    src += 16;
    dst += 64;
  }
}

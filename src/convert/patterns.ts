/** Test patterns: colour bars, a gradient, or bars with a moving box, frame counter and time. */
export const PATTERNS = ['bars', 'gradient', 'moving'] as const;
export type Pattern = (typeof PATTERNS)[number];

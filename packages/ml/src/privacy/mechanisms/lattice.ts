/**
 * The power of two, about 2^-40 times `scale`, that mechanism outputs are
 * multiples of. Outputs on a fixed lattice far coarser than a double's resolution
 * carry none of the low-order bits through which floating-point noise reveals
 * the true value (Mironov 2012).
 */
export function outputGranularity(scale: number): number {
  return 2 ** (Math.ceil(Math.log2(scale)) - 40);
}

/** `value` rounded to the nearest multiple of `granularity` (a power of two). */
export function roundToGranularity(value: number, granularity: number): number {
  return Math.round(value / granularity) * granularity;
}

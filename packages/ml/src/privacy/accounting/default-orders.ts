/**
 * The Rényi orders Opacus's RDPAccountant optimises over by default
 * (`DEFAULT_ALPHAS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))`):
 * 1.1, 1.2, …, 10.9, then 12, 13, …, 63. Computed the same way as Python does, so the
 * float values are bit for bit Python's.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

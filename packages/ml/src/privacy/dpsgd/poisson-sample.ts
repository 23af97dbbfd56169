/**
 * The rows of one Poisson-sampled batch: each of `rows` indexes is in it
 * independently with probability `sampleRate`, so the batch size varies
 * (Binomial(rows, q)). Drawn by geometric gaps between chosen rows,
 * ⌊ln U / ln(1 − q)⌋, which is the same distribution at about q·rows draws
 * instead of one per row. `uniform` returns values in [0, 1).
 */
export function poissonSample(rows: number, sampleRate: number, uniform: () => number): number[] {
  if (sampleRate >= 1) {
    return Array.from({ length: rows }, (_, i) => i);
  }
  const logKeepOut = Math.log1p(-sampleRate);
  const out: number[] = [];
  let i = -1;
  for (;;) {
    // 1 − U lies in (0, 1], so the logarithm is finite.
    i += 1 + Math.floor(Math.log(1 - uniform()) / logKeepOut);
    if (i >= rows) {
      return out;
    }
    out.push(i);
  }
}

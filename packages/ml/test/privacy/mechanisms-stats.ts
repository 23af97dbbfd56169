// Goodness-of-fit helpers for the mechanism tests: a one-sample Kolmogorov–Smirnov
// test against an exact CDF, and Pearson's chi-squared test against expected counts.

/** The KS statistic D = sup |F_n(x) − F(x)| of `samples` against `cdf`. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

/**
 * The critical value of D at significance 0.001 for n samples, from the
 * asymptotic Kolmogorov distribution: c(α) / sqrt(n) with
 * c(α) = sqrt(−ln(α / 2) / 2) = 1.9495 (good to < 1% for n ≥ 1000).
 */
export function ksCritical001(n: number): number {
  return ksCritical(n, 0.001);
}

/**
 * The same bound at any significance `alpha`. By the Dvoretzky–Kiefer–Wolfowitz
 * inequality with Massart's constant (Ann. Probab. 18, 1990), P(D > ε) ≤ 2e^(−2nε²)
 * for every n, so this critical value is never exceeded by a correct
 * distribution more often than `alpha`.
 */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}

/**
 * Upper 0.1% critical values of the chi-squared distribution by degrees of
 * freedom, from the NIST/SEMATECH e-Handbook of Statistical Methods, section
 * 1.3.6.7.4 (upper critical values of the chi-square distribution).
 */
export const CHI2_CRITICAL_001: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  3: 16.266,
  4: 18.467,
  5: 20.515,
};

/** Pearson's chi-squared statistic of `observed` counts against `expected` counts. */
export function chiSquared(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, o, i) => {
    const e = expected[i] ?? 0;
    return sum + (o - e) ** 2 / e;
  }, 0);
}

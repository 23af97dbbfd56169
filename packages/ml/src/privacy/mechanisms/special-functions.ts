// Rational Chebyshev approximations of W. J. Cody, "Rational Chebyshev
// approximations for the error function", Math. Comp. 23 (1969) 631-637, with the
// coefficients of his SPECFUN routine CALERF (each written as the nearest
// double, the shortest literal that round-trips): about 1e-16 relative error in float64,
// which the accountant needs to agree with SciPy's log_ndtr to 1e-6 after many
// cancelling terms.

const A = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
] as const;
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171] as const;
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
] as const;
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
] as const;
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378, 0.016315387137302097,
] as const;
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132,
  0.0023352049762686918,
] as const;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SMALL = 0.46875;

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const ysq = Math.abs(x) > 1.11e-16 ? x * x : 0;
  let num = A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + (A[i] ?? 0)) * ysq;
    den = (den + (B[i] ?? 0)) * ysq;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/**
 * log(erfc(y)) for y > 0.46875, as -y^2 + log(R(y)) so that it never underflows.
 * y^2 is split as in CALERF (ysq = y rounded down to 1/16) to keep its rounding
 * error out of the exponent.
 */
function logErfcPositive(y: number): number {
  let r: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (C[i] ?? 0)) * y;
      den = (den + (D[i] ?? 0)) * y;
    }
    r = (num + C[7]) / (den + D[7]);
  } else {
    const inv = 1 / (y * y);
    let num = P[5] * inv;
    let den = inv;
    for (let i = 0; i < 4; i++) {
      num = (num + (P[i] ?? 0)) * inv;
      den = (den + (Q[i] ?? 0)) * inv;
    }
    r = (ONE_OVER_SQRT_PI - (inv * (num + P[4])) / (den + Q[4])) / y;
  }
  const ysq = Math.trunc(16 * y) / 16;
  const del = (y - ysq) * (y + ysq);
  return -ysq * ysq - del + Math.log(r);
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate in float64 for all x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) {
    return Number.NaN;
  }
  const y = Math.abs(x);
  if (y <= SMALL) {
    return 1 - erfSmall(x);
  }
  const upper = Math.exp(logErfcPositive(y));
  return x < 0 ? 2 - upper : upper;
}

/** log(erfc(x)), finite far beyond where erfc(x) underflows (x > 26.5). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) {
    return Number.NaN;
  }
  if (x <= SMALL) {
    return Math.log(erfc(x));
  }
  return logErfcPositive(x);
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** log Φ(x), accurate for very negative x (like SciPy's log_ndtr). */
export function logNormalCdf(x: number): number {
  return Math.log(0.5) + logErfc(-x / Math.SQRT2);
}

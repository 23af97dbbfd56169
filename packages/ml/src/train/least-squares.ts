import { TrainInputError } from "./train-input-error.js";

/**
 * Solves min ‖x·b − y‖₂ in float64 by Householder QR, for a row-major `rows × cols`
 * matrix `x` with full column rank and `rows >= cols`. Add a column of ones to `x`
 * to fit an intercept. QR works on `x` itself rather than on xᵀx, so the error
 * grows with cond(x) instead of cond(x)².
 *
 * @example
 * // y = 1 + 2·t through three points: columns [1, t]
 * leastSquares(new Float64Array([1, 0, 1, 1, 1, 2]), new Float64Array([1, 3, 5]), 3, 2);
 * // -> Float64Array [1, 2]
 */
export function leastSquares(
  x: Float64Array,
  y: Float64Array,
  rows: number,
  cols: number,
): Float64Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new TrainInputError(`rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  if (x.length !== rows * cols) {
    throw new TrainInputError(
      `x has ${x.length} values but rows × cols is ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  if (y.length !== rows) {
    throw new TrainInputError(`y has ${y.length} values but x has ${rows} rows`);
  }
  if (rows < cols) {
    throw new TrainInputError(
      `least squares needs at least as many rows as columns, got ${rows} rows and ${cols} columns`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new TrainInputError(
        `x row ${Math.floor(i / cols)}, column ${i % cols}: ${x[i]} is not a finite number`,
      );
    }
  }
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(y[i])) {
      throw new TrainInputError(`y row ${i}: ${y[i]} is not a finite number`);
    }
  }

  const a = Float64Array.from(x);
  const b = Float64Array.from(y);
  const diag = new Float64Array(cols);
  let largest = 0;
  for (let k = 0; k < cols; k++) {
    let norm = 0;
    for (let i = k; i < rows; i++) {
      norm = Math.hypot(norm, a[i * cols + k] ?? 0);
    }
    const akk = a[k * cols + k] ?? 0;
    // Reflect onto −sign(akk)·‖v‖ so that v = a − alpha·e₁ never cancels.
    const alpha = akk > 0 ? -norm : norm;
    diag[k] = alpha;
    largest = Math.max(largest, norm);
    if (norm === 0) {
      continue;
    }
    a[k * cols + k] = akk - alpha;
    let vv = 0;
    for (let i = k; i < rows; i++) {
      vv += (a[i * cols + k] ?? 0) ** 2;
    }
    for (let j = k + 1; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) {
        dot += (a[i * cols + k] ?? 0) * (a[i * cols + j] ?? 0);
      }
      const f = (2 * dot) / vv;
      for (let i = k; i < rows; i++) {
        a[i * cols + j] = (a[i * cols + j] ?? 0) - f * (a[i * cols + k] ?? 0);
      }
    }
    let dot = 0;
    for (let i = k; i < rows; i++) {
      dot += (a[i * cols + k] ?? 0) * (b[i] ?? 0);
    }
    const f = (2 * dot) / vv;
    for (let i = k; i < rows; i++) {
      b[i] = (b[i] ?? 0) - f * (a[i * cols + k] ?? 0);
    }
  }

  // Without column pivoting a dependent column shows up as a tiny diagonal entry.
  const tolerance = largest * Math.max(rows, cols) * Number.EPSILON;
  const coef = new Float64Array(cols);
  for (let k = cols - 1; k >= 0; k--) {
    const r = diag[k] ?? 0;
    if (Math.abs(r) <= tolerance) {
      throw new TrainInputError(
        `column ${k} of x is (numerically) a linear combination of the others; drop it or use a regularised model`,
      );
    }
    let s = b[k] ?? 0;
    for (let j = k + 1; j < cols; j++) {
      s -= (a[k * cols + j] ?? 0) * (coef[j] ?? 0);
    }
    coef[k] = s / r;
  }
  return coef;
}

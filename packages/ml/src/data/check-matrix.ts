import { DataError } from "./data-error.js";

/** Row count of a row-major matrix of `nFeatures` columns, refusing a length that does not fit. */
export function matrixRows(x: Float64Array, nFeatures: number, what: string): number {
  if (x.length % nFeatures !== 0) {
    throw new DataError(
      `${what}: ${x.length} values do not make rows of ${nFeatures} features; pass a row-major matrix with the fitted number of columns`,
    );
  }
  return x.length / nFeatures;
}

/** Refuses NaN and ±Infinity, naming the first position found (row 1-based, column by name). */
export function checkFinite(x: Float64Array, featureNames: readonly string[], what: string): void {
  const d = featureNames.length;
  for (let k = 0; k < x.length; k++) {
    const v = x[k] ?? Number.NaN;
    if (!Number.isFinite(v)) {
      const column = featureNames[k % d] ?? String(k % d);
      throw new DataError(`${what}: row ${Math.floor(k / d) + 1}, column "${column}" is ${v}`, {
        row: Math.floor(k / d) + 1,
        column,
      });
    }
  }
}

/** scikit-learn's `_handle_zeros_in_scale`: a scale too small to divide by becomes 1. */
export function safeScale(scale: number, constant: boolean): number {
  return constant || scale < 10 * Number.EPSILON ? 1 : scale;
}

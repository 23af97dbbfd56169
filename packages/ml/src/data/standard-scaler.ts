import type { TabularDataset } from "./dataset.js";
import { DataError } from "./data-error.js";
import { checkFinite, matrixRows, safeScale } from "./check-matrix.js";

/**
 * Standardises each feature to mean 0 and variance 1, as scikit-learn's StandardScaler:
 * the population standard deviation (divisor n), and a constant column keeps scale 1 so
 * it maps to 0 instead of dividing by zero. `transform(x)` is `(x - mean) / scale`.
 * @example
 * const scaler = new StandardScaler().fit(train);
 * const xTest = scaler.transform(test.x);
 */
export class StandardScaler {
  /** Per-feature mean of the training data (sklearn `mean_`); empty before `fit`. */
  mean: number[] = [];
  /** Per-feature population variance (sklearn `var_`). */
  variance: number[] = [];
  /** Per-feature divisor: the standard deviation, or 1 for a constant column (sklearn `scale_`). */
  scale: number[] = [];

  /** Learns `mean`, `variance` and `scale` from the rows of `data`. */
  fit(data: TabularDataset): this {
    const d = data.featureNames.length;
    const n = matrixRows(data.x, d, `StandardScaler.fit on "${data.name}"`);
    if (n === 0) {
      throw new DataError(`StandardScaler.fit: dataset "${data.name}" has no rows`);
    }
    checkFinite(data.x, data.featureNames, `StandardScaler.fit on "${data.name}"`);
    const mean = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        mean[j] = (mean[j] ?? 0) + (data.x[i * d + j] ?? 0);
      }
    }
    this.mean = mean.map((s) => s / n);
    // Two passes with the rounding correction of sklearn's _incremental_mean_and_var.
    const sq = new Array<number>(d).fill(0);
    const correction = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const t = (data.x[i * d + j] ?? 0) - (this.mean[j] ?? 0);
        sq[j] = (sq[j] ?? 0) + t * t;
        correction[j] = (correction[j] ?? 0) + t;
      }
    }
    this.variance = sq.map((s, j) => Math.max(0, (s - (correction[j] ?? 0) ** 2 / n) / n));
    this.scale = this.variance.map((v, j) => {
      const m = this.mean[j] ?? 0;
      // sklearn's _is_constant_feature: a variance within float error of 0 is 0.
      const constant = v <= n * Number.EPSILON * v + (n * m * Number.EPSILON) ** 2;
      return safeScale(Math.sqrt(v), constant);
    });
    return this;
  }

  /** `(x - mean) / scale` for a row-major matrix with the fitted number of columns. */
  transform(x: Float64Array): Float64Array {
    const d = this.mean.length;
    if (d === 0) {
      throw new DataError("StandardScaler.transform called before fit");
    }
    matrixRows(x, d, "StandardScaler.transform");
    return x.map((v, k) => (v - (this.mean[k % d] ?? 0)) / (this.scale[k % d] ?? 1));
  }

  /** A copy of `data` with its features transformed. */
  transformDataset(data: TabularDataset): TabularDataset {
    return { ...data, x: this.transform(data.x) };
  }
}

import type { TabularDataset } from "./dataset.js";
import { DataError } from "./data-error.js";
import { checkFinite, matrixRows, safeScale } from "./check-matrix.js";

/**
 * Maps each feature's training range onto [0, 1], as scikit-learn's MinMaxScaler with
 * `feature_range=(0, 1)`. `transform(x)` is `x * scale + min`, where (as sklearn's
 * `scale_` and `min_`) `scale = 1 / (dataMax - dataMin)` and `min = -dataMin * scale`.
 * A constant column gets range 1, so its training value maps to 0. Values outside the
 * training range map outside [0, 1] (no clipping).
 */
export class MinMaxScaler {
  /** Per-feature smallest training value (sklearn `data_min_`). */
  dataMin: number[] = [];
  /** Per-feature largest training value (sklearn `data_max_`). */
  dataMax: number[] = [];
  /** Per-feature multiplier (sklearn `scale_`). */
  scale: number[] = [];
  /** Per-feature offset added after scaling (sklearn `min_`), not the data minimum. */
  min: number[] = [];

  /** Learns the per-feature range from the rows of `data`. */
  fit(data: TabularDataset): this {
    const d = data.featureNames.length;
    const n = matrixRows(data.x, d, `MinMaxScaler.fit on "${data.name}"`);
    if (n === 0) {
      throw new DataError(`MinMaxScaler.fit: dataset "${data.name}" has no rows`);
    }
    checkFinite(data.x, data.featureNames, `MinMaxScaler.fit on "${data.name}"`);
    const lo = new Array<number>(d).fill(Number.POSITIVE_INFINITY);
    const hi = new Array<number>(d).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = data.x[i * d + j] ?? 0;
        lo[j] = Math.min(lo[j] ?? v, v);
        hi[j] = Math.max(hi[j] ?? v, v);
      }
    }
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = lo.map((l, j) => 1 / safeScale((hi[j] ?? l) - l, false));
    this.min = lo.map((l, j) => -l * (this.scale[j] ?? 1));
    return this;
  }

  /** `x * scale + min` for a row-major matrix with the fitted number of columns. */
  transform(x: Float64Array): Float64Array {
    const d = this.scale.length;
    if (d === 0) {
      throw new DataError("MinMaxScaler.transform called before fit");
    }
    matrixRows(x, d, "MinMaxScaler.transform");
    return x.map((v, k) => v * (this.scale[k % d] ?? 1) + (this.min[k % d] ?? 0));
  }

  /** A copy of `data` with its features transformed. */
  transformDataset(data: TabularDataset): TabularDataset {
    return { ...data, x: this.transform(data.x) };
  }
}

import { isTextDataset } from "./dataset.js";
import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";

/** The rows of `data` at `indices`, in that order (an index may repeat, e.g. for a bootstrap). */
export function subset<D extends TabularDataset | TextDataset>(
  data: D,
  indices: readonly number[],
): D;
export function subset(
  data: TabularDataset | TextDataset,
  indices: readonly number[],
): TabularDataset | TextDataset {
  const n = isTextDataset(data) ? data.texts.length : data.y.length;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new DataError(`row index ${i} is out of range for dataset "${data.name}" of ${n} rows`);
    }
  }
  if (isTextDataset(data)) {
    return {
      ...data,
      texts: indices.map((i) => data.texts[i] ?? ""),
      labels: Int32Array.from(indices, (i) => data.labels[i] ?? 0),
    };
  }
  const d = data.featureNames.length;
  const x = new Float64Array(indices.length * d);
  indices.forEach((row, k) => {
    x.set(data.x.subarray(row * d, row * d + d), k * d);
  });
  return { ...data, x, y: Float64Array.from(indices, (i) => data.y[i] ?? 0) };
}

import { shuffled } from "../random/seeded.js";
import type { Rng } from "../random/seeded.js";
import { isTextDataset } from "./dataset.js";
import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";

export function checkFraction(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new DataError(`${name} must be a number in (0, 1), got ${value}`);
  }
}

export function labelsOf(
  data: TabularDataset | TextDataset,
  stratify: boolean | undefined,
): ArrayLike<number> | null {
  const classification = isTextDataset(data) || data.task === "classification";
  if (stratify === true && !classification) {
    throw new DataError(`cannot stratify dataset "${data.name}": it is a regression dataset`);
  }
  if (stratify === false || !classification) {
    return null;
  }
  return isTextDataset(data) ? data.labels : data.y;
}

/**
 * scikit-learn's `_approximate_mode`: the most likely per-class counts of a draw of
 * `draws` rows without replacement, ties in the fractional parts broken at random.
 */
function approximateMode(classCounts: readonly number[], draws: number, rng: Rng): number[] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const continuous = classCounts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((a, b) => a + b, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - (floored[i] ?? 0));
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(tied.length, needToAdd);
      for (const i of shuffled(tied, rng).slice(0, addNow)) {
        floored[i] = (floored[i] ?? 0) + 1;
      }
      needToAdd -= addNow;
      if (needToAdd === 0) {
        break;
      }
    }
  }
  return floored;
}

/**
 * Splits row indexes 0..n-1 into parts of the given sizes (summing to n), shuffled.
 * With labels, each part's per-class counts are drawn as StratifiedShuffleSplit does:
 * the first part takes the approximate mode of the class counts, the next part the
 * approximate mode of what is left, and so on.
 */
export function partitionRows(
  n: number,
  sizes: readonly number[],
  labels: ArrayLike<number> | null,
  rng: Rng,
  datasetName: string,
): number[][] {
  if (labels === null) {
    const order = shuffled(
      Array.from({ length: n }, (_, i) => i),
      rng,
    );
    let start = 0;
    return sizes.map((size) => {
      const part = order.slice(start, start + size);
      start += size;
      return part;
    });
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = labels[i] ?? 0;
    const rows = byClass.get(label);
    if (rows === undefined) {
      byClass.set(label, [i]);
    } else {
      rows.push(i);
    }
  }
  const classRows = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const rare = [...byClass.entries()].find((e) => e[1].length < 2);
  if (rare !== undefined) {
    throw new DataError(
      `cannot stratify dataset "${datasetName}": class index ${rare[0]} has only 1 row (need at least 2); pass stratify: false`,
    );
  }
  sizes.forEach((size) => {
    if (size < classRows.length) {
      throw new DataError(
        `cannot stratify dataset "${datasetName}": a part of ${size} rows cannot hold all ${classRows.length} classes; use a larger fraction or stratify: false`,
      );
    }
  });
  let remaining = classRows.map((rows) => rows.length);
  const counts = sizes.map((size) => {
    const drawn = approximateMode(remaining, size, rng);
    remaining = remaining.map((r, c) => r - (drawn[c] ?? 0));
    return drawn;
  });
  const parts: number[][] = sizes.map(() => []);
  classRows.forEach((rows, c) => {
    const order = shuffled(rows, rng);
    let start = 0;
    counts.forEach((partCounts, p) => {
      const count = partCounts[c] ?? 0;
      parts[p]?.push(...order.slice(start, start + count));
      start += count;
    });
  });
  return parts.map((part) => shuffled(part, rng));
}

export function rowsOf(data: TabularDataset | TextDataset): number {
  return isTextDataset(data) ? data.texts.length : data.y.length;
}

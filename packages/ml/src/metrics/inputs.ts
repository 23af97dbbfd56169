import { MetricInputError } from "./errors.js";

/** A class label: an integer class index (0..k-1 or any integers) or a string. */
export type Label = number | string;

/** Class labels, one per sample: all numbers (integers) or all strings. */
export type LabelVector = ArrayLike<number> | ArrayLike<string>;

/** Per-class scores or probabilities, one row per sample, columns in sorted label order. */
export type ScoreMatrix = ReadonlyArray<ArrayLike<number>>;

/**
 * Copies labels into a plain array, refusing what scikit-learn refuses for a classification
 * target: an empty vector, non-integer or non-finite numbers, and a mix of strings and numbers.
 */
export function readLabels(y: LabelVector, name: string): Label[] {
  const out: Label[] = Array.from(y as ArrayLike<Label>);
  if (out.length === 0) {
    throw new MetricInputError(`${name} is empty: pass at least one sample`);
  }
  const kind = typeof out[0];
  out.forEach((v, i) => {
    if (typeof v !== kind) {
      throw new MetricInputError(
        `${name}[${i}] is a ${typeof v} but ${name}[0] is a ${kind}: use all numbers or all strings`,
      );
    }
    if (typeof v === "number" && !Number.isInteger(v)) {
      throw new MetricInputError(
        `${name}[${i}] is ${v}: class labels must be integers or strings (got a continuous target)`,
      );
    }
  });
  return out;
}

/** Copies numbers into a plain array and checks each one is finite. */
export function readNumbers(y: ArrayLike<number>, name: string, allowEmpty = false): number[] {
  const out = Array.from(y);
  if (out.length === 0 && !allowEmpty) {
    throw new MetricInputError(`${name} is empty: pass at least one sample`);
  }
  out.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new MetricInputError(`${name}[${i}] is ${String(v)}: expected a finite number`);
    }
  });
  return out;
}

/** Reads optional sample weights, which must match the number of samples. */
export function readWeights(w: ArrayLike<number> | undefined, n: number): number[] | undefined {
  if (w === undefined) {
    return undefined;
  }
  const out = readNumbers(w, "sampleWeight", true);
  checkSameLength("sampleWeight", out.length, "yTrue", n);
  return out;
}

/** Throws unless two inputs hold the same number of samples. */
export function checkSameLength(aName: string, a: number, bName: string, b: number): void {
  if (a !== b) {
    throw new MetricInputError(
      `${aName} has ${a} samples but ${bName} has ${b}: pass one value per sample in each`,
    );
  }
}

/** Throws when two label vectors mix strings and numbers, which scikit-learn refuses. */
export function checkSameLabelKind(a: readonly Label[], b: readonly Label[]): void {
  if (a.length > 0 && b.length > 0 && typeof a[0] !== typeof b[0]) {
    throw new MetricInputError(
      `yTrue holds ${typeof a[0]}s but yPred holds ${typeof b[0]}s: use one label type`,
    );
  }
}

/**
 * Throws unless every value lies in [0, 1]. A loop rather than Math.max(...values), which
 * overflows the call stack on large inputs.
 */
export function checkProbabilities(values: readonly number[], name: string): void {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  if (max > 1) {
    throw new MetricInputError(
      `${name} contains values greater than 1 (${max}): pass probabilities`,
    );
  }
  if (min < 0) {
    throw new MetricInputError(`${name} contains values lower than 0 (${min}): pass probabilities`);
  }
}

/** Throws when yTrue holds a class that the `labels` option leaves out. */
export function checkLabelsListed(yTrue: readonly Label[], labels: readonly Label[]): void {
  const missing = uniqueLabels(yTrue).filter((c) => !labels.includes(c));
  if (missing.length > 0) {
    throw new MetricInputError(
      `yTrue contains ${missing.map((c) => JSON.stringify(c)).join(", ")}, which labels does not list`,
    );
  }
}

/** Orders labels as numpy.unique does: numbers ascending, strings by code unit. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") {
    return a - b;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct labels of all the given vectors, sorted. */
export function uniqueLabels(...ys: ReadonlyArray<readonly Label[]>): Label[] {
  const set = new Set<Label>();
  for (const y of ys) {
    for (const v of y) {
      set.add(v);
    }
  }
  return [...set].sort(compareLabels);
}

/** Reads a score matrix into rows of equal width, all finite. */
export function readMatrix(m: ScoreMatrix, name: string): number[][] {
  if (m.length === 0) {
    throw new MetricInputError(`${name} is empty: pass at least one sample`);
  }
  const rows = m.map((row, i) => readNumbers(row, `${name}[${i}]`));
  const width = rows[0]?.length ?? 0;
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new MetricInputError(
        `${name}[${i}] has ${row.length} columns but ${name}[0] has ${width}: every row needs one score per class`,
      );
    }
  });
  return rows;
}

/** True when scores are given one row per sample rather than as one score per sample. */
export function isMatrix(y: ArrayLike<number> | ScoreMatrix): y is ScoreMatrix {
  return y.length > 0 && typeof (y as ArrayLike<unknown>)[0] === "object";
}

/** Weighted mean as numpy.average computes it: sum(a*w)/sum(w). */
export function weightedMean(values: readonly number[], weights?: readonly number[]): number {
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    const w = weights === undefined ? 1 : (weights[i] ?? 0);
    num += v * w;
    den += w;
  });
  if (den === 0) {
    throw new MetricInputError("sampleWeight sums to zero: weights must not all be zero");
  }
  return num / den;
}

/** The label scikit-learn takes as positive when none is given: 1 for {0,1}, {-1,1} and their subsets. */
export function defaultPosLabel(classes: readonly Label[], name: string): Label {
  const ok =
    classes.every((c) => typeof c === "number") &&
    classes.length <= 2 &&
    classes.every((c) => c === 0 || c === 1 || c === -1) &&
    !(classes.includes(0) && classes.includes(-1));
  if (!ok) {
    throw new MetricInputError(
      `${name} takes values {${classes.join(", ")}} and posLabel is not given: ` +
        "make the labels {0, 1} or {-1, 1}, or pass posLabel",
    );
  }
  return 1;
}

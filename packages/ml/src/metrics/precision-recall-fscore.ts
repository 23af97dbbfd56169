import { checkClassificationTarget, checkLabelsOption } from "./classification-target.js";
import { MetricInputError } from "./errors.js";
import type { Label, LabelVector } from "./inputs.js";

/**
 * What a ratio with a zero denominator becomes. "warn" acts as 0 (scikit-learn also warns);
 * "nan" gives NaN, which the averages then skip.
 */
export type ZeroDivision = "warn" | 0 | 1 | "nan";

/** How per-class scores are combined; `null` returns one score per label. */
export type Average = "binary" | "micro" | "macro" | "weighted" | null;

/** Options shared by precision, recall and the F-scores. */
export interface PrfOptions {
  /** Labels to score, in output order. Default: sorted labels of both vectors. */
  readonly labels?: readonly Label[];
  /** Class scored when `average` is "binary". Default 1. */
  readonly posLabel?: Label;
  /**
   * Default "binary", as scikit-learn's precision_score, recall_score and F-scores; null for
   * precisionRecallFscoreSupport.
   */
  readonly average?: Average;
  readonly sampleWeight?: ArrayLike<number>;
  /** Default "warn". */
  readonly zeroDivision?: ZeroDivision;
}

/** Per-label precision, recall, F-beta and support (the weighted count of true samples). */
export interface PrfPerClass {
  readonly labels: Label[];
  readonly precision: number[];
  readonly recall: number[];
  readonly fscore: number[];
  readonly support: number[];
}

/** Averaged precision, recall and F-beta. */
export interface PrfAveraged {
  readonly precision: number;
  readonly recall: number;
  readonly fscore: number;
}

function zeroValue(z: ZeroDivision): number {
  return z === "nan" ? Number.NaN : z === "warn" ? 0 : z;
}

function divide(num: readonly number[], den: readonly number[], z: ZeroDivision): number[] {
  return num.map((n, i) => {
    const d = den[i] ?? 0;
    return d === 0 ? zeroValue(z) : n / d;
  });
}

/** scikit-learn's `_nanaverage`: NaNs are skipped; weights that all vanish are ignored. */
function nanAverage(values: readonly number[], weights?: readonly number[]): number {
  const keep = values.map((v) => !Number.isNaN(v));
  const vs = values.filter((_, i) => keep[i]);
  if (vs.length === 0) {
    return Number.NaN;
  }
  const ws = weights?.filter((_, i) => keep[i]);
  const wsum = ws?.reduce((a, b) => a + b, 0) ?? 0;
  if (ws === undefined || wsum === 0) {
    return vs.reduce((a, b) => a + b, 0) / vs.length;
  }
  return vs.reduce((a, v, i) => a + v * (ws[i] ?? 0), 0) / wsum;
}

/**
 * Precision, recall, F-beta and support as scikit-learn's `precision_recall_fscore_support`.
 * F-beta is computed from counts, (1+β²)·tp / ((1+β²)·tp + β²·fn + fp), so it falls back to
 * `zeroDivision` only when a label has neither true nor predicted samples; a label with
 * precision and recall both 0 from real counts scores 0.
 *
 * As in scikit-learn, `average` defaults to null here: one value per label, with supports.
 *
 * @example
 * precisionRecallFscoreSupport([0, 1, 2], [0, 2, 2], 1, { average: "macro" });
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta?: number,
  options?: PrfOptions & { readonly average?: null },
): PrfPerClass;
export function precisionRecallFscoreSupport(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta: number,
  options: PrfOptions & { readonly average: Exclude<Average, null> },
): PrfAveraged;
export function precisionRecallFscoreSupport(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta?: number,
  options?: PrfOptions,
): PrfPerClass | PrfAveraged;
export function precisionRecallFscoreSupport(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta = 1,
  options: PrfOptions = {},
): PrfPerClass | PrfAveraged {
  if (!(beta >= 0)) {
    throw new MetricInputError(`beta is ${beta}: it must be 0 or more`);
  }
  const z = options.zeroDivision ?? "warn";
  const average = options.average ?? null;
  // Typed as string so an untyped caller's bad value still gets a clear error.
  const mode: string | null = average;
  if (mode !== null && !["binary", "micro", "macro", "weighted"].includes(mode)) {
    throw new MetricInputError(
      `average is ${JSON.stringify(mode)}: use "binary", "micro", "macro", "weighted" or null`,
    );
  }
  const t = checkClassificationTarget(yTrue, yPred, options.sampleWeight);
  let labels: Label[] = options.labels === undefined ? t.present : [...options.labels];
  if (options.labels !== undefined) {
    checkLabelsOption(options.labels, t.yTrue);
  }
  if (average === "binary") {
    if (t.type !== "binary") {
      throw new MetricInputError(
        `the target is multiclass (labels ${t.present.join(", ")}) but average is "binary": ` +
          'choose "micro", "macro", "weighted" or null',
      );
    }
    const pos = options.posLabel ?? 1;
    if (!t.present.includes(pos) && t.present.length >= 2) {
      throw new MetricInputError(
        `posLabel ${JSON.stringify(pos)} is not a valid label: it should be one of ${t.present.map((l) => JSON.stringify(l)).join(", ")}`,
      );
    }
    labels = [pos];
  }
  const index = new Map<Label, number>(labels.map((l, i) => [l, i] as const));
  let tp = new Array<number>(labels.length).fill(0);
  let predSum = new Array<number>(labels.length).fill(0);
  let trueSum = new Array<number>(labels.length).fill(0);
  t.yTrue.forEach((label, s) => {
    const w = t.weights === undefined ? 1 : (t.weights[s] ?? 0);
    const pred = t.yPred[s];
    const i = index.get(label);
    const j = pred === undefined ? undefined : index.get(pred);
    if (i !== undefined) {
      trueSum[i] = (trueSum[i] ?? 0) + w;
      if (label === pred) {
        tp[i] = (tp[i] ?? 0) + w;
      }
    }
    if (j !== undefined) {
      predSum[j] = (predSum[j] ?? 0) + w;
    }
  });
  const support = trueSum;
  if (average === "micro") {
    const sum = (a: number[]): number[] => [a.reduce((x, y) => x + y, 0)];
    tp = sum(tp);
    predSum = sum(predSum);
    trueSum = sum(trueSum);
  }
  const precision = divide(tp, predSum, z);
  const recall = divide(tp, trueSum, z);
  let fscore: number[];
  if (beta === Number.POSITIVE_INFINITY) {
    fscore = recall;
  } else if (beta === 0) {
    fscore = precision;
  } else {
    const b2 = beta * beta;
    fscore = divide(
      tp.map((v) => (1 + b2) * v),
      trueSum.map((v, i) => b2 * v + (predSum[i] ?? 0)),
      z,
    );
  }
  if (average === null) {
    return { labels, precision, recall, fscore, support };
  }
  const weights = average === "weighted" ? trueSum : undefined;
  return {
    precision: nanAverage(precision, weights),
    recall: nanAverage(recall, weights),
    fscore: nanAverage(fscore, weights),
  };
}

function pick(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta: number,
  options: PrfOptions,
  key: "precision" | "recall" | "fscore",
): number | number[] {
  const average = options.average === undefined ? "binary" : options.average;
  const result = precisionRecallFscoreSupport(yTrue, yPred, beta, { ...options, average });
  return result[key];
}

/**
 * Precision tp / (tp + fp), as scikit-learn's `precision_score`. Per-label array when
 * `average` is null.
 *
 * @example
 * precisionScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5 (positive class 1)
 */
export function precisionScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions & { readonly average: null },
): number[];
export function precisionScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options?: PrfOptions,
): number;
export function precisionScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions = {},
): number | number[] {
  return pick(yTrue, yPred, 1, options, "precision");
}

/** Recall tp / (tp + fn), as scikit-learn's `recall_score`. Per-label array when `average` is null. */
export function recallScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions & { readonly average: null },
): number[];
export function recallScore(yTrue: LabelVector, yPred: LabelVector, options?: PrfOptions): number;
export function recallScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions = {},
): number | number[] {
  return pick(yTrue, yPred, 1, options, "recall");
}

/** F1, the harmonic mean of precision and recall, as scikit-learn's `f1_score`. */
export function f1Score(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions & { readonly average: null },
): number[];
export function f1Score(yTrue: LabelVector, yPred: LabelVector, options?: PrfOptions): number;
export function f1Score(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: PrfOptions = {},
): number | number[] {
  return pick(yTrue, yPred, 1, options, "fscore");
}

/** F-beta, weighting recall beta times as much as precision, as scikit-learn's `fbeta_score`. */
export function fbetaScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta: number,
  options: PrfOptions & { readonly average: null },
): number[];
export function fbetaScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta: number,
  options?: PrfOptions,
): number;
export function fbetaScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  beta: number,
  options: PrfOptions = {},
): number | number[] {
  return pick(yTrue, yPred, beta, options, "fscore");
}

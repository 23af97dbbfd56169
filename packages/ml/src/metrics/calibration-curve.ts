import { MetricInputError } from "./errors.js";
import {
  checkProbabilities,
  checkSameLength,
  defaultPosLabel,
  readLabels,
  readNumbers,
  uniqueLabels,
  type Label,
  type LabelVector,
} from "./inputs.js";

/** Options of {@link calibrationCurve}. */
export interface CalibrationOptions {
  /** Positive class. Default: 1, allowed only when labels are {0, 1} or {-1, 1}. */
  readonly posLabel?: Label;
  /** Number of bins. Default 5. */
  readonly nBins?: number;
  /** "uniform" (default): equal-width bins on [0, 1]; "quantile": equal-count bins. */
  readonly strategy?: "uniform" | "quantile";
}

/** Per non-empty bin: the fraction of positives and the mean predicted probability. */
export interface CalibrationCurve {
  readonly probTrue: number[];
  readonly probPred: number[];
}

/** numpy.linspace(0, 1, n + 1): i·(1/n), last point exactly 1. */
function linspace01(n: number): number[] {
  const step = 1 / n;
  return Array.from({ length: n + 1 }, (_, i) => (i === n ? 1 : i * step));
}

/** numpy.percentile's default "linear" method, on sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  const virtual = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(virtual);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const gamma = virtual - lo;
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  const diff = b - a;
  // numpy interpolates from the nearer end for accuracy.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * Reliability diagram data, as scikit-learn's `calibration_curve`. A probability equal to an
 * inner bin edge falls into the lower bin; empty bins are left out.
 *
 * @example
 * calibrationCurve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], { nBins: 2 });
 * // probTrue [0, 1], probPred [0.2, 0.75]
 */
export function calibrationCurve(
  yTrueIn: LabelVector,
  yProbIn: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationCurve {
  checkSameLength("yTrue", yTrueIn.length, "yProb", yProbIn.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const yProb = readNumbers(yProbIn, "yProb");
  const nBins = options.nBins ?? 5;
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new MetricInputError(`nBins is ${nBins}: it must be a whole number of at least 1`);
  }
  const classes = uniqueLabels(yTrue);
  const pos = options.posLabel ?? defaultPosLabel(classes, "yTrue");
  checkProbabilities(yProb, "yProb");
  if (classes.length > 2) {
    throw new MetricInputError(
      `yTrue has ${classes.length} classes: calibrationCurve supports binary targets only`,
    );
  }
  let edges: number[];
  // Typed as string so an untyped caller's bad value still gets a clear error.
  const strategy: string = options.strategy ?? "uniform";
  if (strategy === "quantile") {
    const sorted = [...yProb].sort((a, b) => a - b);
    edges = linspace01(nBins).map((q) => percentile(sorted, q * 100));
  } else if (strategy === "uniform") {
    edges = linspace01(nBins);
  } else {
    throw new MetricInputError(
      `strategy is ${JSON.stringify(strategy)}: use "uniform" or "quantile"`,
    );
  }
  const inner = edges.slice(1, -1);
  const sums = new Array<number>(nBins).fill(0);
  const trues = new Array<number>(nBins).fill(0);
  const totals = new Array<number>(nBins).fill(0);
  yProb.forEach((p, i) => {
    // numpy.searchsorted(inner, p, side="left"): the number of inner edges strictly below p.
    let bin = 0;
    while (bin < inner.length && (inner[bin] ?? 0) < p) {
      bin++;
    }
    sums[bin] = (sums[bin] ?? 0) + p;
    trues[bin] = (trues[bin] ?? 0) + (yTrue[i] === pos ? 1 : 0);
    totals[bin] = (totals[bin] ?? 0) + 1;
  });
  const probTrue: number[] = [];
  const probPred: number[] = [];
  totals.forEach((n, b) => {
    if (n !== 0) {
      probTrue.push((trues[b] ?? 0) / n);
      probPred.push((sums[b] ?? 0) / n);
    }
  });
  return { probTrue, probPred };
}

import {
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  calibrationCurve,
  confusionMatrix,
  f1Score,
  logLoss,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  rocAucScore,
  rocCurve,
} from "../metrics/index.js";

/** One class against the rest: the points of its ROC and precision-recall curves. */
export interface ClassCurves {
  readonly label: string;
  readonly roc: { readonly fpr: number[]; readonly tpr: number[]; readonly auc: number };
  readonly precisionRecall: {
    readonly precision: number[];
    readonly recall: number[];
    readonly averagePrecision: number;
  };
}

/**
 * What an evaluation reports for a classifier, and the predictions it scored. Values
 * follow scikit-learn's definitions.
 */
export interface ClassificationResult {
  /** The class index each row's probabilities pick; not part of the report. */
  readonly predicted: number[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly perClass: readonly {
    readonly label: string;
    readonly precision: number;
    readonly recall: number;
    readonly f1: number;
    readonly support: number;
  }[];
  readonly confusionMatrix: { readonly labels: readonly string[]; readonly matrix: number[][] };
  /** One entry per class present in the data; a binary task has only the positive class. */
  readonly curves: readonly ClassCurves[];
  /** Calibration of the positive class, binary tasks only. */
  readonly calibration: {
    readonly meanPredicted: number[];
    readonly fractionPositive: number[];
  } | null;
}

/** A metric averaged to one number (the metrics give per-class arrays only when asked to). */
function single(value: number | number[]): number {
  if (Array.isArray(value)) {
    throw new TypeError("expected one averaged value, got one per class");
  }
  return value;
}

/** The class a row's probabilities pick: the first of the highest, as numpy's argmax. */
function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) {
    if ((row[j] ?? -Infinity) > (row[best] ?? -Infinity)) {
      best = j;
    }
  }
  return best;
}

/**
 * Metrics of a classifier from its class probabilities. `y` holds class indexes into
 * `classes`; `probabilities` one row per sample, columns in `classes` order. With two
 * classes the second is the positive one, as in scikit-learn.
 */
export function classificationMetrics(
  y: ArrayLike<number>,
  probabilities: readonly (readonly number[])[],
  classes: readonly string[],
): ClassificationResult {
  const yTrue = Array.from(y);
  const yPred = probabilities.map(argmax);
  const labels = classes.map((_, i) => i);
  const binary = classes.length === 2;
  const prf = precisionRecallFscoreSupport(yTrue, yPred, 1, { labels, zeroDivision: 0 });
  const metrics: Record<string, number> = {
    accuracy: accuracyScore(yTrue, yPred),
    precision_macro: precisionScore(yTrue, yPred, { labels, average: "macro", zeroDivision: 0 }),
    recall_macro: recallScore(yTrue, yPred, { labels, average: "macro", zeroDivision: 0 }),
    f1_macro: f1Score(yTrue, yPred, { labels, average: "macro", zeroDivision: 0 }),
    precision_weighted: precisionScore(yTrue, yPred, {
      labels,
      average: "weighted",
      zeroDivision: 0,
    }),
    recall_weighted: recallScore(yTrue, yPred, { labels, average: "weighted", zeroDivision: 0 }),
    f1_weighted: f1Score(yTrue, yPred, { labels, average: "weighted", zeroDivision: 0 }),
    log_loss: logLoss(yTrue, probabilities, { labels }),
  };
  const present = labels.filter((c) => yTrue.includes(c));
  const curves: ClassCurves[] = [];
  let calibration: ClassificationResult["calibration"] = null;
  if (binary) {
    const positive = probabilities.map((p) => p[1] ?? 0);
    const positiveClass = { labels, average: "binary", posLabel: 1, zeroDivision: 0 } as const;
    metrics.precision = precisionScore(yTrue, yPred, positiveClass);
    metrics.recall = recallScore(yTrue, yPred, positiveClass);
    metrics.f1 = f1Score(yTrue, yPred, positiveClass);
    metrics.brier_score = brierScoreLoss(yTrue, positive, { labels, posLabel: 1 });
    if (present.length === 2) {
      const auc = single(rocAucScore(yTrue, positive));
      metrics.roc_auc = auc;
      const averagePrecision = single(averagePrecisionScore(yTrue, positive, { posLabel: 1 }));
      metrics.average_precision = averagePrecision;
      curves.push(classCurves(yTrue, positive, 1, classes[1] ?? "1", auc, averagePrecision));
      const calib = calibrationCurve(yTrue, positive, { posLabel: 1, nBins: 10 });
      calibration = { meanPredicted: calib.probPred, fractionPositive: calib.probTrue };
    }
  } else {
    metrics.brier_score = brierScoreLoss(yTrue, probabilities, { labels });
    if (present.length === classes.length) {
      metrics.roc_auc_ovr_macro = single(
        rocAucScore(yTrue, probabilities, { average: "macro", labels }),
      );
    }
    for (const c of present) {
      const scores = probabilities.map((p) => p[c] ?? 0);
      const oneVsRest = yTrue.map((t) => (t === c ? 1 : 0));
      if (present.length > 1) {
        curves.push(
          classCurves(
            oneVsRest,
            scores,
            1,
            classes[c] ?? String(c),
            single(rocAucScore(oneVsRest, scores)),
            single(averagePrecisionScore(oneVsRest, scores, { posLabel: 1 })),
          ),
        );
      }
    }
  }
  return {
    predicted: yPred,
    metrics,
    perClass: classes.map((label, i) => ({
      label,
      precision: prf.precision[i] ?? 0,
      recall: prf.recall[i] ?? 0,
      f1: prf.fscore[i] ?? 0,
      support: prf.support[i] ?? 0,
    })),
    confusionMatrix: { labels: classes, matrix: confusionMatrix(yTrue, yPred, { labels }) },
    curves,
    calibration,
  };
}

function classCurves(
  yTrue: number[],
  scores: number[],
  posLabel: number,
  label: string,
  auc: number,
  averagePrecision: number,
): ClassCurves {
  const roc = rocCurve(yTrue, scores, { posLabel });
  const pr = precisionRecallCurve(yTrue, scores, { posLabel });
  return {
    label,
    roc: { fpr: roc.fpr, tpr: roc.tpr, auc },
    precisionRecall: {
      precision: pr.precision,
      recall: pr.recall,
      averagePrecision,
    },
  };
}

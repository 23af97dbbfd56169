// Examples published in scikit-learn 1.9's docstrings (sklearn/metrics/_classification.py,
// _ranking.py, _regression.py), given here as Float64Array and string inputs, plus the
// messages a caller sees for bad input.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MetricInputError,
  averagePrecisionScore,
  brierScoreLoss,
  confusionMatrix,
  f1Score,
  logLoss,
  meanSquaredError,
  precisionRecallCurve,
  r2Score,
  rocAucScore,
  rocCurve,
} from "../../src/metrics/index.js";

function close(actual: number, expected: number, tol = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

describe("scikit-learn's documented examples", () => {
  const yTrue = new Float64Array([0, 0, 1, 1]);
  const scores = new Float64Array([0.1, 0.4, 0.35, 0.8]);

  it("roc_curve, roc_auc_score and average_precision_score on typed arrays", () => {
    const roc = rocCurve(yTrue, scores);
    assert.deepEqual(roc.fpr, [0, 0, 0.5, 0.5, 1]);
    assert.deepEqual(roc.tpr, [0, 0.5, 0.5, 1, 1]);
    assert.deepEqual(roc.thresholds, [Infinity, 0.8, 0.4, 0.35, 0.1]);
    close(rocAucScore(yTrue, scores) as number, 0.75);
    close(averagePrecisionScore(yTrue, scores) as number, 0.8333333);
  });

  it("precision_recall_curve ends at recall 0, precision 1 with no threshold", () => {
    const pr = precisionRecallCurve(yTrue, scores);
    pr.precision.forEach((p, i) => {
      close(p, [0.5, 0.6666667, 0.5, 1, 1][i] ?? NaN);
    });
    assert.deepEqual(pr.recall, [1, 1, 0.5, 0.5, 0]);
    assert.deepEqual(pr.thresholds, [0.1, 0.35, 0.4, 0.8]);
  });

  it("confusion_matrix with string labels in a given order", () => {
    const t = ["cat", "ant", "cat", "cat", "ant", "bird"];
    const p = ["ant", "ant", "cat", "cat", "ant", "cat"];
    assert.deepEqual(confusionMatrix(t, p, { labels: ["ant", "bird", "cat"] }), [
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it("f1_score averages and the zero-division choice when nothing is positive", () => {
    const t = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    close(f1Score(t, p, { average: "macro" }), 0.267, 1e-3);
    close(f1Score(t, p, { average: "micro" }), 0.333, 1e-3);
    assert.deepEqual(f1Score(t, p, { average: null }), [0.8, 0, 0]);
    const none = [0, 0, 0, 0, 0, 0];
    assert.equal(f1Score(none, none), 0);
    assert.equal(f1Score(none, none, { zeroDivision: 1 }), 1);
    assert.ok(Number.isNaN(f1Score(none, none, { zeroDivision: "nan" })));
  });

  it("log_loss, brier_score_loss, mean_squared_error and r2_score", () => {
    const probs = [
      [0.1, 0.9],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.35, 0.65],
    ];
    close(logLoss(["spam", "ham", "ham", "spam"], probs), 0.21616, 1e-5);
    close(brierScoreLoss([0, 1, 1, 0], new Float64Array([0.1, 0.9, 0.8, 0.3])), 0.0375);
    const truth = new Float64Array([3, -0.5, 2, 7]);
    const pred = new Float64Array([2.5, 0, 2, 8]);
    assert.equal(meanSquaredError(truth, pred), 0.375);
    close(r2Score(truth, pred), 0.948, 1e-3);
  });
});

describe("bad input", () => {
  it("names both inputs when their lengths differ", () => {
    assert.throws(
      () => f1Score([0, 1, 1], [0, 1]),
      (err: unknown) =>
        err instanceof MetricInputError &&
        err.message === "yTrue has 3 samples but yPred has 2: pass one value per sample in each",
    );
  });

  it("points at a non-integer class label", () => {
    assert.throws(
      () => confusionMatrix([0, 1.5], [0, 1]),
      /yTrue\[1\] is 1.5: class labels must be integers/,
    );
  });

  it("says which probability row does not sum to 1", () => {
    assert.throws(
      () =>
        rocAucScore(
          [0, 1, 2],
          [
            [0.2, 0.3, 0.5],
            [0.5, 0.5, 0.5],
            [0.1, 0.1, 0.8],
          ],
        ),
      /yScore\[1\] sums to 1.5/,
    );
  });

  it("asks for labels when yTrue shows a single class to log loss", () => {
    assert.throws(
      () => logLoss([1, 1], [0.9, 0.8]),
      /only one label \(1\): pass every expected class in labels/,
    );
    close(
      logLoss([1, 1], [0.9, 0.8], { labels: [0, 1] }),
      -(Math.log(0.9) + Math.log(0.8)) / 2,
      1e-12,
    );
  });

  it("returns NaN, not an error, for ROC AUC of a single-class yTrue (as scikit-learn 1.9)", () => {
    assert.ok(Number.isNaN(rocAucScore([1, 1, 1], [0.2, 0.5, 0.9])));
  });
});

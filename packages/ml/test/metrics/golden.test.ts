// Replays golden.json, written by scripts/metrics-golden.py from scikit-learn, and compares
// every value to 1e-9 (absolute below 1, relative above).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  MetricInputError,
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  calibrationCurve,
  confusionMatrix,
  f1Score,
  fbetaScore,
  logLoss,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rocCurve,
  rootMeanSquaredError,
  type LabelVector,
  type ScoreMatrix,
} from "../../src/metrics/index.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface GoldenCase {
  readonly fn: string;
  readonly name: string;
  readonly args: Json[];
  readonly kwargs: Record<string, Json>;
  readonly expected?: Json;
  readonly raises?: string;
  /** A documented difference: the value this package returns instead, and why. */
  readonly differs?: { readonly expected: Json; readonly reason: string };
}

const golden = JSON.parse(readFileSync(new URL("golden.json", import.meta.url), "utf8")) as {
  sklearn: string;
  cases: GoldenCase[];
};

/** JSON stand-ins for non-finite floats back to numbers. */
function decode(value: Json): Json {
  if (value === "NaN") {
    return Number.NaN;
  }
  if (value === "Infinity") {
    return Number.POSITIVE_INFINITY;
  }
  if (value === "-Infinity") {
    return Number.NEGATIVE_INFINITY;
  }
  if (Array.isArray(value)) {
    return value.map(decode);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** scikit-learn keyword arguments as this package's options. */
function options(kwargs: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === "multi_class" || key === "beta") {
      continue;
    }
    out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return out;
}

function run(c: GoldenCase): unknown {
  const [a, b] = c.args;
  const yTrue = a as unknown as LabelVector & ArrayLike<number>;
  const second = b as unknown as LabelVector & ArrayLike<number> & ScoreMatrix;
  const o = options(c.kwargs) as never;
  switch (c.fn) {
    case "accuracy_score":
      return accuracyScore(yTrue, second, o);
    case "confusion_matrix":
      return confusionMatrix(yTrue, second, o);
    case "precision_recall_fscore_support":
      return precisionRecallFscoreSupport(yTrue, second, 1, o);
    case "precision_score":
      return precisionScore(yTrue, second, o);
    case "recall_score":
      return recallScore(yTrue, second, o);
    case "f1_score":
      return f1Score(yTrue, second, o);
    case "fbeta_score":
      return fbetaScore(yTrue, second, c.kwargs["beta"] as number, o);
    case "roc_curve": {
      const r = rocCurve(yTrue, second, o);
      return [r.fpr, r.tpr, r.thresholds];
    }
    case "precision_recall_curve": {
      const r = precisionRecallCurve(yTrue, second, o);
      return [r.precision, r.recall, r.thresholds];
    }
    case "roc_auc_score":
      return rocAucScore(yTrue, second, o);
    case "average_precision_score":
      return averagePrecisionScore(yTrue, second, o);
    case "log_loss":
      return logLoss(yTrue, second, o);
    case "brier_score_loss":
      return brierScoreLoss(yTrue, second, o);
    case "calibration_curve": {
      const r = calibrationCurve(yTrue, second, o);
      return [r.probTrue, r.probPred];
    }
    case "mean_squared_error":
      return meanSquaredError(yTrue, second, o);
    case "root_mean_squared_error":
      return rootMeanSquaredError(yTrue, second, o);
    case "mean_absolute_error":
      return meanAbsoluteError(yTrue, second, o);
    case "r2_score":
      return r2Score(yTrue, second, o);
    default:
      throw new Error(`golden.json names an unknown function ${c.fn}`);
  }
}

/** Deep comparison: numbers to 1e-9 (NaN equals NaN), arrays elementwise, objects by key. */
function assertClose(actual: unknown, expected: Json, path: string): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: expected a number, got ${String(actual)}`);
    const x = actual as number;
    if (Number.isNaN(expected) || !Number.isFinite(expected)) {
      assert.ok(Object.is(x, expected), `${path}: expected ${expected}, got ${x}`);
      return;
    }
    const tol = 1e-9 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(x - expected) <= tol, `${path}: expected ${expected}, got ${x}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${String(actual)}`);
    const xs = actual as unknown[];
    assert.equal(xs.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => {
      assertClose(xs[i], e, `${path}[${i}]`);
    });
    return;
  }
  if (expected !== null && typeof expected === "object") {
    for (const [key, e] of Object.entries(expected)) {
      assertClose((actual as Record<string, unknown>)[key], e, `${path}.${key}`);
    }
    return;
  }
  assert.equal(actual, expected, path);
}

describe(`metrics equal scikit-learn ${golden.sklearn}`, () => {
  const byFn = new Map<string, GoldenCase[]>();
  for (const c of golden.cases) {
    byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
  }
  for (const [fn, cases] of byFn) {
    describe(fn, () => {
      for (const c of cases) {
        const raises = c.raises;
        const differs = c.differs;
        if (differs !== undefined) {
          it(`${c.name}: differs from scikit-learn on purpose (${differs.reason})`, () => {
            assert.notDeepEqual(c.expected, differs.expected);
            assertClose(run(c), decode(differs.expected), c.name);
          });
        } else if (raises !== undefined) {
          it(`throws where scikit-learn raises: ${c.name} (${raises})`, () => {
            assert.throws(() => run(c), MetricInputError);
          });
        } else {
          it(c.name, () => {
            assertClose(run(c), decode(c.expected ?? null), c.name);
          });
        }
      }
    });
  }
});

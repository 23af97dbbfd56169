// Inputs past the ~125k arguments that Math.max(...values) can spread before the call stack
// overflows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { brierScoreLoss, calibrationCurve } from "../../src/metrics/index.js";

const n = 200_000;
const yTrue = Array.from({ length: n }, (_, i) => i % 2);

describe("probability metrics on 200,000 samples", () => {
  it("brierScoreLoss scores them as the mean squared difference", () => {
    const yProba = Array.from({ length: n }, (_, i) => (i % 1000) / 999);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += ((yTrue[i] ?? 0) - (yProba[i] ?? 0)) ** 2;
    }
    const expected = sum / n;
    const actual = brierScoreLoss(yTrue, yProba);
    assert.ok(Math.abs(actual - expected) <= 1e-12, `expected ${expected}, got ${actual}`);
  });

  it("calibrationCurve puts equal probabilities into one bin", () => {
    const curve = calibrationCurve(yTrue, new Float64Array(n).fill(0.3));
    assert.deepEqual(curve.probTrue, [0.5]);
    assert.equal(curve.probPred.length, 1);
    assert.ok(Math.abs((curve.probPred[0] ?? NaN) - 0.3) <= 1e-9);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadBoston } from "../../src/data/index.js";
import { r2Score } from "../../src/metrics/index.js";
import { leastSquares, trainLinearRegression, type EpochReport } from "../../src/train/index.js";
import { denseForward, maxAbsDiff, scaledSplit, withIntercept } from "./helpers.js";

describe("trainLinearRegression", () => {
  it("reaches the closed-form test R² on Boston within 0.01", async () => {
    const { train, test } = scaledSplit(loadBoston(), 0.2, 42);
    const d = train.featureNames.length;
    const reports: EpochReport[] = [];
    const model = await trainLinearRegression(train, {
      seed: 3,
      onEpoch: (r) => reports.push(r),
    });
    const gd = r2Score(test.y, model.predict(test.x, test.y.length));

    const coef = leastSquares(withIntercept(train.x, d), train.y, train.y.length, d + 1);
    const exact = Float64Array.from({ length: test.y.length }, (_, i) => {
      let s = coef[0] ?? 0;
      for (let j = 0; j < d; j++) {
        s += (coef[j + 1] ?? 0) * (test.x[i * d + j] ?? 0);
      }
      return s;
    });
    const closedForm = r2Score(test.y, exact);
    assert.ok(closedForm > 0.6, `closed-form R² ${closedForm}`);
    assert.ok(
      Math.abs(gd - closedForm) < 0.01,
      `gradient descent R² ${gd} vs closed form ${closedForm}`,
    );

    const [layer] = model.denseLayers();
    assert.ok(layer);
    assert.equal(layer.activation, "linear");
    assert.equal(layer.inputSize, d);
    assert.equal(layer.outputSize, 1);
    // The slopes themselves converge to the least-squares ones.
    assert.ok(
      maxAbsDiff(layer.weights, coef.subarray(1)) < 0.05,
      `weights ${Array.from(layer.weights).join(", ")} vs ${Array.from(coef).join(", ")}`,
    );
    assert.ok(
      maxAbsDiff(
        denseForward(model.denseLayers(), test.x, test.y.length),
        model.predict(test.x, test.y.length),
      ) < 1e-3,
    );

    assert.equal(reports.length, 500);
    assert.deepEqual(
      reports.slice(0, 2).map((r) => [r.epoch, r.epochs, r.metricName, r.valLoss]),
      [
        [1, 500, "r2", null],
        [2, 500, "r2", null],
      ],
    );
    assert.ok((reports.at(-1)?.loss ?? Infinity) < (reports[0]?.loss ?? 0));
    model.dispose();
  });
});

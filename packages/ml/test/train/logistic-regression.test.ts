import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadIris } from "../../src/data/index.js";
import { accuracyScore } from "../../src/metrics/index.js";
import { trainLogisticRegression } from "../../src/train/index.js";
import { argmaxRows, denseForward, maxAbsDiff, scaledSplit, table } from "./helpers.js";

describe("trainLogisticRegression", () => {
  it("fits a binary problem with one sigmoid output and predicts both class columns", async () => {
    // Class 1 when 2·f0 − f1 > 0.3, with points drawn on a grid so none sits on the line.
    const point = (i: number, j: number): number =>
      j === 0 ? (i % 13) / 6 - 1 : Math.floor(i / 13) / 6 - 1;
    const label = (i: number): number => (2 * point(i, 0) - point(i, 1) > 0.3 ? 1 : 0);
    const data = table(169, 2, point, label, ["no", "yes"]);
    const model = await trainLogisticRegression(data, {
      seed: 5,
      epochs: 150,
      batchSize: Infinity,
      learningRate: 0.1,
    });

    const [layer, ...rest] = model.denseLayers();
    assert.ok(layer);
    assert.equal(rest.length, 0);
    assert.deepEqual([layer.inputSize, layer.outputSize, layer.activation], [2, 1, "sigmoid"]);
    // The boundary w·x + b = 0 lies along 2·f0 − f1 = 0.3.
    const [w0 = 0, w1 = 0] = layer.weights;
    assert.ok(Math.abs(w1 / w0 + 0.5) < 0.1, `w = ${w0}, ${w1}`);

    const probabilities = model.predict(data.x, 169);
    assert.equal(probabilities.length, 338);
    const p = denseForward([layer], data.x, 169);
    for (let i = 0; i < 169; i++) {
      assert.ok(Math.abs((probabilities[2 * i + 1] ?? 0) - (p[i] ?? 0)) < 1e-5);
      assert.ok(Math.abs((probabilities[2 * i] ?? 0) + (probabilities[2 * i + 1] ?? 0) - 1) < 1e-6);
    }
    assert.ok(accuracyScore(data.y, argmaxRows(probabilities, 2)) >= 0.97);
    model.dispose();
  });

  it("fits a multinomial softmax on Iris", async () => {
    const { train, test } = scaledSplit(loadIris(), 0.2, 11);
    const model = await trainLogisticRegression(train, { seed: 11, validation: test });
    const probabilities = model.predict(test.x, test.y.length);
    const accuracy = accuracyScore(test.y, argmaxRows(probabilities, 3));
    assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
    assert.equal(model.training.history.at(-1)?.valMetric, accuracy);
    const layers = model.denseLayers();
    assert.deepEqual(
      layers.map((l) => [l.inputSize, l.outputSize, l.activation]),
      [[4, 3, "softmax"]],
    );
    assert.ok(maxAbsDiff(denseForward(layers, test.x, test.y.length), probabilities) < 1e-5);
    model.dispose();
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadIris } from "../../src/data/index.js";
import { accuracyScore } from "../../src/metrics/index.js";
import { trainMlp } from "../../src/train/index.js";
import { argmaxRows, denseForward, maxAbsDiff, scaledSplit } from "./helpers.js";

describe("trainMlp", () => {
  it("classifies held-out Iris with mean accuracy >= 0.93 over seeds", async () => {
    const iris = loadIris();
    const accuracies: number[] = [];
    for (const seed of [1, 2, 3]) {
      const { train, test } = scaledSplit(iris, 0.2, seed);
      const model = await trainMlp(train, { seed });
      const probabilities = model.predict(test.x, test.y.length);
      accuracies.push(accuracyScore(test.y, argmaxRows(probabilities, 3)));

      for (let i = 0; i < test.y.length; i++) {
        const row = probabilities.subarray(3 * i, 3 * i + 3);
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      }
      const layers = model.denseLayers();
      assert.deepEqual(
        layers.map((l) => [
          l.inputSize,
          l.outputSize,
          l.activation,
          l.weights.length,
          l.bias.length,
        ]),
        [
          [4, 64, "relu", 256, 64],
          [64, 3, "softmax", 192, 3],
        ],
      );
      // The exported arrays compute what the model predicts.
      assert.ok(maxAbsDiff(denseForward(layers, test.x, test.y.length), probabilities) < 1e-5);
      model.dispose();
    }
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    assert.ok(mean >= 0.93, `accuracies ${accuracies.join(", ")}`);
  });

  it("builds the hidden layers it is asked for", async () => {
    const { train } = scaledSplit(loadIris(), 0.2, 1);
    const model = await trainMlp(train, { seed: 1, hiddenUnits: [8, 5], epochs: 1 });
    assert.deepEqual(
      model.denseLayers().map((l) => [l.inputSize, l.outputSize, l.activation]),
      [
        [4, 8, "relu"],
        [8, 5, "relu"],
        [5, 3, "softmax"],
      ],
    );
    model.dispose();
  });
});

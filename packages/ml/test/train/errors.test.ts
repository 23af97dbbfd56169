import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  TrainInputError,
  trainLinearRegression,
  trainLogisticRegression,
  trainMlp,
  trainTextClassifier,
} from "../../src/train/index.js";
import { table } from "./helpers.js";

const twoClasses = table(
  6,
  2,
  (i, j) => i + j,
  (i) => i % 2,
  ["no", "yes"],
);

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof TrainInputError, `not a TrainInputError: ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

describe("training input errors", () => {
  it("rejects validation data with another feature count", async () => {
    const wide = table(
      4,
      3,
      () => 1,
      (i) => i % 2,
      ["no", "yes"],
    );
    await rejects(
      trainLogisticRegression(twoClasses, { seed: 1, validation: wide }),
      /validation data has 3 features but the model is trained on 2/,
    );
  });

  it("rejects prediction input with another feature count", async () => {
    const model = await trainLogisticRegression(twoClasses, { seed: 1, epochs: 1 });
    assert.throws(
      () => model.predict(new Float64Array(9), 3),
      /the model takes 2 features per row, but x has 9 values for 3 rows \(expected 6\)/,
    );
    assert.throws(
      () => model.predict(Float64Array.of(1, Number.NaN), 1),
      /input row 0, feature "f1": NaN/,
    );
    model.dispose();
  });

  it("rejects x whose length is not whole rows, and y of another length", async () => {
    await rejects(
      trainMlp({ ...twoClasses, x: new Float64Array(11) }, { seed: 1 }),
      /training x has 11 values, which is not a whole number of rows of 2 features/,
    );
    await rejects(
      trainMlp({ ...twoClasses, y: new Float64Array(5) }, { seed: 1 }),
      /training data has 6 rows of x but 5 values in y/,
    );
  });

  it("rejects labels out of range or not whole", async () => {
    await rejects(
      trainMlp({ ...twoClasses, y: Float64Array.of(0, 1, 0, 2, 0, 1) }, { seed: 1 }),
      /training row 3: label 2 is not a class index in 0..1/,
    );
    await rejects(
      trainLogisticRegression(
        { ...twoClasses, y: Float64Array.of(0, 1, 0.5, 1, 0, 1) },
        { seed: 1 },
      ),
      /training row 2: label 0.5 is not a class index in 0..1/,
    );
  });

  it("rejects NaN and infinite features and targets, naming row and feature", async () => {
    const x = Float64Array.from(twoClasses.x);
    x[9] = Number.NaN;
    await rejects(
      trainMlp({ ...twoClasses, x }, { seed: 1 }),
      /training row 4, feature "f1": NaN is not a finite number/,
    );
    const regression = table(
      5,
      1,
      (i) => i,
      (i) => (i === 2 ? Infinity : i),
      [],
    );
    await rejects(
      trainLinearRegression(regression, { seed: 1 }),
      /training row 2: target Infinity is not a finite number/,
    );
  });

  it("rejects training data of one class only", async () => {
    await rejects(
      trainMlp({ ...twoClasses, y: new Float64Array(6).fill(1) }, { seed: 1 }),
      /all 6 training rows are class "yes"; a classifier needs examples of at least two classes/,
    );
    await rejects(
      trainLogisticRegression(
        { ...twoClasses, y: new Float64Array(6), classes: ["only"] },
        { seed: 1 },
      ),
      /a classifier needs at least two classes, got 1/,
    );
  });

  it("rejects epochs below 1 and other bad options", async () => {
    await rejects(
      trainMlp(twoClasses, { seed: 1, epochs: 0 }),
      /epochs must be an integer >= 1, got 0/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, epochs: -3 }),
      /epochs must be an integer >= 1, got -3/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, epochs: 2.5 }),
      /epochs must be an integer >= 1, got 2.5/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, batchSize: 0 }),
      /batchSize must be an integer >= 1/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, learningRate: -1 }),
      /learningRate must be a positive number/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, hiddenUnits: [0] }),
      /hiddenUnits must hold integers >= 1/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, earlyStopping: { patience: 3 } }),
      /earlyStopping needs validation data: pass options.validation/,
    );
    await rejects(
      trainMlp(twoClasses, { seed: 1, validation: twoClasses, earlyStopping: { patience: 0 } }),
      /earlyStopping.patience must be an integer >= 1, got 0/,
    );
  });

  it("rejects token ids outside the vocabulary and sequences that do not fit", async () => {
    const data = {
      ids: Int32Array.of(0, 1, 2, 3, 4, 9),
      sequenceLength: 3,
      vocabSize: 5,
      labels: Int32Array.of(0, 1),
      classes: ["ham", "spam"],
    };
    await rejects(
      trainTextClassifier(data, { seed: 1, architecture: "pooling" }),
      /training row 1, position 2: token id 9 is outside the vocabulary 0..4/,
    );
    await rejects(
      trainTextClassifier(
        { ...data, ids: new Int32Array(7) },
        { seed: 1, architecture: "pooling" },
      ),
      /training ids has 7 values, which is not a positive whole number of sequences of length 3/,
    );
    const model = await trainTextClassifier(
      { ...data, ids: Int32Array.of(0, 1, 2, 3, 4, 1) },
      { seed: 1, architecture: "pooling", epochs: 1 },
    );
    assert.throws(
      () => model.predict(Int32Array.of(1, 2), 1),
      /sequences of 3 token ids, but ids has 2 values/,
    );
    assert.throws(
      () => model.predict(Int32Array.of(1, 2, 5), 1),
      /row 0, position 2: token id 5 is outside the vocabulary 0..4; map unknown words/,
    );
    model.dispose();
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Vocabulary,
  loadSpamAssassin,
  padSequences,
  trainTestSplit,
  type TextDataset,
} from "../../src/data/index.js";
import { f1Score } from "../../src/metrics/index.js";
import {
  trainTextClassifier,
  type SequenceExamples,
  type TextModel,
} from "../../src/train/index.js";
import { argmaxRows, denseForward, maxAbsDiff } from "./helpers.js";

function sequences(data: TextDataset, vocab: Vocabulary, maxLen: number): SequenceExamples {
  const padded = padSequences(
    data.texts.map((t) => vocab.encode(t)),
    { maxLen },
  );
  return {
    ids: padded.data,
    sequenceLength: maxLen,
    vocabSize: vocab.size,
    labels: data.labels,
    classes: data.classes,
  };
}

/** Short random sequences whose label says whether token 2 occurs, pre-padded with 0. */
function synthetic(rows: number, length: number): SequenceExamples {
  let state = 12345;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const ids = new Int32Array(rows * length);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const used = 2 + next(length - 1);
    for (let j = length - used; j < length; j++) {
      ids[i * length + j] = 1 + next(7);
    }
    labels[i] = ids.subarray(i * length, (i + 1) * length).includes(2) ? 1 : 0;
  }
  return { ids, sequenceLength: length, vocabSize: 8, labels, classes: ["absent", "present"] };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The embedding → (LSTM | mean) part of a text model in float64, from its exported arrays. */
function features(model: TextModel, ids: Int32Array, rows: number): Float64Array {
  const { dim, weights: table } = model.embedding();
  const lstm = model.lstm();
  const length = model.sequenceLength;
  const width = lstm === null ? dim : lstm.units;
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const h = new Float64Array(width);
    const c = new Float64Array(width);
    for (let t = 0; t < length; t++) {
      const id = ids[r * length + t] ?? 0;
      const e = table.subarray(id * dim, (id + 1) * dim);
      if (lstm === null) {
        e.forEach((v, k) => (h[k] = (h[k] ?? 0) + v / length));
        continue;
      }
      // Keras LSTM: z = x·W + h·U + b, gates i, f, c̃, o in that order.
      const u = lstm.units;
      const z = Float64Array.from(lstm.bias);
      for (let g = 0; g < 4 * u; g++) {
        for (let k = 0; k < dim; k++) {
          z[g] = (z[g] ?? 0) + (e[k] ?? 0) * (lstm.kernel[k * 4 * u + g] ?? 0);
        }
        for (let k = 0; k < u; k++) {
          z[g] = (z[g] ?? 0) + (h[k] ?? 0) * (lstm.recurrentKernel[k * 4 * u + g] ?? 0);
        }
      }
      for (let k = 0; k < u; k++) {
        const i = sigmoid(z[k] ?? 0);
        const f = sigmoid(z[u + k] ?? 0);
        const cand = Math.tanh(z[2 * u + k] ?? 0);
        const o = sigmoid(z[3 * u + k] ?? 0);
        c[k] = f * (c[k] ?? 0) + i * cand;
        h[k] = o * Math.tanh(c[k] ?? 0);
      }
    }
    out.set(h, r * width);
  }
  return out;
}

describe("trainTextClassifier", () => {
  it("finds spam in SpamAssassin with F1 >= 0.9 (pooling model, a quarter of the data)", async () => {
    const { train, test } = trainTestSplit(loadSpamAssassin(), { testFraction: 0.2, seed: 42 });
    const { test: smallTrain } = trainTestSplit(train, { testFraction: 0.25, seed: 1 });
    const { test: smallTest } = trainTestSplit(test, { testFraction: 0.5, seed: 1 });
    const vocab = Vocabulary.build(smallTrain.texts, { maxSize: 5000 });
    const model = await trainTextClassifier(sequences(smallTrain, vocab, 100), {
      seed: 1,
      architecture: "pooling",
      epochs: 5,
    });
    const evaluation = sequences(smallTest, vocab, 100);
    const predicted = argmaxRows(model.predict(evaluation.ids, smallTest.labels.length), 2);
    const f1 = f1Score(smallTest.labels, predicted);
    assert.ok(f1 >= 0.9, `F1 for spam ${f1}`);
    model.dispose();
  });

  for (const architecture of ["pooling", "lstm"] as const) {
    it(`exports ${architecture} weights that compute its predictions`, async () => {
      const data = synthetic(64, 6);
      const model = await trainTextClassifier(data, {
        seed: 2,
        architecture,
        epochs: 2,
        embeddingDim: 4,
        lstmUnits: 3,
      });
      assert.equal(model.kind, architecture === "lstm" ? "text-lstm" : "text-pooling");
      assert.equal(model.embedding().weights.length, 8 * 4);
      const lstm = model.lstm();
      if (architecture === "lstm") {
        assert.deepEqual(
          [
            lstm?.inputSize,
            lstm?.units,
            lstm?.kernel.length,
            lstm?.recurrentKernel.length,
            lstm?.bias.length,
          ],
          [4, 3, 48, 36, 12],
        );
      } else {
        assert.equal(lstm, null);
      }
      const head = model.denseLayers();
      assert.deepEqual(
        head.map((l) => [l.inputSize, l.outputSize, l.activation]),
        [[architecture === "lstm" ? 3 : 4, 1, "sigmoid"]],
      );
      const p = denseForward(head, features(model, data.ids, 64), 64);
      const probabilities = model.predict(data.ids, 64);
      assert.ok(
        maxAbsDiff(
          p,
          probabilities.filter((_, k) => k % 2 === 1),
        ) < 1e-5,
      );
      model.dispose();
    });
  }

  it("learns which token marks the class", async () => {
    const data = synthetic(256, 6);
    const model = await trainTextClassifier(data, {
      seed: 4,
      architecture: "pooling",
      epochs: 30,
      learningRate: 0.05,
    });
    const accuracy =
      argmaxRows(model.predict(data.ids, 256), 2).filter((label, i) => label === data.labels[i])
        .length / 256;
    assert.ok(accuracy >= 0.95, `training accuracy ${accuracy}`);
    model.dispose();
  });
});

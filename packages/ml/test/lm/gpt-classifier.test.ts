import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { TOOLKIT_VERSION } from "../../src/evidence/index.js";
import { createRng } from "../../src/random/seeded.js";
import {
  CLASSIFIER_HEAD,
  exportGptClassifierOnnx,
  initGptWeights,
  lmClassifierProbabilities,
  trainLmClassifier,
  type GptConfig,
} from "../../src/lm/index.js";
import { readOnnxModelInfo } from "../../src/onnx/index.js";
import { useWasmBackend } from "../../src/train/index.js";
import { strongGptWeights } from "./strong-gpt-weights.js";

const CONFIG: GptConfig = { vocabSize: 40, contextSize: 16, layers: 2, heads: 2, width: 16 };
const CLASSES = ["ham", "spam"];
const PAD = 0;
const TOLERANCE = 1e-4;

/** Texts of different lengths, one as long as the context, one of a single token. */
const TEXTS = [
  [3, 17, 39, 1, 5, 5, 5, 22, 9, 11],
  [28, 6, 11, 39, 1],
  [7, 30, 2, 2, 19, 38, 4, 13, 25, 4, 4, 33, 16, 8, 20, 21],
  [12],
];

const int64 = (rows: readonly (readonly number[])[]): Tensor =>
  new Tensor("int64", BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]?.length ?? 0]);

/** The texts padded to the longest, at the end or in front, with their masks. */
function padded(side: "right" | "left"): { ids: number[][]; mask: number[][] } {
  const length = Math.max(...TEXTS.map((t) => t.length));
  const fill = (t: readonly number[], value: number) =>
    new Array<number>(length - t.length).fill(value);
  const join = (t: number[], pad: number[]) => (side === "right" ? [...t, ...pad] : [...pad, ...t]);
  return {
    ids: TEXTS.map((t) => join([...t], fill(t, PAD))),
    mask: TEXTS.map((t) =>
      join(
        t.map(() => 1),
        fill(t, 0),
      ),
    ),
  };
}

describe("GPT classifier exported to ONNX", () => {
  let weights: Map<string, tf.Variable>;
  let session: InferenceSession;
  before(async () => {
    await useWasmBackend();
    weights = new Map((await strongGptWeights(CONFIG, 5)).entries());
    weights.set(
      CLASSIFIER_HEAD.weight,
      tf.variable(tf.randomNormal([CONFIG.width, 2], 0, 1, "float32", 3)),
    );
    weights.set(CLASSIFIER_HEAD.bias, tf.variable(tf.tensor1d([0.3, -0.2])));
    const bytes = exportGptClassifierOnnx({
      config: CONFIG,
      weights,
      classes: CLASSES,
      tokenizerJson: "{}",
      metadata: { licence: "mit", producerVersion: TOOLKIT_VERSION },
    });
    session = await InferenceSession.create(bytes);
    const info = readOnnxModelInfo(bytes, "classifier.onnx");
    assert.deepEqual(info.classLabels, CLASSES);
    assert.deepEqual(
      info.inputs.map((i) => i.name),
      ["input_ids", "attention_mask"],
    );
  });
  after(async () => {
    await session.release();
    tf.dispose([...weights.values()]);
  });

  for (const side of ["right", "left"] as const) {
    it(`gives the tfjs classifier's probabilities for a ${side}-padded batch, to 1e-4`, async (t) => {
      const expected = await lmClassifierProbabilities(CONFIG, weights, { ids: TEXTS }, PAD);
      const batch = padded(side);
      const out = await session.run({
        input_ids: int64(batch.ids),
        attention_mask: int64(batch.mask),
      });
      const probabilities = out.probabilities;
      assert.ok(probabilities !== undefined);
      assert.deepEqual(probabilities.dims, [TEXTS.length, CLASSES.length]);
      const values = probabilities.data as Float32Array;
      let worst = 0;
      expected.forEach((row, r) => {
        row.forEach((p, c) => {
          worst = Math.max(worst, Math.abs(p - (values[r * CLASSES.length + c] ?? NaN)));
        });
      });
      t.diagnostic(`largest difference ${worst}`);
      assert.ok(worst < TOLERANCE, `largest difference ${worst}`);
      // Far from one half, or the comparison would show nothing of the body.
      assert.ok(expected.some((row) => Math.abs((row[0] ?? 0) - 0.5) > 0.05));
      const labels = Array.from(out.label?.data as BigInt64Array, Number);
      assert.deepEqual(
        labels,
        expected.map((row) => ((row[1] ?? 0) > (row[0] ?? 0) ? 1 : 0)),
      );
    });
  }
});

describe("trainLmClassifier", () => {
  /** Spam is written in tokens 1 to 12, ham in 20 to 31, in texts of 3 to 12 tokens. */
  const examples = (count: number, seed: number) => {
    const ids: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < count; i++) {
      const spam = i % 2;
      const length = 3 + ((i * 7 + seed) % 10);
      ids.push(Array.from({ length }, (_, j) => (spam ? 1 : 20) + ((i * 13 + j * 5 + seed) % 12)));
      labels.push(spam);
    }
    return { ids, labels };
  };

  it("learns which words make spam, and a seed repeats the run to the last weight", async () => {
    const base = initGptWeights(CONFIG, createRng(8));
    const baseWeights = new Map<string, Float32Array>();
    for (const [name, w] of base) {
      baseWeights.set(name, (await w.data()) as Float32Array);
      w.dispose();
    }
    const train = examples(64, 1);
    const options = {
      config: CONFIG,
      baseWeights,
      classCount: 2,
      padId: PAD,
      epochs: 8,
      batchSize: 8,
      learningRate: 1e-2,
      warmupSteps: 4,
      seed: 7,
      validation: examples(32, 2),
    };
    const progress: number[] = [];
    const first = await trainLmClassifier(train, {
      ...options,
      onStep: (p) => progress.push(p.step),
    });
    const again = await trainLmClassifier(train, options);
    assert.deepEqual(
      progress,
      Array.from({ length: 64 }, (_, i) => i + 1),
    );
    assert.equal(first.history.length, 8);
    const last = first.history.at(-1);
    assert.ok(last !== undefined && last.valAccuracy > 0.9, JSON.stringify(first.history));
    for (const [name, w] of first.weights) {
      assert.deepEqual(await w.data(), await again.weights.get(name)?.data(), name);
    }
    tf.dispose([...first.weights.values(), ...again.weights.values()]);
  });
});

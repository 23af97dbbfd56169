import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadIris } from "../../src/data/index.js";
import { trainMlp, trainTextClassifier, type DenseLayer } from "../../src/train/index.js";
import { scaledSplit } from "./helpers.js";

function bytes(...arrays: Float32Array[]): Buffer {
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function layerBytes(layers: readonly DenseLayer[]): Buffer {
  return bytes(...layers.flatMap((l) => [l.weights, l.bias]));
}

describe("seeded training", () => {
  it("gives bit-identical MLP weights for the same seed and different ones for another", async () => {
    const { train, test } = scaledSplit(loadIris(), 0.2, 9);
    const run = async (seed: number): Promise<Buffer> => {
      const model = await trainMlp(train, { seed, epochs: 5, validation: test });
      const out = layerBytes(model.denseLayers());
      model.dispose();
      return out;
    };
    const first = await run(21);
    const again = await run(21);
    const other = await run(22);
    assert.ok(first.equals(again), "same seed, different weights");
    assert.ok(!first.equals(other), "different seeds, same weights");
  });

  it("gives bit-identical text model weights for the same seed, LSTM included", async () => {
    const ids = Int32Array.from({ length: 40 * 5 }, (_, k) => (k * 7919) % 11);
    const labels = Int32Array.from({ length: 40 }, (_, i) => (ids[i * 5 + 4] ?? 0) % 2);
    const data = { ids, sequenceLength: 5, vocabSize: 11, labels, classes: ["a", "b"] };
    for (const architecture of ["pooling", "lstm"] as const) {
      const run = async (seed: number): Promise<Buffer> => {
        const model = await trainTextClassifier(data, {
          seed,
          architecture,
          epochs: 3,
          batchSize: 8,
        });
        const lstm = model.lstm();
        const out = Buffer.concat([
          bytes(model.embedding().weights),
          lstm === null ? Buffer.alloc(0) : bytes(lstm.kernel, lstm.recurrentKernel, lstm.bias),
          layerBytes(model.denseLayers()),
        ]);
        model.dispose();
        return out;
      };
      const first = await run(5);
      assert.ok(first.equals(await run(5)), `${architecture}: same seed, different weights`);
      assert.ok(!first.equals(await run(6)), `${architecture}: different seeds, same weights`);
    }
  });
});

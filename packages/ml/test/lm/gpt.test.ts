import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../src/random/seeded.js";
import { useWasmBackend } from "../../src/train/index.js";
import {
  checkGptConfig,
  gptLogits,
  gptLoss,
  gptParameterCount,
  gptWeightsFrom,
  initGptWeights,
  readSafetensors,
  writeSafetensors,
  type GptConfig,
} from "../../src/lm/index.js";

// Needs python3 with numpy and safetensors (pip install numpy safetensors).
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "gpt_numpy_check.py");

const CONFIG: GptConfig = { vocabSize: 61, contextSize: 12, layers: 2, heads: 3, width: 24 };

/** The weights' values, in the shapes tfjs holds them. */
async function valuesOf(weights: ReadonlyMap<string, tf.Variable>) {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, w] of weights) {
    out.set(name, { shape: w.shape, data: (await w.data()) as Float32Array });
  }
  return out;
}

describe("GPT decoder forward pass against a numpy GPT-2", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-gpt-"));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  before(async () => {
    await useWasmBackend();
  });

  it("gives the reference's logits and loss for the same weights, to 1e-4", async () => {
    // Weights larger than GPT-2's initial ones, so that attention is far from uniform.
    const rng = createRng(7);
    const initial = initGptWeights(CONFIG, rng);
    const scaled = new Map<string, Float32Array>();
    for (const [name, w] of initial) {
      const data = Float32Array.from((await w.data()) as Float32Array, (v) => v * 25);
      const isNorm = name.includes("ln_");
      scaled.set(name, isNorm ? data.map((_, i) => 1 + 0.1 * Math.sin(i)) : data);
      w.dispose();
    }
    const weights = gptWeightsFrom(CONFIG, scaled);
    const file = path.join(dir, "model.safetensors");
    await writeSafetensors(file, await valuesOf(weights), { format: "gatehouse-gpt" });

    const ids = [
      [3, 17, 60, 0, 5, 5, 5, 42, 9, 11],
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ];
    const targets = ids.map((row) => row.map((id) => (id * 7 + 3) % CONFIG.vocabSize));
    const run = spawnSync("python3", [SCRIPT], {
      input: JSON.stringify({ weights: file, config: CONFIG, ids, targets }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(
      run.status,
      0,
      `numpy check failed (are numpy and safetensors installed?): ${run.stderr}`,
    );
    const reference = JSON.parse(run.stdout) as { logits: number[]; loss: number };

    const [logits, loss] = tf.tidy(() => {
      const l = gptLogits(CONFIG, weights, tf.tensor2d(ids, undefined, "int32"));
      return [l, gptLoss(l, tf.tensor2d(targets, undefined, "int32"))];
    });
    const ours = Array.from(await logits.data());
    assert.equal(ours.length, reference.logits.length);
    let worst = 0;
    ours.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - (reference.logits[i] ?? NaN)));
    });
    assert.ok(
      worst < 1e-4 * Math.max(1, ...reference.logits.map(Math.abs)),
      `largest difference ${worst}`,
    );
    assert.ok(Math.abs(((await loss.data())[0] ?? NaN) - reference.loss) < 1e-4);
    tf.dispose([logits, loss, ...weights.values()]);
  });

  it("round-trips weights through safetensors and refuses a file of another shape", async () => {
    const weights = initGptWeights(CONFIG, createRng(1));
    const file = path.join(dir, "again.safetensors");
    await writeSafetensors(file, await valuesOf(weights));
    const { tensors } = await readSafetensors(file);
    const again = gptWeightsFrom(CONFIG, new Map([...tensors].map(([n, t]) => [n, t.data])));
    for (const [name, w] of weights) {
      assert.deepEqual(await again.get(name)?.data(), await w.data(), name);
    }
    assert.throws(
      () =>
        gptWeightsFrom(
          { ...CONFIG, width: 12 },
          new Map([...tensors].map(([n, t]) => [n, t.data])),
        ),
      /weight wte has 1464 values; a model of this configuration needs 732/,
    );
    tf.dispose([...weights.values(), ...again.values()]);
  });

  it("counts its parameters as the weights hold them, and names a bad setting", () => {
    const weights = initGptWeights(CONFIG, createRng(1));
    const held = [...weights.values()].reduce((sum, w) => sum + w.size, 0);
    assert.equal(gptParameterCount(CONFIG), held);
    tf.dispose([...weights.values()]);
    assert.throws(
      () => checkGptConfig({ ...CONFIG, width: 25 }),
      /width 25 does not split into 3 heads; use a multiple of 3/,
    );
    assert.throws(
      () => checkGptConfig({ ...CONFIG, layers: 0 }),
      /layers is 0; use a whole number from 1 to 48/,
    );
  });

  it("refuses a sequence longer than its context", () => {
    const weights = initGptWeights(CONFIG, createRng(1));
    assert.throws(
      () => tf.tidy(() => gptLogits(CONFIG, weights, tf.zeros([1, 13], "int32"))),
      /a sequence of 13 tokens is longer than the context of 12/,
    );
    tf.dispose([...weights.values()]);
  });
});

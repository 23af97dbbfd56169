import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  evaluateLm,
  gptWeightsFrom,
  gptWeightShapes,
  learningRateAt,
  loadLmCheckpoint,
  trainLm,
  type GptConfig,
  type TrainLmOptions,
} from "../../src/lm/index.js";

const CONFIG: GptConfig = { vocabSize: 16, contextSize: 8, layers: 1, heads: 2, width: 16 };

/** A stream with structure to learn: each token follows from the one before, with a little noise. */
function stream(length: number): Int32Array {
  const tokens = new Int32Array(length);
  let noise = 12345;
  for (let i = 1; i < length; i++) {
    noise = (Math.imul(noise, 1103515245) + 12345) >>> 0;
    tokens[i] = noise % 10 === 0 ? noise % 16 : ((tokens[i - 1] ?? 0) * 5 + 3) % 16;
  }
  return tokens;
}

const OPTIONS: TrainLmOptions = {
  config: CONFIG,
  steps: 40,
  batchSize: 4,
  learningRate: 1e-2,
  warmupSteps: 5,
  seed: 3,
};

async function valuesOf(weights: ReadonlyMap<string, tf.Variable>): Promise<number[]> {
  const all = await Promise.all([...weights.values()].map(async (w) => Array.from(await w.data())));
  return all.flat();
}

/** The largest difference between two lists of numbers of one length. */
function largestDifference(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? NaN))));
}

describe("language-model pretraining", () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-lm-"));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("learns a stream's structure: held-out loss falls well below a uniform guess", async () => {
    const tokens = stream(4000);
    const progress: number[] = [];
    const trained = await trainLm(tokens.subarray(0, 3000), {
      ...OPTIONS,
      steps: 120,
      onStep: (p) => progress.push(p.step),
    });
    assert.deepEqual(
      progress,
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    const evaluation = await evaluateLm(CONFIG, trained.weights, tokens.subarray(3000), () => 1);
    // Nine tokens in ten follow by rule, so a model that learnt it is far surer than 1 in 16.
    assert.ok(evaluation.perplexity < 4, `perplexity ${evaluation.perplexity}`);
    assert.ok((trained.losses.at(-1) ?? 99) < (trained.losses[0] ?? 0) / 2);
    tf.dispose([...trained.weights.values()]);
  });

  it("resumes from its checkpoint to the weights an uninterrupted run ends with", async () => {
    const tokens = stream(2000);
    const whole = await trainLm(tokens, OPTIONS);
    const dir = tempDir();
    const firstPart = await trainLm(tokens, {
      ...OPTIONS,
      steps: 40,
      checkpointDir: dir,
      checkpointEvery: 15,
      // Stop the run after step 17, as a killed process would, after the checkpoint at 15.
      onStep: (p) => {
        if (p.step === 17) {
          throw new Error("stopped");
        }
      },
    }).catch((err: unknown) => err);
    assert.equal((firstPart as Error).message, "stopped");
    assert.equal((await loadLmCheckpoint(dir))?.step, 15);
    assert.deepEqual(readdirSync(dir), ["checkpoint"]);

    const resumed = await trainLm(tokens, { ...OPTIONS, checkpointDir: dir, checkpointEvery: 15 });
    assert.equal(resumed.resumedFrom, 15);
    assert.equal(resumed.losses.length, 25);
    // The same run to float rounding: tfjs's Adam recomputes β^t on restore where the
    // uninterrupted run multiplied it up step by step, which differs in the last bit, and
    // Adam's division by √v carries that into the weights at about 1e-4 after 25 steps.
    assert.equal(resumed.losses[0], whole.losses[15]);
    assert.ok(largestDifference(resumed.losses, whole.losses.slice(15)) < 1e-5);
    assert.ok(
      largestDifference(await valuesOf(resumed.weights), await valuesOf(whole.weights)) < 1e-3,
    );
    // A fresh run, by contrast, ends elsewhere: the comparison above can fail.
    const fresh = await trainLm(tokens, { ...OPTIONS, seed: 4 });
    assert.ok(
      largestDifference(await valuesOf(fresh.weights), await valuesOf(whole.weights)) > 1e-2,
    );
    assert.equal((await loadLmCheckpoint(dir))?.step, 40);
    tf.dispose([...whole.weights.values(), ...resumed.weights.values(), ...fresh.weights.values()]);
  });

  it("refuses to resume a checkpoint with other settings, naming the setting", async () => {
    const dir = tempDir();
    const first = await trainLm(stream(500), { ...OPTIONS, steps: 2, checkpointDir: dir });
    tf.dispose([...first.weights.values()]);
    await assert.rejects(
      trainLm(stream(500), { ...OPTIONS, steps: 2, batchSize: 8, checkpointDir: dir }),
      /the checkpoint was written by a run with batchSize 4, not 8; run with the same settings to resume it, or write to another folder/,
    );
  });

  it("refuses text shorter than a window and ids outside the vocabulary", async () => {
    await assert.rejects(
      trainLm(stream(9), OPTIONS),
      /the training text has 9 tokens, fewer than one window of 9; use more text or a shorter context/,
    );
    await assert.rejects(
      trainLm(
        Int32Array.from({ length: 50 }, (_, i) => i),
        OPTIONS,
      ),
      /token id 16 is outside the vocabulary of 16/,
    );
  });

  it("warms the rate up, then lowers it by a cosine to a tenth", () => {
    const options = { ...OPTIONS, steps: 105, warmupSteps: 5, learningRate: 1 };
    assert.equal(learningRateAt(0, options), 0.2);
    assert.equal(learningRateAt(4, options), 1);
    assert.equal(learningRateAt(5, options), 1);
    assert.ok(Math.abs(learningRateAt(55, options) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRateAt(105, options) - 0.1) < 1e-12);
  });
});

describe("language-model evaluation", () => {
  it("scores a model that knows nothing at ln V a token, perplexity V, and bits per byte from the bytes", async () => {
    // A zero token table gives zero logits everywhere: every token 1 in 16.
    const zeros = new Map(
      gptWeightShapes(CONFIG).map(([name, shape]) => [
        name,
        new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(
          name.includes("ln_") && name.endsWith("weight") ? 1 : 0,
        ),
      ]),
    );
    const weights = gptWeightsFrom(CONFIG, zeros);
    // 21 tokens: two full windows of 8 and a last one of 4 predictions.
    const tokens = Int32Array.from({ length: 21 }, (_, i) => i % 16);
    const evaluation = await evaluateLm(CONFIG, weights, tokens, (id) => (id % 2 === 0 ? 1 : 3));
    assert.equal(evaluation.tokens, 20);
    assert.ok(Math.abs(evaluation.loss - Math.log(16)) < 1e-5);
    assert.ok(Math.abs(evaluation.perplexity - 16) < 1e-3);
    // Targets are tokens 1..20: ten odd (3 bytes) and ten even (1 byte) ids.
    assert.equal(evaluation.bytes, 40);
    assert.ok(Math.abs(evaluation.bitsPerByte - (20 * 4) / 40) < 1e-5);
    await assert.rejects(
      evaluateLm(CONFIG, weights, Int32Array.of(1), () => 1),
      /the held-out text is shorter than two tokens/,
    );
    tf.dispose([...weights.values()]);
  });
});

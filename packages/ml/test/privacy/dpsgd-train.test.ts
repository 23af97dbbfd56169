import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  StandardScaler,
  loadIris,
  trainTestSplit,
  type TabularDataset,
} from "../../src/data/index.js";
import { accuracyScore } from "../../src/metrics/index.js";
import { exportOnnx, openOnnxModel } from "../../src/onnx/index.js";
import {
  PrivacyParameterError,
  noiseMultiplierFor,
  normalCdf,
  privacySpent,
  trainMlpDp,
  trainMlpSgd,
  type DpSgdOptions,
} from "../../src/privacy/index.js";

function scaledIris(seed: number): { train: TabularDataset; test: TabularDataset } {
  const { train, test } = trainTestSplit(loadIris(), { testFraction: 0.2, seed });
  const scaler = new StandardScaler().fit(train);
  return { train: scaler.transformDataset(train), test: scaler.transformDataset(test) };
}

function argmaxRows(p: Float64Array, classes: number): number[] {
  return Array.from({ length: p.length / classes }, (_, i) => {
    const row = Array.from(p.subarray(i * classes, (i + 1) * classes));
    return row.indexOf(Math.max(...row));
  });
}

function flatWeights(layers: readonly { weights: Float32Array; bias: Float32Array }[]): number[] {
  return layers.flatMap((l) => [...l.weights, ...l.bias]);
}

describe("trainMlpDp on Iris", () => {
  it("reaches mean test accuracy >= 0.85 at epsilon 3, delta 1e-5 over five seeds", async () => {
    const accuracies: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train, test } = scaledIris(seed);
      const model = await trainMlpDp(train, { targetEpsilon: 3, delta: 1e-5, seed });
      assert.ok(model.privacy.epsilon <= 3, `spent ${model.privacy.epsilon}`);
      accuracies.push(accuracyScore(test.y, argmaxRows(model.predict(test.x, test.y.length), 3)));
    }
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    assert.ok(mean >= 0.85, `mean accuracy ${mean} (${accuracies.join(", ")})`);
  });

  it("reports the epsilon the RDP accountant gives for its sigma, q and steps", async () => {
    const { train } = scaledIris(7);
    const model = await trainMlpDp(train, {
      targetEpsilon: 3,
      delta: 1e-5,
      expectedBatchSize: 30,
      epochs: 10,
      seed: 7,
    });
    const p = model.privacy;
    assert.equal(p.sampleRate, 30 / 120);
    assert.equal(p.stepsPerEpoch, 4);
    assert.equal(p.steps, 40);
    assert.equal(p.plannedSteps, 40);
    assert.equal(p.epochs, 10);
    assert.equal(p.budgetExhausted, false);
    assert.equal(p.clipNorm, 1);
    assert.equal(p.randomness, "seeded");
    const calibrated = noiseMultiplierFor({
      targetEpsilon: 3,
      delta: 1e-5,
      sampleRate: 0.25,
      steps: 40,
    });
    assert.equal(p.noiseMultiplier, calibrated.noiseMultiplier);
    const spent = privacySpent({
      history: [{ noiseMultiplier: p.noiseMultiplier, sampleRate: 0.25, steps: 40 }],
      delta: 1e-5,
    });
    assert.equal(p.epsilon, spent.epsilon);
    assert.equal(p.rdpOrder, spent.order);
    assert.ok(p.epsilon <= 3 && p.epsilon > 2.9);
    const history = model.training.history;
    assert.equal(history.length, 10);
    assert.equal(history.at(-1)?.epsilon, p.epsilon);
  });

  it("stops before the step that would exceed the budget", async () => {
    const { train, test } = scaledIris(3);
    const epochs: number[] = [];
    const model = await trainMlpDp(train, {
      targetEpsilon: 3,
      delta: 1e-5,
      noiseMultiplier: 3,
      expectedBatchSize: 60,
      epochs: 50,
      seed: 3,
      validation: test,
      onEpoch: (r) => epochs.push(r.epsilon ?? Number.NaN),
    });
    const p = model.privacy;
    assert.equal(p.budgetExhausted, true);
    assert.ok(p.steps < p.plannedSteps);
    const at = (steps: number): number =>
      privacySpent({
        history: [{ noiseMultiplier: 3, sampleRate: 0.5, steps }],
        delta: 1e-5,
      }).epsilon;
    assert.ok(at(p.steps) <= 3, `spent ${at(p.steps)}`);
    assert.ok(at(p.steps + 1) > 3, "one more step would still have fitted");
    assert.equal(p.epsilon, at(p.steps));
    // epsilon grows epoch by epoch and the last report is the final spend.
    assert.ok(epochs.every((e, i) => i === 0 || e > (epochs[i - 1] ?? 0)));
    assert.equal(epochs.at(-1), p.epsilon);
  });

  it("repeats bit for bit for a seed and draws from node:crypto without one", async () => {
    const { train } = scaledIris(1);
    const options: DpSgdOptions = { targetEpsilon: 3, delta: 1e-5, epochs: 3 };
    const a = await trainMlpDp(train, { ...options, seed: 5 });
    const b = await trainMlpDp(train, { ...options, seed: 5 });
    assert.deepEqual(flatWeights(a.denseLayers()), flatWeights(b.denseLayers()));
    const c = await trainMlpDp(train, options);
    const d = await trainMlpDp(train, options);
    assert.equal(c.privacy.randomness, "node:crypto");
    assert.notDeepEqual(flatWeights(c.denseLayers()), flatWeights(d.denseLayers()));
  });

  it("adds noise N(0, sigma^2 C^2) to the clipped sum and divides by q n", async () => {
    // Full batch (q = 1), one plain SGD step from the same seeded start: two runs see
    // the same rows, the same clipped sum and the same standard normal draws, so the
    // difference of their weights is lr C (sigma_2 - sigma_1) z / n with z ~ N(0, 1).
    const { train } = scaledIris(2);
    const run = (noiseMultiplier: number) =>
      trainMlpDp(train, {
        noiseMultiplier,
        delta: 1e-5,
        sampleRate: 1,
        clipNorm: 0.5,
        epochs: 1,
        optimizer: "sgd",
        learningRate: 2,
        seed: 9,
      });
    const low = flatWeights((await run(1)).denseLayers());
    const high = flatWeights((await run(101)).denseLayers());
    const z = low
      .map((w, k) => ((w - (high[k] ?? 0)) * 120) / (2 * 0.5 * 100))
      .sort((x, y) => x - y);
    assert.equal(z.length, 4 * 64 + 64 + 64 * 3 + 3);
    let ks = 0;
    z.forEach((v, i) => {
      const cdf = normalCdf(v);
      ks = Math.max(ks, Math.abs(cdf - i / z.length), Math.abs((i + 1) / z.length - cdf));
    });
    // Kolmogorov's critical value at alpha = 0.001 is 1.95 / sqrt(n).
    assert.ok(ks < 1.95 / Math.sqrt(z.length), `KS statistic ${ks}`);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1));
    assert.ok(Math.abs(sd - 1) < 0.15, `noise standard deviation ${sd} times sigma C / n`);
  });

  it("gives weights the ONNX exporter writes and onnxruntime runs to the same probabilities", async () => {
    const { train, test } = scaledIris(4);
    const model = await trainMlpDp(train, { targetEpsilon: 3, delta: 1e-5, epochs: 5, seed: 4 });
    const bytes = exportOnnx({
      kind: "mlp",
      layers: model.denseLayers(),
      preprocessing: { featureNames: train.featureNames },
      classes: train.classes,
      metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
    });
    const onnx = await openOnnxModel(bytes);
    const outputs = await onnx.run(test.x, test.y.length);
    const probabilities = Object.values(outputs).find(
      (o) => o.type === "float32" && o.dims[1] === 3,
    );
    assert.ok(probabilities !== undefined);
    const expected = model.predict(test.x, test.y.length);
    Array.from(probabilities.data as Float32Array).forEach((v, k) => {
      assert.ok(Math.abs(v - (expected[k] ?? 0)) < 1e-5);
    });
  });

  it("reports loss and validation accuracy after every epoch, like the non-private twin", async () => {
    const { train, test } = scaledIris(6);
    const reports: number[] = [];
    const model = await trainMlpSgd(train, {
      seed: 6,
      epochs: 40,
      batchSize: 16,
      learningRate: 0.01,
      validation: test,
      onEpoch: (r) => reports.push(r.valMetric ?? Number.NaN),
    });
    assert.equal(reports.length, 40);
    const [first] = model.training.history;
    const last = model.training.history.at(-1);
    assert.ok(first !== undefined && last !== undefined);
    assert.equal(last.epsilon, null);
    const accuracy = accuracyScore(test.y, argmaxRows(model.predict(test.x, test.y.length), 3));
    assert.equal(last.valMetric, accuracy);
    assert.ok(accuracy >= 0.9, `non-private accuracy ${accuracy}`);
    assert.ok(first.loss > last.loss);
  });
});

describe("trainMlpDp bad input", () => {
  const { train } = scaledIris(1);
  const base: DpSgdOptions = { targetEpsilon: 3, delta: 1e-5, epochs: 1, seed: 1 };
  const cases: [string, Partial<DpSgdOptions>, string, RegExp][] = [
    [
      "epsilon 0",
      { targetEpsilon: 0 },
      "targetEpsilon",
      /targetEpsilon must be a finite number > 0, got 0/,
    ],
    ["negative epsilon", { targetEpsilon: -1 }, "targetEpsilon", /got -1/],
    ["delta 0", { delta: 0 }, "delta", /delta must lie in the open interval \(0, 1\)/],
    ["delta 1", { delta: 1 }, "delta", /open interval \(0, 1\).*got 1$/],
    [
      "sampling rate 0",
      { sampleRate: 0 },
      "sampleRate",
      /sampling rate q must lie in \(0, 1\], got 0/,
    ],
    ["sampling rate above 1", { sampleRate: 1.5 }, "sampleRate", /got 1\.5/],
    [
      "a batch larger than the data",
      { expectedBatchSize: 200 },
      "sampleRate",
      /expectedBatchSize 200 over 120 training rows/,
    ],
    [
      "noise multiplier 0",
      { noiseMultiplier: 0 },
      "noiseMultiplier",
      /noiseMultiplier .* must be a finite number > 0, got 0/,
    ],
    ["negative noise multiplier", { noiseMultiplier: -2 }, "noiseMultiplier", /got -2/],
    [
      "clipping norm 0",
      { clipNorm: 0 },
      "clipNorm",
      /clipNorm .* must be a finite number > 0, e\.g\. 1, got 0/,
    ],
    ["negative clipping norm", { clipNorm: -1 }, "clipNorm", /got -1/],
    [
      "a budget one step overspends",
      { targetEpsilon: 0.01, noiseMultiplier: 0.5 },
      "targetEpsilon",
      /a single step at noise multiplier 0\.5 .* raise the noise multiplier or the target/,
    ],
    [
      "neither a budget nor a noise multiplier",
      { targetEpsilon: undefined },
      "targetEpsilon",
      /give targetEpsilon .*, noiseMultiplier, or both/,
    ],
  ];
  for (const [what, patch, parameter, message] of cases) {
    it(`rejects ${what}`, async () => {
      await assert.rejects(trainMlpDp(train, { ...base, ...patch }), (err: unknown) => {
        assert.ok(err instanceof PrivacyParameterError, String(err));
        assert.equal(err.parameter, parameter);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it("names a bad training row", async () => {
    const x = Float64Array.from(train.x);
    x[4 * 7 + 2] = Number.NaN;
    await assert.rejects(
      trainMlpDp({ ...train, x }, base),
      /training row 7, feature 2: NaN is not a finite number/,
    );
  });
});

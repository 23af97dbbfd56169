import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { trainMlp, type EpochReport } from "../../src/train/index.js";
import { table } from "./helpers.js";

// Labels that are pure noise: whatever the network memorises of the training rows
// only makes it worse on the validation rows, so the validation loss soon rises.
function noise(rows: number, offset: number) {
  const hash = (i: number): number => ((Math.imul(i + offset, 2654435761) >>> 0) % 1000) / 1000;
  return table(
    rows,
    3,
    (i, j) => hash(i * 3 + j + 7) * 2 - 1,
    (i) => (hash(i + 5000) < 0.5 ? 0 : 1),
    ["a", "b"],
  );
}

describe("early stopping", () => {
  const train = noise(48, 0);
  const validation = noise(48, 100000);

  it("stops once the validation loss stops improving and restores the best epoch", async () => {
    const reports: EpochReport[] = [];
    const model = await trainMlp(train, {
      seed: 1,
      epochs: 300,
      learningRate: 0.02,
      validation,
      earlyStopping: { patience: 4 },
      onEpoch: (r) => reports.push(r),
    });
    const { history, stoppedEpoch, bestEpoch } = model.training;
    assert.ok(stoppedEpoch < 300, `ran all ${stoppedEpoch} epochs`);
    assert.equal(history.length, stoppedEpoch);
    assert.deepEqual(reports, history);
    assert.equal(stoppedEpoch - bestEpoch, 4);

    const losses = history.map((r) => r.valLoss ?? Infinity);
    const best = Math.min(...losses);
    assert.equal(losses.indexOf(best) + 1, bestEpoch);

    // The model now holds the best epoch's weights: its validation loss is that epoch's.
    const p = model.predict(validation.x, 48);
    let loss = 0;
    validation.y.forEach((label, i) => {
      loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p[2 * i + label] ?? 0))) / 48;
    });
    assert.ok(Math.abs(loss - best) < 1e-5, `validation loss ${loss}, best epoch's ${best}`);
    assert.ok(history.every((r) => r.metricName === "accuracy" && r.valMetric !== null));
    model.dispose();
  });

  it("keeps the last epoch's weights when told not to restore", async () => {
    const model = await trainMlp(train, {
      seed: 1,
      epochs: 300,
      learningRate: 0.02,
      validation,
      earlyStopping: { patience: 4, restoreBestWeights: false },
    });
    const { stoppedEpoch, bestEpoch, history } = model.training;
    assert.ok(stoppedEpoch < 300);
    assert.equal(bestEpoch, stoppedEpoch);
    const p = model.predict(validation.x, 48);
    let loss = 0;
    validation.y.forEach((label, i) => {
      loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p[2 * i + label] ?? 0))) / 48;
    });
    assert.ok(Math.abs(loss - (history.at(-1)?.valLoss ?? Infinity)) < 1e-5);
    model.dispose();
  });
});

// A DP-SGD epoch against the same non-private epoch: same network, data, (expected)
// batch size and tensor operations, measured in the same run.
import { generatedTable } from "./lib/generated-table.mjs";
import { loadMl } from "./lib/load-ml.mjs";
import { median } from "./lib/report.mjs";

const ROUNDS = 5;

/**
 * Milliseconds per epoch: the time between the first and the last epoch's report
 * over the epochs between them, so set-up (σ calibration, tensors) is left out.
 */
async function msPerEpoch(train, epochs) {
  const stamps = [];
  await train(epochs, () => stamps.push(performance.now()));
  return (stamps[stamps.length - 1] - stamps[0]) / (stamps.length - 1);
}

async function compare({ ml, label, data, batchSize, epochs, log }) {
  const { trainMlpDp, trainMlpSgd } = ml;
  const dp = (n, onEpoch) =>
    trainMlpDp(data, {
      noiseMultiplier: 1,
      delta: 1e-5,
      clipNorm: 1,
      expectedBatchSize: batchSize,
      epochs: n,
      onEpoch,
    });
  const plain = (n, onEpoch) => trainMlpSgd(data, { seed: 1, batchSize, epochs: n, onEpoch });
  // One untimed short run of each first, so both are measured warm.
  await msPerEpoch(dp, 2);
  await msPerEpoch(plain, 2);
  const dpTimes = [];
  const plainTimes = [];
  for (let r = 0; r < ROUNDS; r++) {
    plainTimes.push(await msPerEpoch(plain, epochs));
    dpTimes.push(await msPerEpoch(dp, epochs));
  }
  const mine = median(dpTimes);
  const base = median(plainTimes);
  log(
    `dp-sgd ${label}: DP-SGD ${mine.toFixed(2)} ms/epoch, non-private ${base.toFixed(2)} ms/epoch ` +
      `(rounds: DP ${dpTimes.map((t) => t.toFixed(1)).join(", ")}; plain ${plainTimes.map((t) => t.toFixed(1)).join(", ")})`,
  );
  return {
    figure: `DP-SGD epoch vs non-private epoch, ${label}`,
    hub: mine,
    baseline: base,
    unit: "ms",
    ratio: mine / base,
    target: "≤ 2×",
    pass: mine / base <= 2,
  };
}

/**
 * Times a DP-SGD epoch (Poisson sampling, ghost clipping, Gaussian noise from
 * node:crypto, RDP ledger) against the non-private epoch of the same MLP, for
 * Iris (120 training rows, 4→64→3) and a generated 30,000 × 100 table (100→64→2).
 */
export async function benchDpSgd({ log }) {
  const ml = await loadMl();
  const { train } = ml.trainTestSplit(ml.loadIris(), { testFraction: 0.2, seed: 1 });
  const iris = new ml.StandardScaler().fit(train).transformDataset(train);
  const wide = generatedTable(ml.createRng, 30_000, 100, 1);
  return {
    rows: [
      await compare({
        ml,
        label: "Iris MLP (120 rows, 4→64→3, batch 64)",
        data: iris,
        batchSize: 64,
        epochs: 100,
        log,
      }),
      await compare({
        ml,
        label: "30,000 × 100 MLP (100→64→2, batch 256)",
        data: wide,
        batchSize: 256,
        epochs: 4,
        log,
      }),
    ],
  };
}

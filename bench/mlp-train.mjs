// MLP training epoch: @gatehouse/ml's trainMlp (tfjs, wasm backend) against PyTorch on CPU,
// same network, rows, batch size, optimiser and epochs, measured in the same run.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generatedTable } from "./lib/generated-table.mjs";
import { loadMl } from "./lib/load-ml.mjs";
import { median } from "./lib/report.mjs";
import { runPython } from "./lib/run-python.mjs";

const ROUNDS = 3;
const WARMUP_EPOCHS = 2;
const LEARNING_RATE = 0.01;
const HIDDEN = 64;

/**
 * Milliseconds between the ends of consecutive epochs of one `trainMlp` call, so the
 * model's construction and weight initialisation are left out and each interval is
 * one epoch's shuffling, batching and gradient steps (no validation set is given).
 */
async function tfjsEpochs(trainMlp, data, batchSize, epochs) {
  const stamps = [];
  const model = await trainMlp(data, {
    seed: 1,
    epochs,
    batchSize,
    learningRate: LEARNING_RATE,
    hiddenUnits: [HIDDEN],
    onEpoch: () => stamps.push(performance.now()),
  });
  const loss = model.training.history.at(-1)?.loss ?? NaN;
  model.dispose();
  return { epochMs: stamps.slice(1).map((t, i) => t - stamps[i]), loss };
}

async function compare({ ml, label, data, batchSize, epochs, dir, log }) {
  const features = data.featureNames.length;
  const xFile = path.join(dir, `${label.replace(/\W+/g, "-")}.x.f32`);
  const yFile = path.join(dir, `${label.replace(/\W+/g, "-")}.y.i32`);
  // The float32 rows tfjs trains on, byte for byte.
  await writeFile(xFile, Float32Array.from(data.x));
  await writeFile(yFile, Int32Array.from(data.y));
  const pyArgs = [
    "--x",
    xFile,
    "--y",
    yFile,
    "--features",
    features,
    "--classes",
    data.classes.length,
    "--hidden",
    HIDDEN,
    "--batch",
    batchSize,
    "--epochs",
    epochs,
    "--warmup-epochs",
    WARMUP_EPOCHS,
    "--lr",
    LEARNING_RATE,
  ];
  // Warm tfjs up once (wasm kernels, Adam's variables); Python warms up in each process.
  await tfjsEpochs(ml.trainMlp, data, batchSize, WARMUP_EPOCHS);
  const mine = [];
  const base = [];
  let losses = null;
  let threads = null;
  for (let r = 0; r < ROUNDS; r++) {
    const ours = await tfjsEpochs(ml.trainMlp, data, batchSize, epochs);
    const theirs = await runPython("mlp_train.py", pyArgs);
    mine.push(...ours.epochMs);
    base.push(...theirs.epochMs);
    losses = { tfjs: ours.loss, torch: theirs.finalLoss };
    threads = theirs.threads;
  }
  const hub = median(mine);
  const baseline = median(base);
  log(
    `mlp-train ${label}: tfjs-wasm ${hub.toFixed(2)} ms/epoch, PyTorch (${threads} thread) ` +
      `${baseline.toFixed(2)} ms/epoch over ${ROUNDS} × ${epochs - 1} epochs; ` +
      `last-epoch loss tfjs ${losses.tfjs.toFixed(4)}, torch ${losses.torch.toFixed(4)}`,
  );
  return {
    figure: `MLP training epoch vs PyTorch CPU, ${label}`,
    hub,
    baseline,
    unit: "ms",
    ratio: hub / baseline,
    target: "≤ 2×",
    pass: hub / baseline <= 2,
  };
}

/**
 * Median epoch time of `trainMlp` (Dense 64 ReLU → Dense k softmax, Adam lr 0.01,
 * categorical cross-entropy, tfjs wasm backend on one thread) against the same
 * network trained by PyTorch on one CPU thread on the same float32 rows, batch size
 * and epochs: the standard-scaled Iris training split (120 rows, batch 16) and a
 * generated 30,000 × 100 table (batch 256), where per-batch overhead matters less.
 * Needs `python3` with torch (`pip install torch onnxruntime`).
 */
export async function benchMlpTrain({ log }) {
  const ml = await loadMl();
  const { train } = ml.trainTestSplit(ml.loadIris(), { testFraction: 0.2, seed: 1 });
  const iris = new ml.StandardScaler().fit(train).transformDataset(train);
  const wide = generatedTable(ml.createRng, 30_000, 100, 1);
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-mlp-train-"));
  try {
    return {
      rows: [
        await compare({
          ml,
          label: "Iris (120 rows, 4→64→3, batch 16)",
          data: iris,
          batchSize: 16,
          epochs: 50,
          dir,
          log,
        }),
        await compare({
          ml,
          label: "30,000 × 100 (100→64→2, batch 256)",
          data: wide,
          batchSize: 256,
          epochs: 8,
          dir,
          log,
        }),
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

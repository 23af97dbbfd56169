// ONNX inference of the exported Iris MLP: @gatehouse/ml's openOnnxModel (onnxruntime-node)
// against onnxruntime called directly from Python, same file and rows, in the same run.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadMl } from "./lib/load-ml.mjs";
import { median } from "./lib/report.mjs";
import { runPython } from "./lib/run-python.mjs";

const ROUNDS = 3;
const BATCH_ROWS = 100_000;
const BATCH_RUNS = 10;
const SINGLE_RUNS = 2000;

/** Median seconds of `run()` over `runs` timed calls, after `warmup` untimed ones. */
async function medianSeconds(model, x, rows, runs, warmup) {
  for (let i = 0; i < warmup; i++) {
    await model.run(x, rows);
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await model.run(x, rows);
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return median(times);
}

/** Rows drawn uniformly within each Iris feature's observed range, as float32. */
function irisLikeRows(ml, iris, rows) {
  const d = iris.featureNames.length;
  const n = iris.x.length / d;
  const low = Array.from({ length: d }, (_, j) =>
    Math.min(...Array.from({ length: n }, (_, i) => iris.x[i * d + j])),
  );
  const high = Array.from({ length: d }, (_, j) =>
    Math.max(...Array.from({ length: n }, (_, i) => iris.x[i * d + j])),
  );
  const rng = ml.createRng(2);
  const x = new Float32Array(rows * d);
  for (let i = 0; i < x.length; i++) {
    const j = i % d;
    x[i] = low[j] + rng.next() * (high[j] - low[j]);
  }
  return x;
}

/**
 * Trains the Iris MLP (4→64→3 on standard-scaled features), exports it with its
 * scaler to ONNX with `exportOnnx`, and measures rows per second of
 * `openOnnxModel(file).run` on 100,000 generated rows in one batch, and on one row
 * per call (latency), against `onnxruntime.InferenceSession.run` from Python on the
 * same file and float32 rows. Both sessions use onnxruntime's default options on the
 * CPU provider. Needs `python3` with onnxruntime (`pip install torch onnxruntime`).
 */
export async function benchOnnxInfer({ log }) {
  const ml = await loadMl();
  const iris = ml.loadIris();
  const { train } = ml.trainTestSplit(iris, { testFraction: 0.2, seed: 1 });
  const scaler = new ml.StandardScaler().fit(train);
  // Inference time does not depend on how well the weights fit; a short training is enough.
  const trained = await ml.trainMlp(scaler.transformDataset(train), { seed: 1, epochs: 20 });
  const bytes = ml.exportOnnx({
    kind: "mlp",
    layers: trained.denseLayers(),
    preprocessing: {
      featureNames: iris.featureNames,
      scaler: { kind: "standard", mean: scaler.mean, scale: scaler.scale },
    },
    classes: iris.classes,
    metadata: { licence: "apache-2.0", producerVersion: "bench" },
  });
  trained.dispose();
  const features = iris.featureNames.length;
  const x = irisLikeRows(ml, iris, BATCH_ROWS);
  const one = x.slice(0, features);
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-onnx-infer-"));
  const modelFile = path.join(dir, "iris-mlp.onnx");
  const xFile = path.join(dir, "rows.f32");
  await writeFile(modelFile, bytes);
  await writeFile(xFile, x);
  const model = await ml.openOnnxModel(modelFile);
  try {
    const mine = { batch: [], single: [] };
    const base = { batch: [], single: [] };
    for (let r = 0; r < ROUNDS; r++) {
      mine.batch.push(await medianSeconds(model, x, BATCH_ROWS, BATCH_RUNS, 2));
      mine.single.push(await medianSeconds(model, one, 1, SINGLE_RUNS, 100));
      const theirs = await runPython("onnx_infer.py", [
        "--model",
        modelFile,
        "--x",
        xFile,
        "--features",
        features,
        "--runs",
        BATCH_RUNS,
        "--single-runs",
        SINGLE_RUNS,
      ]);
      base.batch.push(theirs.batchSeconds);
      base.single.push(theirs.singleSeconds);
    }
    const batchRate = BATCH_ROWS / median(mine.batch);
    const batchBase = BATCH_ROWS / median(base.batch);
    const singleUs = median(mine.single) * 1e6;
    const singleBaseUs = median(base.single) * 1e6;
    log(
      `onnx-infer: ${BATCH_ROWS} rows per call: Node ${batchRate.toFixed(0)} rows/s, Python ` +
        `${batchBase.toFixed(0)} rows/s; one row per call: Node ${singleUs.toFixed(1)} µs, Python ` +
        `${singleBaseUs.toFixed(1)} µs (${(1e6 / singleUs).toFixed(0)} vs ${(1e6 / singleBaseUs).toFixed(0)} rows/s; medians of ${ROUNDS} rounds; outputs ${model.outputNames.join(", ")})`,
    );
    return {
      rows: [
        {
          figure: `ONNX Iris MLP inference, ${BATCH_ROWS.toLocaleString("en")} rows per call, vs onnxruntime from Python`,
          hub: batchRate,
          baseline: batchBase,
          unit: "rows/s",
          ratio: batchRate / batchBase,
          target: "report",
          pass: null,
        },
        {
          figure: "ONNX Iris MLP latency, 1 row per call, vs onnxruntime from Python",
          hub: singleUs,
          baseline: singleBaseUs,
          unit: "µs",
          ratio: singleUs / singleBaseUs,
          target: "report",
          pass: null,
        },
      ],
    };
  } finally {
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
}

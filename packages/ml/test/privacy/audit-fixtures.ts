// A synthetic population and dense models that memorise chosen rows, for the
// membership-audit tests. Rows lie on the unit sphere in D dimensions; the label follows a
// softmax of three fixed linear scores, so even the best model has a varied loss.
// A "memorising" model adds one hidden unit per remembered row, relu(x_i · x − τ), which
// fires only at (or extremely near) x_i and pushes that row's own label up by BOOST; on any
// other row it is silent, so it changes nothing that generalises.
import { writeFile } from "node:fs/promises";
import type { TabularDataset } from "../../src/data/index.js";
import { exportOnnx } from "../../src/onnx/index.js";
import type { OnnxDenseLayer } from "../../src/onnx/index.js";
import { createRng, type Rng } from "../../src/random/seeded.js";

export const D = 16;
export const CLASSES = ["a", "b", "c"] as const;
export const FEATURES = Array.from({ length: D }, (_, j) => `f${j}`);
const K = CLASSES.length;
const TAU = 0.9;
/** How strongly the general part of the model follows the true scores. */
const SCALE = 3;

function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** The three class directions shared by the population and every model. */
function directions(): Float64Array {
  const rng = createRng(7);
  return Float64Array.from({ length: K * D }, () => normal(rng) / Math.sqrt(D));
}

/** `rows` rows drawn from the population with `seed`. */
export function population(rows: number, seed: number, name: string): TabularDataset {
  const rng = createRng(seed);
  const u = directions();
  const x = new Float64Array(rows * D);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let j = 0; j < D; j++) {
      const v = normal(rng);
      x[i * D + j] = v;
      norm += v * v;
    }
    const logits: number[] = [];
    for (let j = 0; j < D; j++) {
      x[i * D + j] = (x[i * D + j] ?? 0) / Math.sqrt(norm);
    }
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = 0; j < D; j++) {
        s += (u[c * D + j] ?? 0) * (x[i * D + j] ?? 0);
      }
      logits.push(SCALE * s);
    }
    const max = Math.max(...logits);
    const weights = logits.map((l) => Math.exp(l - max));
    let r = rng.next() * weights.reduce((a, b) => a + b, 0);
    let label = 0;
    while (label < K - 1 && r >= (weights[label] ?? 0)) {
      r -= weights[label] ?? 0;
      label++;
    }
    y[i] = label;
  }
  return {
    name,
    task: "classification",
    featureNames: FEATURES,
    targetName: "label",
    x,
    y,
    classes: [...CLASSES],
  };
}

/** The rows `from`..`to` of a dataset, as another dataset. */
export function rowsOf(
  data: TabularDataset,
  from: number,
  to: number,
  name: string,
): TabularDataset {
  return { ...data, name, x: data.x.slice(from * D, to * D), y: data.y.slice(from, to) };
}

/** An ONNX classifier: the general part plus one memorising unit per row of `remembered`. */
export function memorisingModel(remembered: TabularDataset, boost: number): Uint8Array {
  const u = directions();
  const m = remembered.y.length;
  const hidden = 2 * K + m;
  const w1 = new Float32Array(D * hidden);
  const b1 = new Float32Array(hidden);
  const w2 = new Float32Array(hidden * K);
  for (let c = 0; c < K; c++) {
    // relu(s) − relu(−s) = s: the linear score passes the relu layer in two halves.
    for (let j = 0; j < D; j++) {
      w1[j * hidden + 2 * c] = u[c * D + j] ?? 0;
      w1[j * hidden + 2 * c + 1] = -(u[c * D + j] ?? 0);
    }
    w2[2 * c * K + c] = SCALE;
    w2[(2 * c + 1) * K + c] = -SCALE;
  }
  for (let i = 0; i < m; i++) {
    const unit = 2 * K + i;
    for (let j = 0; j < D; j++) {
      w1[j * hidden + unit] = remembered.x[i * D + j] ?? 0;
    }
    b1[unit] = -TAU;
    w2[unit * K + (remembered.y[i] ?? 0)] = boost / (1 - TAU);
  }
  const layers: OnnxDenseLayer[] = [
    { inputSize: D, outputSize: hidden, weights: w1, bias: b1, activation: "relu" },
    {
      inputSize: hidden,
      outputSize: K,
      weights: w2,
      bias: new Float32Array(K),
      activation: "softmax",
    },
  ];
  return exportOnnx({
    kind: "mlp",
    layers,
    preprocessing: { featureNames: FEATURES },
    classes: [...CLASSES],
    metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
  });
}

/** Writes a dataset as CSV with a header; `columns` reorders or renames the feature columns. */
export async function writeCsvFile(
  file: string,
  data: TabularDataset,
  columns: readonly string[] = data.featureNames,
): Promise<void> {
  const d = data.featureNames.length;
  const lines = [[...columns, data.targetName].join(",")];
  for (let i = 0; i < data.y.length; i++) {
    const cells = columns.map((c) => {
      const j = data.featureNames.indexOf(c);
      return String(j < 0 ? 0 : (data.x[i * d + j] ?? 0));
    });
    lines.push([...cells, data.classes[data.y[i] ?? 0] ?? ""].join(","));
  }
  await writeFile(file, `${lines.join("\n")}\n`);
}

/**
 * Half-width of a 4-standard-deviation band around 0.5 for the AUC of an attack that
 * cannot tell the sets apart: under that null the AUC is a Mann–Whitney U / (n1 n2),
 * whose variance is (n1 + n2 + 1) / (12 n1 n2) (without ties).
 */
export function nullAucTolerance(n1: number, n2: number): number {
  return 4 * Math.sqrt((n1 + n2 + 1) / (12 * n1 * n2));
}

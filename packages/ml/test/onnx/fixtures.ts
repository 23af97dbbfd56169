// Export descriptions shared by the ONNX tests: one per model family, each with preprocessing.
import type { OnnxExportSpec } from "../../src/onnx/index.js";
import { randomLayer, randomValues } from "./reference-forward.js";

const metadata = {
  licence: "apache-2.0",
  cardUrl: "https://hub.example.org/acme/model/card",
  description: "test model",
  producerVersion: "0.1.0",
};

/** Four numeric columns, standard-scaled. */
export const linearRegression: OnnxExportSpec = {
  kind: "linear-regression",
  layers: [randomLayer(11, 4, 1, "linear")],
  preprocessing: {
    featureNames: ["rooms", "age", "distance", "tax"],
    scaler: { kind: "standard", mean: [6.2, 68.5, 3.8, 408], scale: [0.7, 28.1, 2.1, 168] },
  },
  metadata,
};

/** Two numeric columns (min-max scaled) around one categorical column; a single sigmoid unit. */
export const binaryLogistic: OnnxExportSpec = {
  kind: "logistic-regression",
  layers: [randomLayer(21, 5, 1, "sigmoid")],
  preprocessing: {
    featureNames: ["income", "region", "tenure"],
    scaler: { kind: "minmax", min: [-0.1, -0.25], scale: [0.02, 0.05] },
    oneHot: [{ column: 1, categories: [1, 2, 7] }],
  },
  classes: ["stays", "leaves"],
  metadata,
};

/** Four numeric columns, three classes with softmax. */
export const multiclassLogistic: OnnxExportSpec = {
  kind: "logistic-regression",
  layers: [randomLayer(31, 4, 3, "softmax")],
  preprocessing: {
    featureNames: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    scaler: { kind: "standard", mean: [5.84, 3.05, 3.76, 1.2], scale: [0.83, 0.43, 1.76, 0.76] },
  },
  classes: ["setosa", "versicolor", "virginica"],
  metadata,
};

/** Two hidden layers over three numeric columns and two categorical ones named by column. */
export const mlpClassifier: OnnxExportSpec = {
  kind: "mlp",
  layers: [
    randomLayer(41, 8, 6, "relu"),
    randomLayer(43, 6, 5, "sigmoid"),
    randomLayer(45, 5, 4, "softmax"),
  ],
  preprocessing: {
    featureNames: ["colour", "x1", "x2", "size", "x3"],
    scaler: { kind: "standard", mean: [0.5, -1, 2], scale: [1.5, 2, 0.25] },
    oneHot: [
      { column: "size", categories: [0, 1] },
      { column: "colour", categories: [3, 1, 2] },
    ],
  },
  classes: ["a", "b", "c", "d"],
  metadata,
};

/** A regression MLP without preprocessing beyond naming the columns, two outputs. */
export const mlpRegressor: OnnxExportSpec = {
  kind: "mlp",
  layers: [randomLayer(51, 3, 7, "relu"), randomLayer(53, 7, 2, "linear")],
  preprocessing: { featureNames: ["u", "v", "w"] },
  metadata: { licence: "cc-by-4.0", producerVersion: "0.1.0" },
};

/**
 * Raw rows for a spec: numeric columns drawn around the scaler's centre, categorical columns
 * cycling through their categories plus one code outside them.
 */
export function rawRows(spec: OnnxExportSpec, rows: number, seed: number): Float64Array {
  const names = spec.preprocessing.featureNames;
  const f = names.length;
  const noise = randomValues(seed, rows * f, 1);
  const x = new Float64Array(rows * f);
  const oneHot = new Map(
    (spec.preprocessing.oneHot ?? []).map((o) => [
      typeof o.column === "string" ? names.indexOf(o.column) : o.column,
      o.categories,
    ]),
  );
  const s = spec.preprocessing.scaler;
  for (let r = 0; r < rows; r++) {
    let k = 0;
    for (let j = 0; j < f; j++) {
      const categories = oneHot.get(j);
      if (categories !== undefined) {
        x[r * f + j] =
          r % (categories.length + 1) === categories.length
            ? 99
            : (categories[r % (categories.length + 1)] ?? 0);
        continue;
      }
      const z = (noise[r * f + j] ?? 0) * 2;
      if (s?.kind === "standard") {
        x[r * f + j] = (s.mean[k] ?? 0) + z * (s.scale[k] ?? 1);
      } else if (s?.kind === "minmax") {
        x[r * f + j] = (z - (s.min[k] ?? 0)) / (s.scale[k] ?? 1);
      } else {
        x[r * f + j] = z;
      }
      k++;
    }
  }
  return x;
}

import { TrainInputError, type DenseLayer } from "../../train/index.js";
import type { DenseMlpModel, DenseTrainingSummary } from "./dp-sgd-types.js";

function applyLayer(layer: DenseLayer, input: Float64Array): Float64Array {
  const out = Float64Array.from(layer.bias);
  for (let i = 0; i < layer.inputSize; i++) {
    const a = input[i] ?? 0;
    if (a === 0) {
      continue;
    }
    for (let j = 0; j < layer.outputSize; j++) {
      out[j] = (out[j] ?? 0) + a * (layer.weights[i * layer.outputSize + j] ?? 0);
    }
  }
  switch (layer.activation) {
    case "relu":
      return out.map((v) => Math.max(0, v));
    case "sigmoid":
      return out.map((v) => 1 / (1 + Math.exp(-v)));
    case "linear":
      return out;
    case "softmax": {
      const max = Math.max(...out);
      const e = out.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    }
  }
}

/**
 * A classifier over plain dense layers: predictions are computed in float64 from
 * the arrays, so the model holds no tensors and `dispose()` has nothing to free.
 */
export function plainMlpModel(
  layers: readonly DenseLayer[],
  featureNames: readonly string[],
  classes: readonly string[],
  training: DenseTrainingSummary,
): DenseMlpModel {
  const width = featureNames.length;
  return {
    kind: "mlp",
    task: "classification",
    featureNames: [...featureNames],
    classes: [...classes],
    training,
    predict(x, rows) {
      if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * width) {
        throw new TrainInputError(
          `predict needs ${rows} rows of ${width} features (${rows * width} values), got ${x.length} values`,
        );
      }
      const out = new Float64Array(rows * classes.length);
      for (let r = 0; r < rows; r++) {
        let h = x.subarray(r * width, (r + 1) * width);
        for (const [k, value] of h.entries()) {
          if (!Number.isFinite(value)) {
            throw new TrainInputError(
              `predict row ${r}, feature "${featureNames[k] ?? k}": ${value} is not a finite number`,
            );
          }
        }
        for (const layer of layers) {
          h = applyLayer(layer, h);
        }
        out.set(h, r * classes.length);
      }
      return out;
    },
    denseLayers: () =>
      layers.map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice() })),
    dispose: () => undefined,
  };
}

import type * as tf from "@tensorflow/tfjs";
import { checkPredictInput } from "./check-input.js";
import { predictRows } from "./fit-model.js";
import type { Activation, DenseLayer, TabularModel, TrainingSummary } from "./model-types.js";
import type { OutputKind } from "./score-predictions.js";

/** The dense layers of a tfjs model as plain arrays. */
export function denseLayersOf(model: tf.LayersModel): DenseLayer[] {
  return model.layers
    .filter((layer) => layer.getClassName() === "Dense")
    .map((layer) => {
      const [kernel, bias] = layer.getWeights();
      if (kernel === undefined || bias === undefined) {
        throw new Error(`dense layer "${layer.name}" has no bias`);
      }
      const [inputSize = 0, outputSize = 0] = kernel.shape;
      const activation = layer.getConfig().activation;
      if (
        activation !== "linear" &&
        activation !== "relu" &&
        activation !== "sigmoid" &&
        activation !== "softmax"
      ) {
        throw new Error(
          `dense layer "${layer.name}" has unsupported activation ${JSON.stringify(activation)}`,
        );
      }
      return {
        inputSize,
        outputSize,
        weights: Float32Array.from(kernel.dataSync()),
        bias: Float32Array.from(bias.dataSync()),
        activation: activation satisfies Activation,
      };
    });
}

/** Turns a single-sigmoid column `p` into two columns `1 − p, p`. */
export function twoColumns(p: Float32Array): Float64Array {
  const out = new Float64Array(p.length * 2);
  p.forEach((value, i) => {
    out[2 * i] = 1 - value;
    out[2 * i + 1] = value;
  });
  return out;
}

/** Wraps a trained tfjs model of numeric features as a `TabularModel`. */
export function tabularModel(
  kind: TabularModel["kind"],
  model: tf.LayersModel,
  output: OutputKind,
  featureNames: readonly string[],
  classes: readonly string[],
  training: TrainingSummary,
): TabularModel {
  return {
    kind,
    task: output === "regression" ? "regression" : "classification",
    featureNames: [...featureNames],
    classes: [...classes],
    training,
    predict(x, rows) {
      const input = checkPredictInput(x, rows, featureNames);
      const out = predictRows(model, { x: input, rowShape: [featureNames.length] }, rows);
      return output === "sigmoid" ? twoColumns(out) : Float64Array.from(out);
    },
    denseLayers: () => denseLayersOf(model),
    dispose: () => {
      model.dispose();
    },
  };
}

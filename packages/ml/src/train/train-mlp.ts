import * as tf from "@tensorflow/tfjs";
import { TrainInputError } from "./train-input-error.js";
import { fitModel } from "./fit-model.js";
import type { TabularExamples, TabularModel, TrainOptions } from "./model-types.js";
import { prepareTabular } from "./prepare-tabular.js";
import { tabularModel } from "./tabular-model.js";
import { useWasmBackend } from "./use-wasm-backend.js";

/** Options of `trainMlp`. */
export interface MlpOptions extends TrainOptions {
  /** Units of each hidden ReLU layer; default `[64]`. */
  readonly hiddenUnits?: readonly number[];
}

/**
 * A multilayer perceptron classifier: Dense ReLU hidden layers, then Dense k softmax,
 * trained with Adam on categorical cross-entropy. With the defaults (one hidden layer
 * of 64, 100 epochs, batches of 16, learning rate 0.01) it is the classic Iris network.
 * Scale the features first (e.g. `StandardScaler`).
 *
 * @example
 * const model = await trainMlp(scaledTrain, { seed: 7, validation: scaledVal,
 *   earlyStopping: { patience: 10 } });
 */
export async function trainMlp(data: TabularExamples, options: MlpOptions): Promise<TabularModel> {
  const hidden = options.hiddenUnits ?? [64];
  for (const units of hidden) {
    if (!Number.isInteger(units) || units < 1) {
      throw new TrainInputError(`hiddenUnits must hold integers >= 1, got ${units}`);
    }
  }
  const prepared = prepareTabular(data, "classification", options, {
    epochs: 100,
    batchSize: 16,
    learningRate: 0.01,
  });
  await useWasmBackend();
  const layers = hidden.map((units, i) =>
    tf.layers.dense({
      ...(i === 0 ? { inputShape: [data.featureNames.length] } : {}),
      units,
      activation: "relu",
      kernelInitializer: "zeros",
    }),
  );
  layers.push(
    tf.layers.dense({
      ...(hidden.length === 0 ? { inputShape: [data.featureNames.length] } : {}),
      units: data.classes.length,
      activation: "softmax",
      kernelInitializer: "zeros",
    }),
  );
  const model = tf.sequential({ layers });
  try {
    const training = await fitModel({
      model,
      output: "softmax",
      classCount: data.classes.length,
      ...prepared,
      seed: options.seed,
      earlyStopping: options.earlyStopping,
      onEpoch: options.onEpoch,
    });
    return tabularModel("mlp", model, "softmax", data.featureNames, data.classes, training);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

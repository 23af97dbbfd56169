import * as tf from "@tensorflow/tfjs";
import { fitModel } from "./fit-model.js";
import type { TabularExamples, TabularModel, TrainOptions } from "./model-types.js";
import { prepareTabular } from "./prepare-tabular.js";
import { tabularModel } from "./tabular-model.js";
import { useWasmBackend } from "./use-wasm-backend.js";

/**
 * Logistic regression trained with Adam on cross-entropy: one sigmoid output for two
 * classes (binary), a softmax over k outputs for more (multinomial). Unregularised.
 * Defaults: 200 epochs, batches of 32, learning rate 0.01. `predict` returns one
 * probability per class either way.
 */
export async function trainLogisticRegression(
  data: TabularExamples,
  options: TrainOptions,
): Promise<TabularModel> {
  const prepared = prepareTabular(data, "classification", options, {
    epochs: 200,
    batchSize: 32,
    learningRate: 0.01,
  });
  await useWasmBackend();
  const binary = data.classes.length === 2;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [data.featureNames.length],
        units: binary ? 1 : data.classes.length,
        activation: binary ? "sigmoid" : "softmax",
        kernelInitializer: "zeros",
      }),
    ],
  });
  try {
    const output = binary ? "sigmoid" : "softmax";
    const training = await fitModel({
      model,
      output,
      classCount: data.classes.length,
      ...prepared,
      seed: options.seed,
      earlyStopping: options.earlyStopping,
      onEpoch: options.onEpoch,
    });
    return tabularModel(
      "logistic-regression",
      model,
      output,
      data.featureNames,
      data.classes,
      training,
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
}

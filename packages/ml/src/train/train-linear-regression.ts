import * as tf from "@tensorflow/tfjs";
import { fitModel } from "./fit-model.js";
import type { TabularExamples, TabularModel, TrainOptions } from "./model-types.js";
import { prepareTabular } from "./prepare-tabular.js";
import { tabularModel } from "./tabular-model.js";
import { useWasmBackend } from "./use-wasm-backend.js";

/**
 * Fits `y ≈ x·w + b` by minimising mean squared error with Adam. Defaults: full-batch
 * steps (`batchSize: Infinity`, so every epoch is one exact gradient step and the loss
 * falls smoothly), 500 epochs, learning rate 0.1. The bias starts at the mean target,
 * so on standard-scaled features only the slopes have far to travel. Use
 * `leastSquares` for the exact solution; this trainer exists so the same loop, early
 * stopping and export serve every model.
 *
 * @example
 * const model = await trainLinearRegression(scaledTrain, { seed: 1 });
 * const yHat = model.predict(scaledTest.x, scaledTest.y.length);
 */
export async function trainLinearRegression(
  data: TabularExamples,
  options: TrainOptions,
): Promise<TabularModel> {
  const prepared = prepareTabular(data, "regression", options, {
    epochs: 500,
    batchSize: Infinity,
    learningRate: 0.1,
  });
  await useWasmBackend();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [data.featureNames.length],
        units: 1,
        kernelInitializer: "zeros",
      }),
    ],
  });
  const mean = data.y.reduce((a, b) => a + b, 0) / data.y.length;
  try {
    const training = await fitModel({
      model,
      output: "regression",
      classCount: 0,
      ...prepared,
      seed: options.seed,
      earlyStopping: options.earlyStopping,
      onEpoch: options.onEpoch,
      outputBias: Float32Array.of(mean),
    });
    return tabularModel("linear-regression", model, "regression", data.featureNames, [], training);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

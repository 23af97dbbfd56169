import * as tf from "@tensorflow/tfjs";
import { useWasmBackend, type TabularExamples } from "../../train/index.js";
import { createRng, shuffled } from "../../random/seeded.js";
import { checkClassificationData, denseSettings, runDenseTraining } from "./dense-training-loop.js";
import type { DenseMlpModel, DenseTrainOptions } from "./dp-sgd-types.js";
import { weightedGradientSum } from "./ghost-clip.js";
import { plainMlpModel } from "./plain-mlp-model.js";
import { TrainInputError } from "../../train/index.js";

/** Options of {@link trainMlpSgd}. */
export interface MlpSgdOptions extends DenseTrainOptions {
  /** Initial weights and batch order come from it. */
  readonly seed: number;
  /** Rows per step (the last batch of an epoch may be smaller); default 64. */
  readonly batchSize?: number;
}

/**
 * The non-private twin of `trainMlpDp`: the same network and the same tensor
 * operations, but shuffled batches of fixed size and the plain mean gradient,
 * with no clipping, no noise and no guarantee. It is the baseline DP-SGD's cost
 * and accuracy are measured against.
 */
export async function trainMlpSgd(
  data: TabularExamples,
  options: MlpSgdOptions,
): Promise<DenseMlpModel> {
  const rows = checkClassificationData(data, options.validation);
  const settings = denseSettings(options, { learningRate: 0.01, epochs: 60 });
  const batchSize = Math.min(options.batchSize ?? 64, rows);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainInputError(
      `batchSize must be an integer >= 1, got ${String(options.batchSize)}`,
    );
  }
  const rng = createRng(options.seed);
  const initRng = rng.fork();
  const shuffleRng = rng.fork();
  const all = Array.from({ length: rows }, (_, i) => i);
  let order: number[] = [];
  let next = rows;
  await useWasmBackend();
  const result = runDenseTraining({
    data,
    validation: options.validation,
    settings,
    initRng,
    stepsPerEpoch: Math.ceil(rows / batchSize),
    nextBatch: () => {
      if (next >= rows) {
        order = shuffled(all, shuffleRng);
        next = 0;
      }
      const batch = order.slice(next, next + batchSize);
      next += batchSize;
      return batch;
    },
    gradient: (batch) => {
      if (batch === null) {
        throw new Error("a fixed-size batch cannot be empty");
      }
      const size = batch.inputs[0]?.shape[0] ?? 1;
      return weightedGradientSum(batch.inputs, batch.grads, null).map((g) => ({
        kernel: tf.div(g.kernel, size),
        bias: tf.div(g.bias, size),
      }));
    },
    mayStep: () => true,
    afterStep: () => undefined,
    epsilon: () => null,
    onEpoch: options.onEpoch,
  });
  return plainMlpModel(result.layers, data.featureNames, data.classes, result.training);
}

import * as tf from "@tensorflow/tfjs";
import { accuracyScore } from "../../metrics/index.js";
import { TrainInputError, type DenseLayer, type TabularExamples } from "../../train/index.js";
import type { Rng } from "../../random/seeded.js";
import {
  createDenseNetwork,
  crossEntropy,
  denseLayersOf,
  forwardPass,
  outputGradients,
  type HiddenActivation,
} from "./dense-network.js";
import type { LayerGradient } from "./ghost-clip.js";
import { labelledTensors } from "./labelled-rows.js";
import type { DenseTrainOptions, DpEpochReport, DenseTrainingSummary } from "./dp-sgd-types.js";

/** Checked network and loop settings, after defaults. */
export interface DenseSettings {
  readonly hiddenUnits: readonly number[];
  readonly hiddenActivation: HiddenActivation;
  readonly optimizer: "adam" | "sgd";
  readonly learningRate: number;
  readonly epochs: number;
}

/** Applies defaults to the network and loop options and checks them. */
export function denseSettings(
  options: DenseTrainOptions,
  defaults: { readonly learningRate: number; readonly epochs: number },
): DenseSettings {
  const hiddenUnits = options.hiddenUnits ?? [64];
  for (const units of hiddenUnits) {
    if (!Number.isInteger(units) || units < 1) {
      throw new TrainInputError(`hiddenUnits must hold integers >= 1, got ${units}`);
    }
  }
  const epochs = options.epochs ?? defaults.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new TrainInputError(`epochs must be an integer >= 1, got ${epochs}`);
  }
  const learningRate = options.learningRate ?? defaults.learningRate;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new TrainInputError(`learningRate must be a positive number, got ${learningRate}`);
  }
  // Checked at run time too: the values often come from the command line.
  const optimizer: string = options.optimizer ?? "adam";
  if (optimizer !== "adam" && optimizer !== "sgd") {
    throw new TrainInputError(`optimizer must be "adam" or "sgd", got ${optimizer}`);
  }
  const hiddenActivation: string = options.hiddenActivation ?? "relu";
  if (
    hiddenActivation !== "relu" &&
    hiddenActivation !== "sigmoid" &&
    hiddenActivation !== "linear"
  ) {
    throw new TrainInputError(
      `hiddenActivation must be "relu", "sigmoid" or "linear", got ${hiddenActivation}`,
    );
  }
  return { hiddenUnits, hiddenActivation, optimizer, learningRate, epochs };
}

/** Checks a classification table for training and returns its row count. */
export function checkClassificationData(
  data: TabularExamples,
  validation?: TabularExamples,
): number {
  const width = data.featureNames.length;
  if (width < 1) {
    throw new TrainInputError("training data has no features (featureNames is empty)");
  }
  if (data.classes.length < 2) {
    throw new TrainInputError(
      `a classifier needs at least two classes, got ${data.classes.length} in training data's classes`,
    );
  }
  const rows = data.y.length;
  if (rows < 1) {
    throw new TrainInputError("training data has no rows");
  }
  if (validation !== undefined) {
    if (validation.featureNames.length !== width) {
      throw new TrainInputError(
        `validation data has ${validation.featureNames.length} features but the model is trained on ${width}`,
      );
    }
    if (validation.classes.length !== data.classes.length) {
      throw new TrainInputError(
        `validation data has ${validation.classes.length} classes but training data has ${data.classes.length}`,
      );
    }
  }
  return rows;
}

/** One step's batch: its rows, or none (a Poisson batch may be empty). */
export type StepGradient = (
  batch: { inputs: readonly tf.Tensor2D[]; grads: readonly tf.Tensor2D[] } | null,
) => LayerGradient[];

/** What the loop needs besides the data and settings. */
export interface LoopSpec {
  readonly data: TabularExamples;
  readonly validation: TabularExamples | undefined;
  readonly settings: DenseSettings;
  readonly initRng: Rng;
  readonly stepsPerEpoch: number;
  /** The row indexes of the next step's batch. */
  readonly nextBatch: () => number[];
  /** The update direction from the batch's layer inputs and output gradients. */
  readonly gradient: StepGradient;
  /** False stops training before the step (a spent budget). */
  readonly mayStep: () => boolean;
  readonly afterStep: () => void;
  /** The ε to report after an epoch, or null. */
  readonly epsilon: () => number | null;
  readonly onEpoch: ((report: DpEpochReport) => void) | undefined;
}

/** What the loop gives back: the final weights and the history. */
export interface LoopResult {
  readonly layers: DenseLayer[];
  readonly training: DenseTrainingSummary;
  readonly steps: number;
  readonly stoppedEarly: boolean;
}

/**
 * Trains a dense softmax network step by step: forward pass, per-example output
 * gradients by backpropagation, then whatever `gradient` makes of them, applied by
 * Adam or SGD. The private and the non-private trainer share it, so they differ
 * only in sampling, clipping and noise.
 */
export function runDenseTraining(spec: LoopSpec): LoopResult {
  const { data, settings } = spec;
  const classCount = data.classes.length;
  const width = data.featureNames.length;
  const network = createDenseNetwork(
    [width, ...settings.hiddenUnits, classCount],
    settings.hiddenActivation,
    spec.initRng,
  );
  const optimizer =
    settings.optimizer === "adam"
      ? tf.train.adam(settings.learningRate)
      : tf.train.sgd(settings.learningRate);
  const train = labelledTensors(data, width, classCount, "training");
  const val =
    spec.validation === undefined
      ? null
      : labelledTensors(spec.validation, width, classCount, "validation");
  const history: DpEpochReport[] = [];
  // Each step's summed loss stays on the backend until the epoch ends, so the
  // loop is not forced to wait for the backend at every step.
  const stepLosses: tf.Scalar[] = [];
  let steps = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= settings.epochs && !stoppedEarly; epoch++) {
      let rowsSeen = 0;
      for (let s = 0; s < spec.stepsPerEpoch; s++) {
        if (!spec.mayStep()) {
          stoppedEarly = true;
          break;
        }
        const batch = spec.nextBatch();
        tf.tidy(() => {
          let update: LayerGradient[];
          if (batch.length === 0) {
            update = spec.gradient(null);
          } else {
            const indices = tf.tensor1d(batch, "int32");
            const x = tf.gather(train.x, indices);
            const targets = tf.gather(train.targets, indices);
            const pass = forwardPass(network.params, x);
            const grads = outputGradients(network.params, pass, targets);
            update = spec.gradient({ inputs: pass.inputs, grads });
            stepLosses.push(tf.keep(tf.sum<tf.Scalar>(crossEntropy(pass.logits, targets))));
            rowsSeen += batch.length;
          }
          optimizer.applyGradients(
            network.params.flatMap((p, l) => {
              const g = update[l];
              return g === undefined
                ? []
                : [
                    { name: p.kernel.name, tensor: g.kernel },
                    { name: p.bias.name, tensor: g.bias },
                  ];
            }),
          );
        });
        spec.afterStep();
        steps += 1;
      }
      const lossSum = drainLossSum(stepLosses);
      if (rowsSeen === 0 && stoppedEarly) {
        break;
      }
      const score =
        val === null || spec.validation === undefined
          ? null
          : scoreValidation(network.params, val.x, val.targets, spec.validation.y);
      const report: DpEpochReport = {
        epoch,
        epochs: settings.epochs,
        loss: rowsSeen === 0 ? Number.NaN : lossSum / rowsSeen,
        valLoss: score?.loss ?? null,
        valMetric: score?.accuracy ?? null,
        metricName: "accuracy",
        epsilon: spec.epsilon(),
        steps,
      };
      history.push(report);
      spec.onEpoch?.(report);
    }
    const last = history.at(-1)?.epoch ?? 0;
    return {
      layers: denseLayersOf(network.params),
      training: { history, stoppedEpoch: last, bestEpoch: last },
      steps,
      stoppedEarly,
    };
  } finally {
    tf.dispose(stepLosses);
    optimizer.dispose();
    network.dispose();
    tf.dispose([train.x, train.targets]);
    if (val !== null) {
      tf.dispose([val.x, val.targets]);
    }
  }
}

/**
 * Adds up the steps' summed losses, read from the backend at once, and frees them.
 * The float32 sums are added in step order in double precision.
 */
function drainLossSum(stepLosses: tf.Scalar[]): number {
  if (stepLosses.length === 0) {
    return 0;
  }
  try {
    const values = tf.tidy(() => tf.stack(stepLosses).dataSync());
    let sum = 0;
    for (const value of values) {
      sum += value;
    }
    return sum;
  } finally {
    tf.dispose(stepLosses);
    stepLosses.length = 0;
  }
}

function scoreValidation(
  params: Parameters<typeof forwardPass>[0],
  x: tf.Tensor2D,
  targets: tf.Tensor2D,
  labels: ArrayLike<number>,
): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const { logits } = forwardPass(params, x);
    const loss = tf.mean(crossEntropy(logits, targets)).dataSync()[0] ?? 0;
    const predicted = Array.from(tf.argMax(logits, 1).dataSync());
    return { loss, accuracy: accuracyScore(Array.from(labels), predicted) };
  });
}

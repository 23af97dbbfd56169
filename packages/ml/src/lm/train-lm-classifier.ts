import * as tf from "@tensorflow/tfjs";
import { createRng, shuffled } from "../random/seeded.js";
import { useWasmBackend } from "../train/use-wasm-backend.js";
import { classifierBatch, CLASSIFIER_HEAD, gptClassifierLogits } from "./gpt-classifier.js";
import type { GptConfig } from "./gpt-config.js";
import { gptLoss } from "./gpt-forward.js";
import { gptWeightsFrom, type GptWeights } from "./gpt-weights.js";
import { LmInputError } from "./lm-input-error.js";
import { clippedStep, learningRateAt, ScheduledAdam } from "./scheduled-adam.js";
import type { LmProgress } from "./train-lm.js";

/** Texts as token ids, each with its class index. */
export interface LmClassifierExamples {
  readonly ids: readonly (readonly number[])[];
  readonly labels: ArrayLike<number>;
}

export interface TrainLmClassifierOptions {
  readonly config: GptConfig;
  /** The base's weights: the body starts from them. */
  readonly baseWeights: ReadonlyMap<string, Float32Array>;
  readonly classCount: number;
  /** The id texts are padded with; padding is masked, so any id of the vocabulary does. */
  readonly padId: number;
  readonly epochs: number;
  /** Steps in all, when given; otherwise `epochs` passes over the training texts. */
  readonly steps?: number;
  readonly batchSize: number;
  /** Adam's peak rate, reached after the warm-up and decayed by a cosine to a tenth of it. */
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly seed: number;
  readonly validation: LmClassifierExamples;
  readonly onStep?: (progress: LmProgress) => void;
}

/** One pass over the training texts, or the part of one a run of `steps` ended in. */
export interface LmClassifierEpoch {
  readonly epoch: number;
  /** Mean training loss of its steps. */
  readonly loss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

export interface TrainedLmClassifier {
  /** The body's weights under GPT-2's names and the head's under `CLASSIFIER_HEAD`'s. */
  readonly weights: Map<string, tf.Variable>;
  readonly steps: number;
  readonly history: readonly LmClassifierEpoch[];
}

/** Rows scored by the pass that reports probabilities: a bound on memory, not on the result. */
const SCORING_BATCH = 64;

/**
 * Class probabilities of each example, [examples][classes], batch by batch.
 *
 * @example
 * ```ts
 * const probabilities = await lmClassifierProbabilities(config, weights, { ids, labels }, padId);
 * ```
 */
export async function lmClassifierProbabilities(
  config: GptConfig,
  weights: GptWeights,
  examples: Pick<LmClassifierExamples, "ids">,
  padId: number,
): Promise<number[][]> {
  const rows: number[][] = [];
  for (let start = 0; start < examples.ids.length; start += SCORING_BATCH) {
    const batch = classifierBatch(examples.ids.slice(start, start + SCORING_BATCH), padId);
    const probabilities = tf.tidy(() =>
      tf.softmax(
        gptClassifierLogits(config, weights, {
          ids: tf.tensor2d(batch.ids, undefined, "int32"),
          mask: tf.tensor2d(batch.mask, undefined, "int32"),
        }),
      ),
    );
    rows.push(...(await probabilities.array()));
    probabilities.dispose();
  }
  return rows;
}

/** Mean cross-entropy and accuracy of probabilities against labels. */
function scoreOf(
  probabilities: readonly (readonly number[])[],
  labels: ArrayLike<number>,
): { loss: number; accuracy: number } {
  let loss = 0;
  let right = 0;
  probabilities.forEach((row, i) => {
    const label = labels[i] ?? 0;
    loss -= Math.log(Math.max(row[label] ?? 0, 1e-15));
    right += row.indexOf(Math.max(...row)) === label ? 1 : 0;
  });
  return { loss: loss / probabilities.length, accuracy: right / probabilities.length };
}

function checkExamples(
  name: string,
  examples: LmClassifierExamples,
  options: TrainLmClassifierOptions,
): void {
  if (examples.ids.length === 0 || examples.ids.length !== examples.labels.length) {
    throw new LmInputError(
      `the ${name} texts are ${examples.ids.length} with ${examples.labels.length} labels; give one label a text, and at least one text`,
    );
  }
  for (const label of Array.from(examples.labels)) {
    if (!Number.isInteger(label) || label < 0 || label >= options.classCount) {
      throw new LmInputError(
        `a ${name} label is ${label}; labels are class indexes from 0 to ${options.classCount - 1}`,
      );
    }
  }
  for (const ids of examples.ids) {
    if (ids.length === 0 || ids.length > options.config.contextSize) {
      throw new LmInputError(
        `a ${name} text has ${ids.length} tokens; give each from 1 to the base's context of ${options.config.contextSize}`,
      );
    }
  }
}

/**
 * Fine-tunes a pretrained decoder as a text classifier: a linear head on the
 * body's mean-pooled final states (`gptClassifierLogits`), the head drawn
 * from N(0, 0.02) with the seed, and body and head trained together by Adam
 * with a warm-up, a cosine decay and gradients clipped to norm 1, on batches
 * of the training texts in a seeded order, a new one each epoch. The
 * validation texts are scored after each epoch. The same seed and data give
 * the same weights.
 */
export async function trainLmClassifier(
  train: LmClassifierExamples,
  options: TrainLmClassifierOptions,
): Promise<TrainedLmClassifier> {
  await useWasmBackend();
  checkExamples("training", train, options);
  checkExamples("validation", options.validation, options);
  const { config, batchSize } = options;
  const weights = gptWeightsFrom(config, options.baseWeights);
  weights.set(
    CLASSIFIER_HEAD.weight,
    tf.variable(
      tf.tidy(() =>
        tf.randomNormal([config.width, options.classCount], 0, 0.02, "float32", options.seed),
      ),
    ),
  );
  weights.set(CLASSIFIER_HEAD.bias, tf.variable(tf.zeros([options.classCount])));
  const variables = [...weights.values()];
  const stepsPerEpoch = Math.ceil(train.ids.length / batchSize);
  const steps = options.steps ?? options.epochs * stepsPerEpoch;
  const schedule = { learningRate: options.learningRate, warmupSteps: options.warmupSteps, steps };
  const optimizer = new ScheduledAdam(options.learningRate);
  const history: LmClassifierEpoch[] = [];
  const started = performance.now();
  let tokens = 0;
  let order: number[] = [];
  let epochLosses: number[] = [];
  const endEpoch = async (): Promise<void> => {
    const probabilities = await lmClassifierProbabilities(
      config,
      weights,
      options.validation,
      options.padId,
    );
    const val = scoreOf(probabilities, options.validation.labels);
    history.push({
      epoch: history.length + 1,
      loss: epochLosses.reduce((a, b) => a + b, 0) / epochLosses.length,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
    });
    epochLosses = [];
  };
  for (let step = 0; step < steps; step++) {
    const within = step % stepsPerEpoch;
    if (within === 0) {
      const epoch = step / stepsPerEpoch;
      order = shuffled(
        train.ids.map((_, i) => i),
        createRng((options.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0),
      );
    }
    const picked = order.slice(within * batchSize, (within + 1) * batchSize);
    const batch = classifierBatch(
      picked.map((i) => train.ids[i] ?? []),
      options.padId,
    );
    optimizer.setRate(learningRateAt(step, schedule));
    const loss = tf.tidy(() => {
      const input = {
        ids: tf.tensor2d(batch.ids, undefined, "int32"),
        mask: tf.tensor2d(batch.mask, undefined, "int32"),
      };
      const targets = tf.tensor2d(
        picked.map((i) => [train.labels[i] ?? 0]),
        undefined,
        "int32",
      );
      return clippedStep(
        optimizer,
        variables,
        () => gptLoss(gptClassifierLogits(config, weights, input).expandDims(1), targets),
        1,
      );
    });
    const value = (await loss.data())[0] ?? NaN;
    loss.dispose();
    if (!Number.isFinite(value)) {
      throw new LmInputError(
        `the loss became ${value} at step ${step + 1}; lower the learning rate`,
      );
    }
    epochLosses.push(value);
    tokens += batch.mask.flat().reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - started) / 1000;
    options.onStep?.({
      step: step + 1,
      steps,
      loss: value,
      tokensPerSecond: tokens / seconds,
      etaSeconds: (seconds / (step + 1)) * (steps - step - 1),
    });
    if (within === stepsPerEpoch - 1 || step === steps - 1) {
      await endEpoch();
    }
  }
  optimizer.dispose();
  return { weights, steps, history };
}

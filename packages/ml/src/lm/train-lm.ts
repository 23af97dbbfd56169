import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/seeded.js";
import { useWasmBackend } from "../train/use-wasm-backend.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import { gptLogits, gptLoss } from "./gpt-forward.js";
import { gptWeightsFrom, initGptWeights } from "./gpt-weights.js";
import type { F32Tensor } from "./safetensors.js";
import {
  loadLmCheckpoint,
  saveLmCheckpoint,
  tensorValues,
  type LmCheckpoint,
} from "./lm-checkpoint.js";
import { LmInputError } from "./lm-input-error.js";
import { clippedStep, learningRateAt, ScheduledAdam } from "./scheduled-adam.js";

/** What a language-model run is asked for, besides the model's shape. */
export interface TrainLmOptions {
  readonly config: GptConfig;
  readonly steps: number;
  readonly batchSize: number;
  /** Adam's peak rate, reached after the warm-up and decayed by a cosine to a tenth of it. */
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly seed: number;
  /** Gradients are scaled down to this global norm when above it. */
  readonly clipNorm?: number;
  /** A folder for checkpoints: written every `checkpointEvery` steps and at the end, and resumed from. */
  readonly checkpointDir?: string;
  readonly checkpointEvery?: number;
  /** Weights to start from instead of a fresh initialisation: a base model to fine-tune. */
  readonly initialWeights?: ReadonlyMap<string, Float32Array>;
  readonly onStep?: (progress: LmProgress) => void;
}

type NamedTensor = Awaited<ReturnType<tf.Optimizer["getWeights"]>>[number];

/**
 * Adam's state under the weights' names (`m.wte`, `v.wte`, …). tfjs names it
 * after its variables' ids, which differ from process to process, and matches
 * it to them by position: [iterations, first moments…, second moments…] in the
 * order of the weights.
 */
async function optimizerState(
  optimizer: ScheduledAdam,
  names: readonly string[],
): Promise<Map<string, F32Tensor>> {
  const [iterations, ...moments] = await optimizer.getWeights();
  if (iterations === undefined || moments.length !== 2 * names.length) {
    throw new Error("Adam's state does not match the model's weights");
  }
  return tensorValues([
    ["iterations", iterations.tensor],
    ...names.map((name, i) => [`m.${name}`, (moments[i] as NamedTensor).tensor] as const),
    ...names.map(
      (name, i) => [`v.${name}`, (moments[names.length + i] as NamedTensor).tensor] as const,
    ),
  ]);
}

/** Adam's state back from a checkpoint, in the order tfjs matches it to the weights. */
async function restoreOptimizer(
  optimizer: ScheduledAdam,
  state: ReadonlyMap<string, F32Tensor>,
  weights: ReadonlyMap<string, tf.Variable>,
): Promise<void> {
  const tensor = (key: string): tf.Tensor => {
    const t = state.get(key);
    if (t === undefined) {
      throw new Error(`the checkpoint's optimizer state lacks ${key}`);
    }
    return tf.tensor(t.data, [...t.shape]);
  };
  const names = [...weights.keys()];
  await optimizer.setWeights([
    { name: "iter", tensor: tensor("iterations") },
    ...names.map((name) => ({
      name: `${(weights.get(name) as tf.Variable).name}/m`,
      tensor: tensor(`m.${name}`),
    })),
    ...names.map((name) => ({
      name: `${(weights.get(name) as tf.Variable).name}/v`,
      tensor: tensor(`v.${name}`),
    })),
  ]);
}

/** One step's report, for a progress bar. */
export interface LmProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly tokensPerSecond: number;
  readonly etaSeconds: number;
}

export interface TrainedLm {
  readonly config: GptConfig;
  readonly weights: Map<string, tf.Variable>;
  /** The training loss of each step this run took (after a resume, only the new ones). */
  readonly losses: number[];
  /** The step the run resumed from; 0 for a fresh one. */
  readonly resumedFrom: number;
}

/** The run's settings as a checkpoint records them. */
function runOf(options: TrainLmOptions): Record<string, number> {
  return {
    steps: options.steps,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    warmupSteps: options.warmupSteps,
    seed: options.seed,
  };
}

/** A checkpoint can be resumed only by the run that wrote it: the same model and settings. */
function checkResumable(checkpoint: LmCheckpoint, options: TrainLmOptions): void {
  const want = { ...runOf(options), ...options.config };
  const have = { ...checkpoint.run, ...checkpoint.config };
  for (const [name, value] of Object.entries(want)) {
    if (have[name as keyof typeof have] !== value) {
      throw new LmInputError(
        `the checkpoint was written by a run with ${name} ${String(have[name as keyof typeof have])}, not ${value}; ` +
          "run with the same settings to resume it, or write to another folder",
      );
    }
  }
}

/**
 * Windows of `batchSize` × (context + 1) tokens drawn at random from the
 * training tokens. The draw of each step depends only on the seed and the
 * step, so a resumed run sees the batches the uninterrupted one would have.
 */
function batchAt(
  tokens: Int32Array,
  options: TrainLmOptions,
  step: number,
): { inputs: number[][]; targets: number[][] } {
  const span = options.config.contextSize;
  const rng = createRng((options.seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let b = 0; b < options.batchSize; b++) {
    const start = rng.int(tokens.length - span);
    inputs.push(Array.from(tokens.subarray(start, start + span)));
    targets.push(Array.from(tokens.subarray(start + 1, start + span + 1)));
  }
  return { inputs, targets };
}

/**
 * Pretrains a GPT-style decoder on a token stream with Adam, gradient
 * clipping and a warm-up-then-cosine rate, reporting each step. With a
 * checkpoint folder it resumes from the checkpoint found there, and the
 * resumed run ends with the weights an uninterrupted one would have.
 */
export async function trainLm(tokens: Int32Array, options: TrainLmOptions): Promise<TrainedLm> {
  await useWasmBackend();
  const config = checkGptConfig(options.config);
  if (tokens.length < config.contextSize + 2) {
    throw new LmInputError(
      `the training text has ${tokens.length} tokens, fewer than one window of ${config.contextSize + 1}; use more text or a shorter context`,
    );
  }
  for (const id of tokens) {
    if (id < 0 || id >= config.vocabSize) {
      throw new RangeError(`token id ${id} is outside the vocabulary of ${config.vocabSize}`);
    }
  }
  const checkpoint =
    options.checkpointDir === undefined ? null : await loadLmCheckpoint(options.checkpointDir);
  if (checkpoint !== null) {
    checkResumable(checkpoint, options);
  }
  const weights =
    checkpoint !== null
      ? gptWeightsFrom(config, new Map([...checkpoint.weights].map(([n, t]) => [n, t.data])))
      : options.initialWeights !== undefined
        ? gptWeightsFrom(config, options.initialWeights)
        : initGptWeights(config, createRng(options.seed));
  const variables = [...weights.values()];
  const optimizer = new ScheduledAdam(options.learningRate);
  if (checkpoint !== null) {
    await restoreOptimizer(optimizer, checkpoint.optimizer, weights);
  }
  const first = checkpoint?.step ?? 0;
  const clipNorm = options.clipNorm ?? 1;
  const every = options.checkpointEvery ?? 100;
  const losses: number[] = [];
  const started = performance.now();

  const save = async (step: number): Promise<void> => {
    if (options.checkpointDir === undefined) {
      return;
    }
    await saveLmCheckpoint(options.checkpointDir, {
      config,
      step,
      run: runOf(options),
      weights: await tensorValues(weights),
      optimizer: await optimizerState(optimizer, [...weights.keys()]),
    });
  };

  for (let step = first; step < options.steps; step++) {
    optimizer.setRate(learningRateAt(step, options));
    const { inputs, targets } = batchAt(tokens, options, step);
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(inputs, undefined, "int32");
      const y = tf.tensor2d(targets, undefined, "int32");
      return clippedStep(
        optimizer,
        variables,
        () => gptLoss(gptLogits(config, weights, x), y),
        clipNorm,
      );
    });
    const value = (await loss.data())[0] ?? NaN;
    loss.dispose();
    if (!Number.isFinite(value)) {
      throw new LmInputError(
        `the loss became ${value} at step ${step + 1}; lower the learning rate`,
      );
    }
    losses.push(value);
    const done = step + 1 - first;
    const seconds = (performance.now() - started) / 1000;
    options.onStep?.({
      step: step + 1,
      steps: options.steps,
      loss: value,
      tokensPerSecond: (done * options.batchSize * config.contextSize) / seconds,
      etaSeconds: (seconds / done) * (options.steps - step - 1),
    });
    if ((step + 1) % every === 0 || step + 1 === options.steps) {
      await save(step + 1);
    }
  }
  return { config, weights, losses, resumedFrom: first };
}

import { randomInt } from "node:crypto";
import { noiseMultiplierFor } from "../accounting/index.js";
import {
  PrivacyParameterError,
  checkDelta,
  checkEpsilon,
  secureUniform,
} from "../mechanisms/index.js";
import { useWasmBackend, type TabularExamples } from "../../train/index.js";
import { createRng } from "../../random/seeded.js";
import { checkClipNorm, checkNoiseMultiplier, checkSampleRate } from "./check-privacy-options.js";
import { checkClassificationData, denseSettings, runDenseTraining } from "./dense-training-loop.js";
import type { DpMlpModel, DpSgdOptions } from "./dp-sgd-types.js";
import { clipFactors, ghostNorms, weightedGradientSum } from "./ghost-clip.js";
import { plainMlpModel } from "./plain-mlp-model.js";
import { noisyGradient } from "./noisy-gradient.js";
import { poissonSample } from "./poisson-sample.js";
import { DpSgdLedger } from "./dp-sgd-ledger.js";

const DEFAULTS = {
  clipNorm: 1,
  expectedBatchSize: 64,
  epochs: 60,
  learningRate: 0.05,
} as const;

function resolveSampleRate(options: DpSgdOptions, rows: number): number {
  if (options.sampleRate !== undefined && options.expectedBatchSize !== undefined) {
    throw new PrivacyParameterError(
      "sampleRate",
      "give either sampleRate or expectedBatchSize, not both",
    );
  }
  if (options.sampleRate !== undefined) {
    checkSampleRate(options.sampleRate, "sampleRate");
    return options.sampleRate;
  }
  const batch = options.expectedBatchSize ?? Math.min(DEFAULTS.expectedBatchSize, rows);
  const q = batch / rows;
  checkSampleRate(q, `expectedBatchSize ${batch} over ${rows} training rows`);
  return q;
}

/**
 * Trains an MLP classifier (Dense hidden layers, softmax output, cross-entropy)
 * with DP-SGD (Abadi et al. 2016) and returns it with the (ε, δ) it spent:
 *
 * - each step's batch is Poisson-sampled, every row in it with probability q;
 * - each example's gradient is clipped to L2 norm C, the norms computed by the
 *   ghost-norm trick, without per-example gradients;
 * - N(0, σ²C²) noise is added to the clipped sum, which is divided by q·rows;
 * - Adam or SGD takes the step; the RDP accountant (Opacus's) adds it up, and
 *   training stops before a step that would spend more than `targetEpsilon`.
 *
 * Without `targetEpsilon`'s partner `noiseMultiplier`, σ is the smallest that
 * keeps the planned epochs within the target. The per-epoch history (training
 * loss, validation scores) is computed outside the mechanism: it is for watching
 * training, not for publishing.
 *
 * @example
 * const model = await trainMlpDp(scaledTrain, { targetEpsilon: 3, delta: 1e-5 });
 * model.privacy.epsilon; // <= 3
 * exportOnnx({ kind: "mlp", layers: model.denseLayers(), ... });
 */
export async function trainMlpDp(
  data: TabularExamples,
  options: DpSgdOptions,
): Promise<DpMlpModel> {
  const rows = checkClassificationData(data, options.validation);
  checkDelta(options.delta);
  const targetEpsilon = options.targetEpsilon ?? null;
  if (targetEpsilon !== null) {
    checkEpsilon(targetEpsilon, "targetEpsilon");
  }
  const clipNorm = options.clipNorm ?? DEFAULTS.clipNorm;
  checkClipNorm(clipNorm);
  const sampleRate = resolveSampleRate(options, rows);
  const settings = denseSettings(options, DEFAULTS);
  const stepsPerEpoch = Math.max(1, Math.round(1 / sampleRate));
  const plannedSteps = settings.epochs * stepsPerEpoch;
  let noiseMultiplier: number;
  if (options.noiseMultiplier !== undefined) {
    checkNoiseMultiplier(options.noiseMultiplier);
    noiseMultiplier = options.noiseMultiplier;
  } else if (targetEpsilon !== null) {
    noiseMultiplier = noiseMultiplierFor({
      targetEpsilon,
      delta: options.delta,
      sampleRate,
      steps: plannedSteps,
      ...(options.orders === undefined ? {} : { orders: options.orders }),
    }).noiseMultiplier;
  } else {
    throw new PrivacyParameterError(
      "targetEpsilon",
      "give targetEpsilon (the noise multiplier is then calibrated to it), noiseMultiplier, or both",
    );
  }
  const ledger = new DpSgdLedger({
    noiseMultiplier,
    sampleRate,
    delta: options.delta,
    targetEpsilon,
    ...(options.orders === undefined ? {} : { orders: options.orders }),
  });
  if (!ledger.canStep()) {
    throw new PrivacyParameterError(
      "targetEpsilon",
      `a single step at noise multiplier ${noiseMultiplier} and sampling rate ${sampleRate} spends epsilon ${ledger.spentAfter(1).epsilon}, more than targetEpsilon ${String(targetEpsilon)}; raise the noise multiplier or the target`,
    );
  }

  await options.beforeTraining?.();

  const seeded = options.seed !== undefined;
  const rng = createRng(options.seed ?? randomInt(0, 2 ** 47));
  const initRng = rng.fork();
  const samplingRng = rng.fork();
  const noiseRng = rng.fork();
  // Without an explicit seed, which rows a step used and the noise it added must be
  // unpredictable, or the amplification by sampling and the noise protect nothing.
  const sampleUniform = seeded ? () => samplingRng.next() : secureUniform;
  const noiseUniform = seeded ? () => noiseRng.next() : secureUniform;
  const noiseStd = noiseMultiplier * clipNorm;
  const divisor = sampleRate * rows;
  const sizes = [data.featureNames.length, ...settings.hiddenUnits, data.classes.length];
  const shapes = sizes.slice(1).map((out, l) => [sizes[l] ?? 0, out] as const);

  await useWasmBackend();
  const result = runDenseTraining({
    data,
    validation: options.validation,
    settings,
    initRng,
    stepsPerEpoch,
    nextBatch: () => poissonSample(rows, sampleRate, sampleUniform),
    gradient: (batch) => {
      const sums =
        batch === null
          ? null
          : weightedGradientSum(
              batch.inputs,
              batch.grads,
              clipFactors(ghostNorms(batch.inputs, batch.grads), clipNorm),
            );
      return noisyGradient(sums, shapes, noiseStd, divisor, noiseUniform);
    },
    mayStep: () => ledger.canStep(),
    afterStep: () => {
      ledger.step();
    },
    epsilon: () => ledger.spent.epsilon,
    onEpoch: options.onEpoch,
  });
  const spent = ledger.spent;
  const model = plainMlpModel(result.layers, data.featureNames, data.classes, result.training);
  return {
    ...model,
    privacy: {
      accountant: "rdp",
      epsilon: spent.epsilon,
      delta: options.delta,
      targetEpsilon,
      noiseMultiplier,
      sampleRate,
      expectedBatchSize: divisor,
      clipNorm,
      datasetSize: rows,
      steps: ledger.steps,
      plannedSteps,
      stepsPerEpoch,
      epochs: ledger.steps / stepsPerEpoch,
      budgetExhausted: result.stoppedEarly,
      rdpOrder: spent.order,
      randomness: seeded ? "seeded" : "node:crypto",
    },
  };
}

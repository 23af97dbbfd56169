import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelCardMarkdown, readCardLicence, type CardBaseModel } from "../card/index.js";
import { loadSpamAssassin } from "../data/index.js";
import {
  applyTrainingSplit,
  evaluateTextClassifier,
  evaluationPlots,
  TRAINING_SPLIT_KEY,
  type EvaluationReport,
} from "../evaluate/index.js";
import { TOOLKIT_VERSION, writeEvidenceFile } from "../evidence/index.js";
import {
  classifierTokens,
  END_OF_TEXT,
  gptParameterCount,
  readLmFolder,
  runGptClassifierOnnx,
  trainLmClassifier,
  writeLmClassifierFolder,
  type LmClassifierEpoch,
  type LmProgress,
} from "../lm/index.js";
import { trainingHistoryPlot } from "../plots/index.js";
import { cardResults } from "./card-results.js";
import { ReferenceTrainingError } from "./reference-error.js";
import { splitOf } from "./split-of.js";

/**
 * The run `train spam --base` makes unless told otherwise: on two cores and
 * the default `train lm` base (context 64), about four minutes.
 */
export const SPAM_FROM_BASE_DEFAULTS = {
  epochs: 2,
  batchSize: 16,
  learningRate: 5e-4,
  warmupSteps: 20,
} as const;

export interface TrainSpamFromBaseOptions {
  /** Folder the classifier is written to; created if missing. */
  readonly outDir: string;
  /** A folder `train lm` wrote, and its name on the hub for the card's `base_model`. */
  readonly base: { readonly dir: string; readonly model: CardBaseModel["id"] };
  /** Seed of the split (the from-scratch spam model's with the same seed), head and batch order. Default 42. */
  readonly seed?: number;
  readonly epochs?: number;
  /** Steps in all; overrides `epochs`. */
  readonly steps?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Tokens of each e-mail read, from its start; default and most: the base's context. */
  readonly maxTokens?: number;
  /** Default: the licence the base's README.md names. */
  readonly licence?: string;
  /** Called once the e-mails are tokenised, before the first step. */
  readonly onReady?: (facts: {
    readonly parameters: number;
    readonly trainTexts: number;
    readonly maxTokens: number;
  }) => void;
  readonly onStep?: (progress: LmProgress) => void;
}

export interface SpamFromBaseResult {
  readonly files: readonly string[];
  /** The evaluation of model.onnx on the test split, as saved to metrics.json. */
  readonly evaluation: EvaluationReport;
  readonly history: readonly LmClassifierEpoch[];
  readonly parameters: number;
  readonly steps: number;
  readonly maxTokens: number;
  readonly licence: string;
  readonly seconds: number;
}

/** The metrics the card lists: the from-scratch spam model's, so the two cards read side by side. */
const RESULT_KEYS = ["f1", "precision", "recall", "accuracy", "roc_auc"];

function positiveWhole(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new ReferenceTrainingError(`${name} must be a whole number of at least 1, not ${value}`);
  }
}

/**
 * `gatehouse train spam --base`: fine-tunes a language model `train lm` wrote
 * into a spam filter (`trainLmClassifier`: a linear head on the mean of its
 * final states) on the SpamAssassin split the from-scratch spam model uses
 * with the same seed, so both are tested on the same e-mails. Writes the
 * model's files (weights, config, tokenizer, model.onnx), metrics.json (the
 * evaluation of model.onnx on the test split, as the reference models
 * write it), plots and a README.md card naming the base as `base_model` with
 * `base_model_relation: finetune`. A base folder that is not a language
 * model is refused, saying what it lacks.
 */
export async function trainSpamFromBase(
  options: TrainSpamFromBaseOptions,
): Promise<SpamFromBaseResult> {
  const started = performance.now();
  for (const [name, value] of [
    ["epochs", options.epochs],
    ["steps", options.steps],
    ["batch size", options.batchSize],
    ["max tokens", options.maxTokens],
  ] as const) {
    positiveWhole(name, value);
  }
  const base = await readLmFolder(options.base.dir);
  const { config, tokenizer } = base;
  const maxTokens = options.maxTokens ?? config.contextSize;
  if (maxTokens > config.contextSize) {
    throw new ReferenceTrainingError(
      `max tokens ${maxTokens} is more than the base's context of ${config.contextSize} tokens; give at most ${config.contextSize}`,
    );
  }
  const cardFile = path.join(options.base.dir, "README.md");
  const licence = options.licence ?? (await readCardLicence(cardFile));
  if (licence === undefined) {
    throw new ReferenceTrainingError(
      `${cardFile} names no licence to inherit; give the licence the classifier is released under`,
    );
  }
  const seed = options.seed ?? 42;
  const data = loadSpamAssassin();
  const split = splitOf(data, seed);
  const parts = applyTrainingSplit(data, split);
  const tokens = (texts: readonly string[]) => classifierTokens(tokenizer, texts, maxTokens);
  const padId = tokenizer.id(END_OF_TEXT);
  const parameters = gptParameterCount(config) + (config.width + 1) * data.classes.length;
  const epochs = options.epochs ?? SPAM_FROM_BASE_DEFAULTS.epochs;
  const batchSize = options.batchSize ?? SPAM_FROM_BASE_DEFAULTS.batchSize;
  const learningRate = options.learningRate ?? SPAM_FROM_BASE_DEFAULTS.learningRate;
  const train = { ids: tokens(parts.train.texts), labels: parts.train.labels };
  options.onReady?.({ parameters, trainTexts: train.ids.length, maxTokens });
  const trained = await trainLmClassifier(train, {
    config,
    baseWeights: new Map([...base.weights].map(([n, t]) => [n, t.data])),
    classCount: data.classes.length,
    padId,
    epochs,
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    batchSize,
    learningRate,
    warmupSteps: SPAM_FROM_BASE_DEFAULTS.warmupSteps,
    seed,
    validation: { ids: tokens(parts.val.texts), labels: parts.val.labels },
    ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
  });

  const description = `A spam filter for e-mail fine-tuned from the language model \`${options.base.model}\`: the first ${maxTokens} tokens of the message (Subject, then body) by the base's tokenizer, read by its decoder, averaged over the tokens and read by one dense layer. The ONNX file takes token ids and an attention mask; the tokenizer is in its metadata and in tokenizer.json.`;
  await mkdir(path.join(options.outDir, "plots"), { recursive: true });
  const modelFiles = await writeLmClassifierFolder(options.outDir, {
    config,
    weights: trained.weights,
    tokenizer,
    classes: data.classes,
    metadata: {
      licence,
      description,
      producerVersion: TOOLKIT_VERSION,
      extra: { [TRAINING_SPLIT_KEY]: JSON.stringify(split) },
    },
  });
  tf.dispose([...trained.weights.values()]);
  const modelFile = path.join(options.outDir, "model.onnx");
  const evaluation = await evaluateTextClassifier(modelFile, data, split, (test) =>
    runGptClassifierOnnx(modelFile, tokens(test.texts), padId),
  );
  await writeEvidenceFile(path.join(options.outDir, "metrics.json"), evaluation.report);
  const plots = await evaluationPlots(evaluation);
  plots["training-history.svg"] = await trainingHistoryPlot({
    epochs: trained.history.map((h) => ({
      epoch: h.epoch,
      loss: h.loss,
      valLoss: h.valLoss,
      valMetric: h.valAccuracy,
    })),
    metricName: "accuracy",
  });
  for (const [file, svg] of Object.entries(plots)) {
    await writeFile(path.join(options.outDir, "plots", file), svg);
  }
  const rows = data.texts.length;
  const seconds = (performance.now() - started) / 1000;
  await writeFile(
    path.join(options.outDir, "README.md"),
    modelCardMarkdown({
      modelName: path.basename(path.resolve(options.outDir)),
      description,
      license: licence,
      libraryName: "gatehouse",
      pipelineTag: "text-classification",
      taskName: "Text classification",
      tags: ["gpt2", "spam", "text-classification", "safetensors"],
      intendedUses: [
        "Studying how a fine-tuned derivative of a language model is released under its base's terms.",
        "Flagging likely spam in English e-mail for a person to review.",
      ],
      limitations: [
        "Trained on the SpamAssassin public corpus of 2002-2006 e-mail; today's spam and other languages will be missed.",
        `Reads only the first ${maxTokens} tokens of a message, and no headers but the Subject.`,
        `Its body is a small language model that has seen little English besides its own corpus.`,
      ],
      dataset: {
        id: "spam",
        name: "SpamAssassin public corpus",
        rows,
        features: ["text"],
        target: "label (ham or spam)",
        preprocessing: [
          `byte-level BPE tokens of the base's tokenizer, the first ${maxTokens} of each message`,
        ],
        split: {
          seed,
          train: parts.train.labels.length / rows,
          validation: parts.val.labels.length / rows,
          test: parts.test.labels.length / rows,
          stratified: split.stratified,
        },
      },
      training: {
        architecture: `The base's GPT-2-style decoder (${config.layers} blocks, width ${config.width}), mean of its final states over the real tokens, dense head to ${data.classes.length} classes; ${parameters} parameters, all trained`,
        optimizer: "Adam (β 0.9, 0.95), warm-up then cosine decay, gradients clipped to norm 1",
        learningRate,
        epochsRun: trained.history.length,
        batchSize,
        seed,
        loss: "cross-entropy",
      },
      results: cardResults(evaluation, RESULT_KEYS),
      baseModel: { id: options.base.model, relation: "finetune" },
    }),
  );
  return {
    files: [
      ...modelFiles,
      "metrics.json",
      "README.md",
      ...Object.keys(plots).map((f) => `plots/${f}`),
    ],
    evaluation: evaluation.report,
    history: trained.history,
    parameters,
    steps: trained.steps,
    maxTokens,
    licence,
    seconds,
  };
}

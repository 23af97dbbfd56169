import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  modelCardMarkdown,
  type CardDataset,
  type CardTraining,
  type CardUsage,
  type ModelCardInfo,
} from "../card/index.js";
import {
  loadBoston,
  loadIris,
  loadSpamAssassin,
  padSequences,
  StandardScaler,
  Vocabulary,
  type TabularDataset,
  type TextDataset,
} from "../data/index.js";
import {
  applyTrainingSplit,
  evaluateOnnxModel,
  evaluationPlots,
  TRAINING_SPLIT_KEY,
  type EvaluationReport,
  type TrainingSplit,
} from "../evaluate/index.js";
import { evidenceEnvelope, TOOLKIT_VERSION, writeEvidenceFile } from "../evidence/index.js";
import { trainMlpDp, type DpSgdPrivacy } from "../privacy/index.js";
import {
  exportOnnx,
  exportTextOnnx,
  ONNX_TENSOR_NAMES,
  ONNX_TEXT_TOKENIZER,
  type OnnxModelKind,
} from "../onnx/index.js";
import { trainingHistoryPlot } from "../plots/index.js";
import {
  leastSquares,
  trainLinearRegression,
  trainMlp,
  trainTextClassifier,
  type EpochReport,
  type SequenceExamples,
  type TabularModel,
  type TrainingSummary,
  type TrainOptions,
} from "../train/index.js";
import { r2Score } from "../metrics/index.js";
import { cardResults } from "./card-results.js";
import { ReferenceTrainingError } from "./reference-error.js";
import { splitOf } from "./split-of.js";

/** The classic examples `gatehouse train` reproduces. */
export const REFERENCE_MODELS = ["iris", "boston", "spam"] as const;
export type ReferenceModelName = (typeof REFERENCE_MODELS)[number];

export interface TrainReferenceOptions {
  /** Folder for model.onnx, metrics.json, README.md and the plots; created if missing. */
  readonly outDir: string;
  /** Seed of the split, the initial weights and the batch order. Default 42. */
  readonly seed?: number;
  /** Most epochs to run; early stopping may end sooner. Default per model. */
  readonly epochs?: number;
  /** Licence the model is released under, written into the file and the card. Default apache-2.0. */
  readonly licence?: string;
  readonly onEpoch?: (report: EpochReport) => void;
  /**
   * Train with DP-SGD to this (ε, δ) instead (Iris only). Noise, sampling and initial
   * weights then come from node:crypto; the seed still fixes the split.
   * `beforeTraining` runs once the options are checked and σ calibrated, before
   * the first step (see `DpSgdOptions`).
   */
  readonly dp?: {
    readonly epsilon: number;
    readonly delta: number;
    readonly beforeTraining?: () => Promise<void>;
  };
}

/** What a reference run produced. */
export interface ReferenceTrainingResult {
  readonly model: ReferenceModelName;
  /** Files written, relative to the output folder. */
  readonly files: readonly string[];
  /** The evaluation of the exported file on the test split, as saved to metrics.json. */
  readonly evaluation: EvaluationReport;
  readonly history: readonly EpochReport[];
  readonly stoppedEpoch: number;
  readonly bestEpoch: number;
  /** Boston only: test R² of the exact least-squares fit on the same split and scaling. */
  readonly closedFormR2?: number;
  /** With `dp`: the guarantee the training kept, as saved to privacy.json. */
  readonly privacy?: DpSgdPrivacy;
}

interface Recipe {
  readonly data: () => TabularDataset;
  readonly kind: OnnxModelKind;
  readonly defaultEpochs: number;
  /** Early stopping's patience; null trains every epoch. */
  readonly patience: number | null;
  readonly train: (train: TabularDataset, options: TrainOptions) => Promise<TabularModel>;
  /** Given to the trainer and written into the card, so the card says what ran. */
  readonly batchSize: number;
  readonly learningRate: number;
  readonly architecture: string;
  readonly loss: string;
  readonly card: CardText;
}

/** What the model card says of a reference model besides its training run. */
type CardText = Pick<
  ModelCardInfo,
  "description" | "pipelineTag" | "taskName" | "tags" | "intendedUses" | "limitations"
> & {
  readonly datasetName: string;
  readonly resultKeys: readonly string[];
};

const RECIPES: Record<Exclude<ReferenceModelName, "spam">, Recipe> = {
  iris: {
    data: loadIris,
    kind: "mlp",
    defaultEpochs: 100,
    patience: 20,
    train: trainMlp,
    batchSize: 16,
    learningRate: 0.01,
    architecture: "MLP 4-64-3: Dense 64 ReLU, Dense 3 softmax",
    loss: "categorical cross-entropy",
    card: {
      description:
        "The classic Iris network: a multilayer perceptron that tells the three Iris species apart from four flower measurements in centimetres. The ONNX file takes the raw measurements; the standard scaling fitted on the training split is part of its graph.",
      pipelineTag: "tabular-classification",
      taskName: "Tabular classification",
      tags: ["gatehouse", "iris", "mlp", "reference-model"],
      intendedUses: [
        "Learning and testing the Gatehouse release workflow with a small, well-understood model.",
      ],
      limitations: [
        "Trained on 150 flowers of three species from one 1930s survey; it says nothing useful about other species or other measurements.",
        "Test figures rest on 30 flowers, so they move by several points between seeds.",
      ],
      datasetName: "Iris (Fisher, 1936)",
      resultKeys: ["accuracy", "f1_macro", "roc_auc_ovr_macro", "log_loss"],
    },
  },
  boston: {
    data: loadBoston,
    kind: "linear-regression",
    defaultEpochs: 500,
    // Stopping early would leave gradient descent short of the least-squares fit it is checked against.
    patience: null,
    train: trainLinearRegression,
    // Full batch: every epoch is one exact gradient step.
    batchSize: Infinity,
    learningRate: 0.1,
    architecture: "Linear regression: one Dense unit on 13 standard-scaled features",
    loss: "mean squared error",
    card: {
      description:
        "Linear regression of the median home value (MEDV, in $1000s) of Boston census tracts on 13 features, fitted by gradient descent (Adam, full batch). The ONNX file takes the raw features; the standard scaling fitted on the training split is part of its graph.",
      pipelineTag: "tabular-regression",
      taskName: "Tabular regression",
      tags: ["gatehouse", "boston-housing", "linear-regression", "reference-model"],
      intendedUses: [
        "Learning and testing the Gatehouse release workflow, and checking gradient descent against the closed-form least-squares fit.",
      ],
      limitations: [
        "The data are from 1970 and its feature B encodes the share of Black residents of each tract; the model must not inform any decision about housing, lending or people.",
        "A linear model of 506 tracts: prices are capped at 50 in the data, and the fit is poor at the extremes.",
      ],
      datasetName: "Boston house prices (Harrison & Rubinfeld, 1978)",
      resultKeys: ["r2", "rmse", "mae", "mse"],
    },
  },
};

/** Adam's step size in DP-SGD training, tuned for Iris at ε = 3. */
const DP_LEARNING_RATE = 0.05;

/** Test R² of the exact least-squares fit (with intercept) on the same scaled split. */
function closedFormTestR2(train: TabularDataset, test: TabularDataset): number {
  const cols = train.featureNames.length + 1;
  const design = (data: TabularDataset) => {
    const rows = data.y.length;
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      out[i * cols] = 1;
      out.set(data.x.subarray(i * (cols - 1), (i + 1) * (cols - 1)), i * cols + 1);
    }
    return out;
  };
  const beta = leastSquares(design(train), train.y, train.y.length, cols);
  const x = design(test);
  const predicted = Array.from({ length: test.y.length }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      sum += (x[i * cols + j] ?? 0) * (beta[j] ?? 0);
    }
    return sum;
  });
  return r2Score(test.y, predicted);
}

/** A model trained and exported, with what its card and evidence need. */
interface Exported {
  readonly bytes: Uint8Array;
  readonly data: TabularDataset | TextDataset;
  readonly split: TrainingSplit;
  readonly sizes: { readonly train: number; readonly val: number; readonly test: number };
  readonly training: TrainingSummary;
  readonly privacy?: DpSgdPrivacy;
  readonly card: CardText;
  readonly cardTraining: CardTraining;
  readonly cardDataset: Pick<CardDataset, "features" | "target" | "preprocessing">;
  readonly usage: CardUsage;
  readonly closedFormR2?: number;
}

interface RunSettings {
  readonly seed: number;
  readonly epochs: number | undefined;
  readonly licence: string;
  readonly options: TrainReferenceOptions;
}

const sizesOf = (parts: {
  train: { y: ArrayLike<number> };
  val: { y: ArrayLike<number> };
  test: { y: ArrayLike<number> };
}) => ({
  train: parts.train.y.length,
  val: parts.val.y.length,
  test: parts.test.y.length,
});

/** Iris or Boston: standard scaling fitted on the training rows, then a dense model. */
async function trainTabular(
  name: Exclude<ReferenceModelName, "spam">,
  run: RunSettings,
): Promise<Exported> {
  const recipe = RECIPES[name];
  const { seed, options } = run;
  const epochs = run.epochs ?? recipe.defaultEpochs;
  const data = recipe.data();
  const split = splitOf(data, seed);
  const parts = applyTrainingSplit(data, split);
  const scaler = new StandardScaler().fit(parts.train);
  const train = scaler.transformDataset(parts.train);
  const val = scaler.transformDataset(parts.val);
  const onEpoch = options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch };
  let privacy: DpSgdPrivacy | undefined;
  let model: TabularModel;
  if (options.dp !== undefined) {
    const dpModel = await trainMlpDp(train, {
      targetEpsilon: options.dp.epsilon,
      delta: options.dp.delta,
      learningRate: DP_LEARNING_RATE,
      ...(options.dp.beforeTraining === undefined
        ? {}
        : { beforeTraining: options.dp.beforeTraining }),
      validation: val,
      ...(run.epochs === undefined ? {} : { epochs: run.epochs }),
      ...onEpoch,
    });
    privacy = dpModel.privacy;
    model = dpModel;
  } else {
    model = await recipe.train(train, {
      seed,
      epochs,
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      validation: val,
      ...(recipe.patience === null ? {} : { earlyStopping: { patience: recipe.patience } }),
      ...onEpoch,
    });
  }
  try {
    const bytes = exportOnnx({
      kind: recipe.kind,
      layers: model.denseLayers(),
      preprocessing: {
        featureNames: data.featureNames,
        scaler: { kind: "standard", mean: scaler.mean, scale: scaler.scale },
      },
      ...(data.task === "classification" ? { classes: data.classes } : {}),
      metadata: {
        licence: run.licence,
        description: recipe.card.description,
        producerVersion: TOOLKIT_VERSION,
        extra: { [TRAINING_SPLIT_KEY]: JSON.stringify(split) },
      },
    });
    return {
      bytes,
      data,
      split,
      sizes: sizesOf(parts),
      training: model.training,
      ...(privacy === undefined ? {} : { privacy }),
      card: {
        ...recipe.card,
        limitations: [
          ...(recipe.card.limitations ?? []),
          ...(privacy === undefined
            ? []
            : [
                "The standard-scaling means and deviations inside the graph were computed from the training rows without noise: the (ε, δ) guarantee covers the weights, not them.",
              ]),
        ],
      },
      cardTraining: {
        architecture:
          privacy === undefined
            ? recipe.architecture
            : `${recipe.architecture}, trained with DP-SGD (per-example clipping, Gaussian noise)`,
        optimizer: "Adam",
        learningRate: privacy === undefined ? recipe.learningRate : DP_LEARNING_RATE,
        epochsRun: model.training.stoppedEpoch,
        maxEpochs: epochs,
        ...(recipe.patience === null || privacy !== undefined
          ? {}
          : {
              earlyStopping: {
                monitor: "validation loss",
                patience: recipe.patience,
                bestEpoch: model.training.bestEpoch,
              },
            }),
        batchSize:
          privacy !== undefined
            ? privacy.expectedBatchSize
            : Math.min(recipe.batchSize, parts.train.y.length),
        seed,
        loss: recipe.loss,
      },
      cardDataset: {
        features: data.featureNames,
        target: data.targetName,
        preprocessing: ["standard scaling fitted on the training split (inside the ONNX graph)"],
      },
      usage: {
        modelFile: "model.onnx",
        inputName: ONNX_TENSOR_NAMES.features,
        inputType: "float32",
        inputWidth: data.featureNames.length,
        outputNames:
          data.task === "classification"
            ? [ONNX_TENSOR_NAMES.probabilities, ONNX_TENSOR_NAMES.label]
            : [ONNX_TENSOR_NAMES.prediction],
      },
      ...(name === "boston"
        ? { closedFormR2: closedFormTestR2(train, scaler.transformDataset(parts.test)) }
        : {}),
    };
  } finally {
    model.dispose();
  }
}

/** Words kept in the spam model's vocabulary, padding and unknown-word slots included. */
const SPAM_VOCABULARY = 10_000;
/** Tokens per message the spam model reads: the last ones, padded in front. */
const SPAM_SEQUENCE = 100;
const SPAM_BATCH_SIZE = 32;
const SPAM_LEARNING_RATE = 0.005;

/** SpamAssassin: a vocabulary from the training messages, then embedding → mean → dense. */
async function trainSpam(run: RunSettings): Promise<Exported> {
  const { seed, options } = run;
  const epochs = run.epochs ?? 5;
  const patience = 2;
  const data = loadSpamAssassin();
  const split = splitOf(data, seed);
  const parts = applyTrainingSplit(data, split);
  const vocabulary = Vocabulary.build(parts.train.texts, { maxSize: SPAM_VOCABULARY });
  const sequences = (part: TextDataset): SequenceExamples => ({
    ids: padSequences(
      part.texts.map((t) => vocabulary.encode(t)),
      { maxLen: SPAM_SEQUENCE, padding: "pre", truncating: "pre" },
    ).data,
    sequenceLength: SPAM_SEQUENCE,
    vocabSize: vocabulary.size,
    labels: part.labels,
    classes: part.classes,
  });
  const model = await trainTextClassifier(sequences(parts.train), {
    architecture: "pooling",
    seed,
    epochs,
    batchSize: SPAM_BATCH_SIZE,
    learningRate: SPAM_LEARNING_RATE,
    validation: sequences(parts.val),
    earlyStopping: { patience },
    ...(options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch }),
  });
  try {
    const embedding = model.embedding();
    const description =
      "A spam filter for e-mail: the message's last 100 words, each looked up in a 10,000-word vocabulary learnt from the training messages, averaged as embeddings and read by one dense layer. The ONNX file takes token ids; the vocabulary and the rule that turns text into ids are in its metadata (text_preprocessing).";
    const bytes = exportTextOnnx({
      kind: "text-pooling",
      embedding,
      lstm: null,
      layers: model.denseLayers(),
      classes: data.classes,
      preprocessing: {
        vocabulary: vocabulary.tokens,
        sequenceLength: SPAM_SEQUENCE,
        padding: "pre",
        truncating: "pre",
      },
      metadata: {
        licence: run.licence,
        description,
        producerVersion: TOOLKIT_VERSION,
        extra: { [TRAINING_SPLIT_KEY]: JSON.stringify(split) },
      },
    });
    return {
      bytes,
      data,
      split,
      sizes: {
        train: parts.train.labels.length,
        val: parts.val.labels.length,
        test: parts.test.labels.length,
      },
      training: model.training,
      card: {
        description,
        pipelineTag: "text-classification",
        taskName: "Text classification",
        tags: ["gatehouse", "spam", "text-classification", "reference-model"],
        intendedUses: [
          "Learning and testing the Gatehouse release workflow with a text model, and flagging likely spam in English e-mail for a person to review.",
        ],
        limitations: [
          "Trained on the SpamAssassin public corpus of 2002-2006 e-mail; today's spam and other languages will be missed.",
          "Reads words only, not headers, links or attachments, and only the last 100 words of a message.",
        ],
        datasetName: "SpamAssassin public corpus",
        resultKeys: ["f1", "precision", "recall", "accuracy", "roc_auc"],
      },
      cardTraining: {
        architecture: `Embedding ${vocabulary.size}×${embedding.dim} → mean over ${SPAM_SEQUENCE} tokens → dense head`,
        optimizer: "Adam",
        learningRate: SPAM_LEARNING_RATE,
        epochsRun: model.training.stoppedEpoch,
        maxEpochs: epochs,
        earlyStopping: {
          monitor: "validation loss",
          patience,
          bestEpoch: model.training.bestEpoch,
        },
        batchSize: SPAM_BATCH_SIZE,
        seed,
        loss: "cross-entropy",
      },
      cardDataset: {
        features: ["text"],
        target: "label (ham or spam)",
        preprocessing: [
          `words: lower case, runs of two or more word characters (${ONNX_TEXT_TOKENIZER})`,
          `vocabulary of the ${vocabulary.size - 2} most frequent training words, id 0 padding, id 1 unknown`,
          `last ${SPAM_SEQUENCE} ids of each message, padded in front with 0`,
        ],
      },
      usage: {
        modelFile: "model.onnx",
        inputName: ONNX_TENSOR_NAMES.tokenIds,
        inputType: "int64",
        inputWidth: SPAM_SEQUENCE,
        outputNames: [ONNX_TENSOR_NAMES.probabilities, ONNX_TENSOR_NAMES.label],
      },
    };
  } finally {
    model.dispose();
  }
}

/**
 * Trains one of the classic examples end to end: seeded split, preprocessing fitted on
 * the training rows, training with early stopping on the validation rows, export to ONNX
 * with the preprocessing inside (or, for text, described in the file), then an
 * evaluation of that very file on the test rows. Writes model.onnx, metrics.json
 * (evidence of kind `evaluation`), privacy.json with `dp`, README.md (the model card)
 * and plots/*.svg into `outDir`.
 */
export async function trainReference(
  name: ReferenceModelName,
  options: TrainReferenceOptions,
): Promise<ReferenceTrainingResult> {
  if (!(REFERENCE_MODELS as readonly string[]).includes(name)) {
    throw new ReferenceTrainingError(
      `no reference model "${name}"; choose one of ${REFERENCE_MODELS.join(", ")}`,
    );
  }
  if (options.dp !== undefined && name !== "iris") {
    throw new ReferenceTrainingError(
      `DP-SGD training is available for the MLP reference model (iris), not ${name}`,
    );
  }
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 1)) {
    throw new ReferenceTrainingError(
      `epochs must be a whole number of at least 1, not ${options.epochs}`,
    );
  }
  const run: RunSettings = {
    seed: options.seed ?? 42,
    epochs: options.epochs,
    licence: options.licence ?? "apache-2.0",
    options,
  };
  const exported = name === "spam" ? await trainSpam(run) : await trainTabular(name, run);
  return writeRepository(name, exported, run);
}

async function writeRepository(
  name: ReferenceModelName,
  exported: Exported,
  run: RunSettings,
): Promise<ReferenceTrainingResult> {
  const { outDir } = run.options;
  const { data, privacy, training } = exported;
  await mkdir(path.join(outDir, "plots"), { recursive: true });
  const modelFile = path.join(outDir, "model.onnx");
  await writeFile(modelFile, exported.bytes);
  const evaluation = await evaluateOnnxModel(modelFile, data);
  await writeEvidenceFile(path.join(outDir, "metrics.json"), evaluation.report);
  const rows = evaluation.report.dataset.rows;
  if (privacy !== undefined) {
    const { artifact } = evaluation.report;
    const evidence = {
      ...evidenceEnvelope("privacy", {
        subject: { sha256: artifact.sha256, path: artifact.name },
        summary: `DP-SGD training of ${artifact.name} on ${data.name} kept ε = ${privacy.epsilon.toPrecision(4)} at δ = ${privacy.delta} over ${privacy.steps} steps (noise multiplier ${privacy.noiseMultiplier}).`,
        passed: null,
      }),
      assessment: "differential-privacy",
      command: "train",
      mechanism: "dp-sgd",
      artifact: evaluation.report.artifact,
      dataset: { name: data.name, fingerprint: exported.split.datasetFingerprint, rows },
      trainingRows: exported.sizes.train,
      ...privacy,
    };
    await writeEvidenceFile(path.join(outDir, "privacy.json"), evidence);
  }
  const plots = await evaluationPlots(evaluation);
  plots["training-history.svg"] = await trainingHistoryPlot({
    epochs: training.history.map((h) => ({
      epoch: h.epoch,
      loss: h.loss,
      ...(h.valLoss === null ? {} : { valLoss: h.valLoss }),
      ...(h.valMetric === null ? {} : { valMetric: h.valMetric }),
    })),
    metricName: training.history[0]?.metricName ?? "metric",
  });
  for (const [file, svg] of Object.entries(plots)) {
    await writeFile(path.join(outDir, "plots", file), svg);
  }
  const { card } = exported;
  const markdown = modelCardMarkdown({
    modelName: `gatehouse-${name}`,
    description: card.description,
    license: run.licence,
    pipelineTag: card.pipelineTag,
    ...(card.taskName === undefined ? {} : { taskName: card.taskName }),
    ...(card.tags === undefined ? {} : { tags: card.tags }),
    ...(card.intendedUses === undefined ? {} : { intendedUses: card.intendedUses }),
    ...(card.limitations === undefined ? {} : { limitations: card.limitations }),
    dataset: {
      id: name,
      name: card.datasetName,
      rows,
      ...exported.cardDataset,
      split: {
        seed: run.seed,
        train: exported.sizes.train / rows,
        validation: exported.sizes.val / rows,
        test: exported.sizes.test / rows,
        stratified: exported.split.stratified,
      },
    },
    training: exported.cardTraining,
    results: cardResults(evaluation, card.resultKeys),
    ...(privacy === undefined ? {} : { privacy }),
    usage: exported.usage,
  });
  await writeFile(path.join(outDir, "README.md"), markdown);
  return {
    model: name,
    files: [
      "model.onnx",
      "metrics.json",
      ...(privacy === undefined ? [] : ["privacy.json"]),
      "README.md",
      ...Object.keys(plots).map((f) => `plots/${f}`),
    ],
    evaluation: evaluation.report,
    history: training.history,
    stoppedEpoch: training.stoppedEpoch,
    bestEpoch: training.bestEpoch,
    ...(privacy === undefined ? {} : { privacy }),
    ...(exported.closedFormR2 === undefined ? {} : { closedFormR2: exported.closedFormR2 }),
  };
}

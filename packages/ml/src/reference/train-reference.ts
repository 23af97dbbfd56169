import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { modelCardMarkdown, type CardResult, type ModelCardInfo } from "../card/index.js";
import { loadBoston, loadIris, StandardScaler, type TabularDataset } from "../data/index.js";
import {
  applyTrainingSplit,
  evaluateOnnxModel,
  evaluationPlots,
  TRAINING_SPLIT_KEY,
  type Evaluation,
  type EvaluationReport,
  type TrainingSplit,
} from "../evaluate/index.js";
import {
  evidenceHeader,
  TOOLKIT_VERSION,
  writeEvidenceFile,
  type EvidenceHeader,
} from "../evidence/index.js";
import { trainMlpDp, type DpSgdPrivacy } from "../privacy/index.js";
import { exportOnnx, ONNX_TENSOR_NAMES, type OnnxModelKind } from "../onnx/index.js";
import { trainingHistoryPlot } from "../plots/index.js";
import { datasetFingerprint } from "../data/index.js";
import {
  leastSquares,
  trainLinearRegression,
  trainMlp,
  type EpochReport,
  type TabularModel,
  type TrainOptions,
} from "../train/index.js";
import { r2Score } from "../metrics/index.js";
import { ReferenceTrainingError } from "./reference-error.js";

/** The classic examples `gatehouse train` reproduces. */
export const REFERENCE_MODELS = ["iris", "boston"] as const;
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
   */
  readonly dp?: { readonly epsilon: number; readonly delta: number };
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
  readonly card: Pick<
    ModelCardInfo,
    "description" | "pipelineTag" | "taskName" | "tags" | "intendedUses" | "limitations"
  > & {
    readonly datasetName: string;
    readonly architecture: string;
    readonly loss: string;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly resultKeys: readonly string[];
  };
}

const RECIPES: Record<ReferenceModelName, Recipe> = {
  iris: {
    data: loadIris,
    kind: "mlp",
    defaultEpochs: 100,
    patience: 20,
    train: trainMlp,
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
      architecture: "MLP 4-64-3: Dense 64 ReLU, Dense 3 softmax",
      loss: "categorical cross-entropy",
      batchSize: 16,
      learningRate: 0.01,
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
      architecture: "Linear regression: one Dense unit on 13 standard-scaled features",
      loss: "mean squared error",
      batchSize: 354,
      learningRate: 0.1,
      resultKeys: ["r2", "rmse", "mae", "mse"],
    },
  },
};

/** Adam's step size in DP-SGD training: trainMlpDp's default, tuned for Iris at ε = 3. */
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

function cardResults(evaluation: Evaluation, keys: readonly string[]): CardResult[] {
  return keys.flatMap((type) => {
    const value = evaluation.report.metrics[type];
    return value === undefined || !Number.isFinite(value)
      ? []
      : [{ type, value, split: evaluation.report.split.name }];
  });
}

/**
 * Trains one of the classic examples end to end: seeded split, scaling fitted on the
 * training rows, training with early stopping on the validation rows, export to ONNX
 * with the scaling inside, then an evaluation of that very file on the test rows.
 * Writes model.onnx, metrics.json (evidence of kind `evaluation`), README.md (the
 * model card) and plots/*.svg into `outDir`.
 */
export async function trainReference(
  name: ReferenceModelName,
  options: TrainReferenceOptions,
): Promise<ReferenceTrainingResult> {
  const recipe = RECIPES[name] as Recipe | undefined;
  if (recipe === undefined) {
    throw new ReferenceTrainingError(
      `no reference model "${String(name)}"; choose one of ${REFERENCE_MODELS.join(", ")}`,
    );
  }
  const seed = options.seed ?? 42;
  const epochs = options.epochs ?? recipe.defaultEpochs;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new ReferenceTrainingError(`epochs must be a whole number of at least 1, not ${epochs}`);
  }
  const licence = options.licence ?? "apache-2.0";
  const data = recipe.data();
  const split: TrainingSplit = {
    dataset: data.name,
    datasetFingerprint: datasetFingerprint(data),
    seed,
    valFraction: 0.1,
    testFraction: 0.2,
    stratified: data.task === "classification",
  };
  const parts = applyTrainingSplit(data, split);
  const scaler = new StandardScaler().fit(parts.train);
  const train = scaler.transformDataset(parts.train);
  const val = scaler.transformDataset(parts.val);
  const onEpoch = options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch };
  let privacy: DpSgdPrivacy | undefined;
  let model: TabularModel;
  if (options.dp !== undefined) {
    if (recipe.kind !== "mlp") {
      throw new ReferenceTrainingError(
        `DP-SGD training is available for the MLP reference model (iris), not ${name}`,
      );
    }
    const dpModel = await trainMlpDp(train, {
      targetEpsilon: options.dp.epsilon,
      delta: options.dp.delta,
      validation: val,
      ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
      ...onEpoch,
    });
    privacy = dpModel.privacy;
    model = dpModel;
  } else {
    model = await recipe.train(train, {
      seed,
      epochs,
      validation: val,
      ...(recipe.patience === null ? {} : { earlyStopping: { patience: recipe.patience } }),
      ...onEpoch,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx({
      kind: recipe.kind,
      layers: model.denseLayers(),
      preprocessing: {
        featureNames: data.featureNames,
        scaler: { kind: "standard", mean: scaler.mean, scale: scaler.scale },
      },
      ...(data.task === "classification" ? { classes: data.classes } : {}),
      metadata: {
        licence,
        description: recipe.card.description,
        producerVersion: TOOLKIT_VERSION,
        extra: { [TRAINING_SPLIT_KEY]: JSON.stringify(split) },
      },
    });
  } finally {
    model.dispose();
  }
  await mkdir(path.join(options.outDir, "plots"), { recursive: true });
  const modelFile = path.join(options.outDir, "model.onnx");
  await writeFile(modelFile, bytes);
  const evaluation = await evaluateOnnxModel(modelFile, data);
  await writeEvidenceFile(path.join(options.outDir, "metrics.json"), evaluation.report);
  if (privacy !== undefined) {
    await writeEvidenceFile(path.join(options.outDir, "privacy.json"), {
      ...evidenceHeader("privacy"),
      command: "train",
      mechanism: "dp-sgd",
      artifact: evaluation.report.artifact,
      dataset: { name: data.name, fingerprint: split.datasetFingerprint, rows: data.y.length },
      trainingRows: parts.train.y.length,
      ...privacy,
    } as EvidenceHeader);
  }
  const plots = await evaluationPlots(evaluation);
  plots["training-history.svg"] = await trainingHistoryPlot({
    epochs: model.training.history.map((h) => ({
      epoch: h.epoch,
      loss: h.loss,
      ...(h.valLoss === null ? {} : { valLoss: h.valLoss }),
      ...(h.valMetric === null ? {} : { valMetric: h.valMetric }),
    })),
    metricName: model.training.history[0]?.metricName ?? "metric",
  });
  for (const [file, svg] of Object.entries(plots)) {
    await writeFile(path.join(options.outDir, "plots", file), svg);
  }
  const rows = data.y.length;
  const card = modelCardMarkdown({
    modelName: `gatehouse-${name}`,
    description: recipe.card.description,
    license: licence,
    pipelineTag: recipe.card.pipelineTag,
    ...(recipe.card.taskName === undefined ? {} : { taskName: recipe.card.taskName }),
    ...(recipe.card.tags === undefined ? {} : { tags: recipe.card.tags }),
    ...(recipe.card.intendedUses === undefined ? {} : { intendedUses: recipe.card.intendedUses }),
    limitations: [
      ...(recipe.card.limitations ?? []),
      ...(privacy === undefined
        ? []
        : [
            "The standard-scaling means and deviations inside the graph were computed from the training rows without noise: the (ε, δ) guarantee covers the weights, not them.",
          ]),
    ],
    dataset: {
      id: name,
      name: recipe.card.datasetName,
      rows,
      features: data.featureNames,
      target: data.targetName,
      split: {
        seed,
        train: parts.train.y.length / rows,
        validation: parts.val.y.length / rows,
        test: parts.test.y.length / rows,
        stratified: split.stratified,
      },
      preprocessing: ["standard scaling fitted on the training split (inside the ONNX graph)"],
    },
    training: {
      architecture:
        privacy === undefined
          ? recipe.card.architecture
          : `${recipe.card.architecture}, trained with DP-SGD (per-example clipping, Gaussian noise)`,
      optimizer: "Adam",
      learningRate: privacy === undefined ? recipe.card.learningRate : DP_LEARNING_RATE,
      epochsRun: model.training.stoppedEpoch,
      maxEpochs: epochs,
      ...(recipe.patience === null
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
          : recipe.kind === "linear-regression"
            ? parts.train.y.length
            : recipe.card.batchSize,
      seed,
      loss: recipe.card.loss,
    },
    results: cardResults(evaluation, recipe.card.resultKeys),
    ...(privacy === undefined ? {} : { privacy }),
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
  });
  await writeFile(path.join(options.outDir, "README.md"), card);
  return {
    model: name,
    files: [
      "model.onnx",
      "metrics.json",
      "README.md",
      ...Object.keys(plots).map((f) => `plots/${f}`),
    ],
    evaluation: evaluation.report,
    history: model.training.history,
    stoppedEpoch: model.training.stoppedEpoch,
    bestEpoch: model.training.bestEpoch,
    ...(privacy === undefined ? {} : { privacy }),
    ...(name === "boston"
      ? { closedFormR2: closedFormTestR2(train, scaler.transformDataset(parts.test)) }
      : {}),
  };
}

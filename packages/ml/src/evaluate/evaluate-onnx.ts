import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  datasetFingerprint,
  DataError,
  isTextDataset,
  type TabularDataset,
  type TextDataset,
} from "../data/index.js";
import { evidenceEnvelope } from "../evidence/index.js";
import {
  encodeTexts,
  ONNX_TENSOR_NAMES,
  openOnnxModel,
  OnnxError,
  readTextPreprocessing,
  type OnnxModel,
} from "../onnx/index.js";
import { classificationMetrics } from "./classification-metrics.js";
import type { EvaluationReport, EvaluationSplit } from "./evaluation-report.js";
import { regressionMetrics } from "./regression-metrics.js";
import {
  applyTrainingSplit,
  isSplitOf,
  parseTrainingSplit,
  TRAINING_SPLIT_KEY,
  type TrainingSplit,
} from "./training-split.js";

/** Which rows to score: the model's own test split when it records one for this data, or all. */
export type EvaluationRows = "auto" | "test" | "all";

export interface EvaluateOptions {
  /** Default `auto`: the recorded test split when the data is the model's training data, else all rows. */
  readonly rows?: EvaluationRows;
}

/** An evaluation with what its plots need beside the report. */
export interface Evaluation {
  readonly report: EvaluationReport;
  /** Targets and predictions of the rows scored: values for regression, class indexes otherwise. */
  readonly actual: number[];
  readonly predicted: number[];
}

/** Class indexes of a text dataset, or the target column of a table. */
function targetsOf(data: TabularDataset | TextDataset): ArrayLike<number> {
  return isTextDataset(data) ? data.labels : data.y;
}

/** Reorders the model's probability columns into the dataset's class order, matching by name. */
function columnOrder(
  model: OnnxModel,
  data: TabularDataset | TextDataset,
  width: number,
): number[] {
  const modelClasses = model.metadata.classLabels;
  if (width !== data.classes.length) {
    throw new OnnxError(
      `${model.name} gives ${width} class probabilities but dataset ${data.name} has ${data.classes.length} classes (${data.classes.join(", ")})`,
    );
  }
  if (modelClasses === undefined) {
    return data.classes.map((_, i) => i);
  }
  return data.classes.map((label) => {
    const at = modelClasses.indexOf(label);
    if (at < 0) {
      throw new OnnxError(
        `${model.name} knows the classes ${modelClasses.join(", ")} but dataset ${data.name} has class "${label}"; evaluate it on data with the classes it was trained on`,
      );
    }
    return at;
  });
}

function outputOf(model: OnnxModel, outputs: Awaited<ReturnType<OnnxModel["run"]>>, name: string) {
  const output =
    outputs[name] ??
    (model.outputNames.length === 1 ? outputs[model.outputNames[0] ?? ""] : undefined);
  if (output === undefined) {
    throw new OnnxError(
      `${model.name} has no output "${name}" (it has ${model.outputNames.join(", ")}); Gatehouse evaluates models whose outputs are named as the exporter names them`,
    );
  }
  return output;
}

/** The chosen rows, their fingerprint and how they were chosen. */
interface ChosenRows<D> {
  readonly data: D;
  readonly fingerprint: string;
  readonly split: Omit<EvaluationSplit, "fingerprint" | "rows">;
}

/** The test rows of a recorded split of `data`. */
function testRowsOf<D extends TabularDataset | TextDataset>(
  data: D,
  split: TrainingSplit,
): ChosenRows<D> {
  const test = applyTrainingSplit(data, split).test;
  return {
    data: test,
    fingerprint: datasetFingerprint(test),
    split: {
      name: "test",
      seed: split.seed,
      testFraction: split.testFraction,
      valFraction: split.valFraction,
      stratified: split.stratified,
    },
  };
}

/** The rows to score and their fingerprint; `fingerprint` is that of all of `data`. */
function chooseSplit<D extends TabularDataset | TextDataset>(
  model: OnnxModel,
  data: D,
  fingerprint: string,
  rows: EvaluationRows,
): ChosenRows<D> {
  const recorded = parseTrainingSplit(model.metadata.metadataProps[TRAINING_SPLIT_KEY]);
  const matches = recorded !== undefined && isSplitOf(recorded, data, fingerprint);
  if (rows === "test" && !matches) {
    throw new DataError(
      recorded === undefined
        ? `${model.name} records no training split; evaluate on all rows instead`
        : `dataset ${data.name} is not the data ${model.name} was trained on (${recorded.dataset}); its test split cannot be rebuilt`,
    );
  }
  if (rows !== "all" && matches) {
    return testRowsOf(data, recorded);
  }
  return {
    data,
    fingerprint,
    split: { name: "all", seed: null, testFraction: null, valFraction: null, stratified: false },
  };
}

/**
 * Scores an ONNX model file on a dataset and writes nothing: the caller saves the report.
 * The artifact's sha256 is of the exact bytes run, so the report names the file served.
 */
export async function evaluateOnnxModel(
  modelFile: string,
  data: TabularDataset | TextDataset,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const bytes = await readFile(modelFile).catch((err: unknown) => {
    throw new OnnxError(
      `cannot read ${modelFile}: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const name = path.basename(modelFile);
  const model = await openOnnxModel(bytes, { name });
  try {
    const fingerprint = datasetFingerprint(data);
    const chosen = chooseSplit(model, data, fingerprint, options.rows ?? "auto");
    const scored = chosen.data;
    const actual = Array.from(targetsOf(scored));
    const rows = actual.length;
    if (rows === 0) {
      throw new DataError(`dataset ${data.name} has no rows to evaluate`);
    }
    const outputs = await model.run(
      isTextDataset(scored)
        ? encodeTexts(scored.texts, readTextPreprocessing(model.metadata))
        : scored.x,
      rows,
    );
    const task = isTextDataset(scored) ? "classification" : scored.task;
    let predicted: number[];
    let result: Pick<
      EvaluationReport,
      "metrics" | "perClass" | "confusionMatrix" | "curves" | "calibration"
    >;
    if (task === "classification") {
      const output = outputOf(model, outputs, ONNX_TENSOR_NAMES.probabilities);
      const width = output.dims[1] ?? 1;
      const order = columnOrder(model, scored, width);
      const values = output.data as ArrayLike<number>;
      const probabilities = Array.from({ length: rows }, (_, i) =>
        order.map((j) => Number(values[i * width + j])),
      );
      ({ predicted, ...result } = classificationMetrics(actual, probabilities, scored.classes));
    } else {
      const output = outputOf(model, outputs, ONNX_TENSOR_NAMES.prediction);
      const values = output.data as ArrayLike<number>;
      if (values.length !== rows) {
        throw new OnnxError(
          `${model.name} gives ${values.length / rows} values per row; a regression evaluation needs one`,
        );
      }
      predicted = Array.from(values, Number);
      result = regressionMetrics(actual, predicted);
    }
    const report = reportOf({ name, bytes }, data, fingerprint, chosen, task, result);
    return { report, actual, predicted };
  } finally {
    await model.close();
  }
}

/** The evidence of an evaluation of the file `artifact` on the rows `chosen` of `data`. */
function reportOf(
  artifact: { readonly name: string; readonly bytes: Uint8Array },
  data: TabularDataset | TextDataset,
  fingerprint: string,
  chosen: ChosenRows<TabularDataset | TextDataset>,
  task: EvaluationReport["task"],
  result: Pick<
    EvaluationReport,
    "metrics" | "perClass" | "confusionMatrix" | "curves" | "calibration"
  >,
): EvaluationReport {
  const { name, bytes } = artifact;
  const rows = targetsOf(chosen.data).length;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return {
    ...evidenceEnvelope("evaluation", {
      subject: { sha256, path: name },
      summary: evaluationSummary(name, data.name, chosen.split.name, rows, result.metrics),
      passed: null,
    }),
    task,
    artifact: { name, sha256, bytes: bytes.length },
    dataset: {
      name: data.name,
      fingerprint,
      rows: targetsOf(data).length,
      features: isTextDataset(data) ? ["text"] : data.featureNames,
      target: isTextDataset(data) ? "label" : data.targetName,
      classes: data.classes,
    },
    split: { ...chosen.split, rows, fingerprint: chosen.fingerprint },
    ...result,
  };
}

/**
 * Evaluates a text classifier whose inputs the evaluator cannot make from
 * text itself (a fine-tuned language model's token ids and mask): the
 * caller's `probabilities` runs the file `modelFile` on the test rows of
 * `split` and gives one row of class probabilities each, in `data`'s class
 * order. The report is the one `evaluateOnnxModel` writes, naming the file's bytes.
 */
export async function evaluateTextClassifier(
  modelFile: string,
  data: TextDataset,
  split: TrainingSplit,
  probabilities: (test: TextDataset) => Promise<number[][]>,
): Promise<Evaluation> {
  const bytes = await readFile(modelFile);
  const chosen = testRowsOf(data, split);
  const actual = Array.from(chosen.data.labels);
  const { predicted, ...result } = classificationMetrics(
    actual,
    await probabilities(chosen.data),
    data.classes,
  );
  const artifact = { name: path.basename(modelFile), bytes };
  const report = reportOf(
    artifact,
    data,
    datasetFingerprint(data),
    chosen,
    "classification",
    result,
  );
  return { report, actual, predicted };
}

/** The metrics a summary quotes first, by task: the ones a reader usually asks for. */
const HEADLINE_METRICS = ["accuracy", "f1", "f1_macro", "rmse", "r2"];

/** One sentence naming the file, the rows scored and its headline metrics. */
function evaluationSummary(
  file: string,
  dataset: string,
  split: EvaluationSplit["name"],
  rows: number,
  metrics: Readonly<Record<string, number>>,
): string {
  const quoted = HEADLINE_METRICS.filter((m) => metrics[m] !== undefined)
    .map((m) => `${m} ${Number.isFinite(metrics[m]) ? Number(metrics[m]).toFixed(4) : "undefined"}`)
    .join(", ");
  return `${file} on ${dataset}, ${split === "test" ? "its test split" : "all rows"} (${rows} rows): ${quoted}.`;
}

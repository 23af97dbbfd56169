import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  BUILTIN_DATASETS,
  evaluateOnnxModel,
  evaluationPlots,
  loadBuiltin,
  readCsv,
  readJsonl,
  writeEvidenceFile,
  type BuiltinDatasetName,
  type EvaluationRows,
  type TabularDataset,
  type TextDataset,
} from "@gatehouse/ml";
import { InvalidArgumentError, type Command } from "commander";
import { formatMetric, printResult } from "../print-result.js";
import { UsageError } from "../context.js";
import { commaList } from "../flags.js";
import { toolkitFailure } from "../toolkit-failure.js";

interface EvalOptions {
  readonly dataset: string;
  readonly target?: string;
  readonly features?: string[];
  readonly categorical?: string[];
  readonly dropInvalid?: boolean;
  readonly rows: EvaluationRows;
  readonly out: string;
}

function rowsChoice(value: string): EvaluationRows {
  if (value !== "auto" && value !== "test" && value !== "all") {
    throw new InvalidArgumentError("choose auto, test or all");
  }
  return value;
}

/** A built-in dataset by name, or the user's CSV / JSONL file. */
async function loadDataset(options: EvalOptions): Promise<TabularDataset | TextDataset> {
  if ((BUILTIN_DATASETS as readonly string[]).includes(options.dataset)) {
    return loadBuiltin(options.dataset as BuiltinDatasetName);
  }
  const extension = path.extname(options.dataset).toLowerCase();
  if (extension !== ".csv" && extension !== ".jsonl") {
    throw new UsageError(
      `--dataset "${options.dataset}" is neither a built-in dataset (${BUILTIN_DATASETS.join(", ")}) nor a .csv or .jsonl file`,
    );
  }
  if (options.target === undefined) {
    throw new UsageError(`--target is needed with a file: name the column that holds the label`);
  }
  const read = extension === ".csv" ? readCsv : readJsonl;
  return read(options.dataset, {
    target: options.target,
    ...(options.features === undefined ? {} : { features: options.features }),
    ...(options.categorical === undefined ? {} : { categorical: options.categorical }),
    ...(options.dropInvalid === true ? { dropInvalid: true } : {}),
  });
}

/** `gatehouse eval MODEL.onnx --dataset D`: scores a model file and writes the evaluation evidence. */
export function registerEvalCommand(program: Command): void {
  program
    .command("eval")
    .description(
      "evaluate an ONNX model on a dataset; writes evaluation.json (evidence of kind evaluation) and plots",
    )
    .argument("<model>", "the ONNX file to evaluate")
    .requiredOption(
      "--dataset <name|file>",
      `a built-in dataset (${BUILTIN_DATASETS.join(", ")}) or a .csv / .jsonl file`,
    )
    .option("--target <column>", "label column of a file dataset")
    .option(
      "--features <a,b,c>",
      "feature columns of a file dataset, in the model's order",
      commaList,
    )
    .option("--categorical <a,b>", "feature columns of a file dataset to one-hot encode", commaList)
    .option("--drop-invalid", "drop rows with empty, NaN or infinite values instead of refusing")
    .option(
      "--rows <auto|test|all>",
      "rows to score: the model's own test split when this is its training data (auto), or every row",
      rowsChoice,
      "auto",
    )
    .option("--out <dir>", "folder for evaluation.json and the plots", "evaluation")
    .action(async (modelFile: string, options: EvalOptions, command: Command) => {
      let evaluation;
      let plots: Record<string, string>;
      try {
        const data = await loadDataset(options);
        evaluation = await evaluateOnnxModel(modelFile, data, { rows: options.rows });
        plots = await evaluationPlots(evaluation);
      } catch (err) {
        throw toolkitFailure(err);
      }
      await mkdir(path.join(options.out, "plots"), { recursive: true });
      await writeEvidenceFile(path.join(options.out, "evaluation.json"), evaluation.report);
      for (const [file, svg] of Object.entries(plots)) {
        await writeFile(path.join(options.out, "plots", file), svg);
      }
      const { report } = evaluation;
      printResult(
        command,
        [
          `${report.artifact.name} (sha256 ${report.artifact.sha256}) on ${report.dataset.name}, ${report.split.name === "test" ? `its test split (seed ${report.split.seed ?? "-"})` : "all rows"}: ${report.split.rows} rows`,
          ...Object.entries(report.metrics).map(([k, v]) => `  ${k} ${formatMetric(v)}`),
          `wrote ${path.join(options.out, "evaluation.json")} and ${Object.keys(plots).length} plots`,
        ],
        report,
      );
    });
}

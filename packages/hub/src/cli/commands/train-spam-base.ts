import { SPAM_FROM_BASE_DEFAULTS, trainSpamFromBase } from "@gatehouse/ml";
import type { Command } from "commander";
import { baseModelFlags } from "../base-model-flags.js";
import { UsageError } from "../context.js";
import { numberFlag, wholeNumberFlag } from "../flags.js";
import { formatMetric, printResult, wantsJson } from "../print-result.js";
import { createTrainingProgress } from "../progress.js";
import { toolkitFailure } from "../toolkit-failure.js";

const wholeNumber = (min: number) => wholeNumberFlag(min, `give a whole number of at least ${min}`);
const positiveNumber = numberFlag((n) => n > 0, "give a number > 0, e.g. 0.0005");

/** The flags of a fine-tune from a base, as commander parses them. */
export interface SpamBaseFlags {
  readonly base?: string;
  readonly baseModel?: string;
  readonly steps?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly maxTokens?: number;
}

/** The fine-tune's own flags: they mean nothing to the model trained from scratch. */
const FINE_TUNE_FLAGS: readonly [keyof SpamBaseFlags, string][] = [
  ["steps", "--steps"],
  ["batchSize", "--batch-size"],
  ["learningRate", "--learning-rate"],
  ["maxTokens", "--max-tokens"],
];

/** Adds `train spam`'s options for a fine-tune from a language model. */
export function addSpamBaseOptions(command: Command): void {
  const d = SPAM_FROM_BASE_DEFAULTS;
  command
    .option("--base <dir>", "a folder train lm wrote: fine-tune it into the spam classifier")
    .option("--base-model <id>", "the base's name on the hub (NS/NAME[@VERSION]), for the card")
    .option(
      "--steps <n>",
      "with --base: training steps in all, instead of --epochs",
      wholeNumber(1),
    )
    .option(
      "--batch-size <n>",
      `with --base: e-mails a step (default ${d.batchSize})`,
      wholeNumber(1),
    )
    .option(
      "--learning-rate <r>",
      `with --base: Adam's peak rate (default ${d.learningRate})`,
      positiveNumber,
    )
    .option(
      "--max-tokens <n>",
      "with --base: tokens read from the start of each e-mail (default and most: the base's context)",
      wholeNumber(1),
    );
}

/**
 * The base to fine-tune from, when `--base` is given; the fine-tune's flags
 * without it, and DP-SGD with it, are refused.
 */
export function spamBaseOf(
  flags: SpamBaseFlags & { readonly dp?: boolean; readonly epochs?: number },
): { dir: string; model: string } | undefined {
  const base = baseModelFlags(flags);
  if (base === undefined) {
    const given = FINE_TUNE_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, f]) => f);
    if (given.length > 0) {
      throw new UsageError(
        `${given.join(", ")} set a fine-tune from a language model: add --base DIR`,
      );
    }
    return undefined;
  }
  if (flags.dp === true) {
    throw new UsageError(
      "--dp trains the iris model from scratch; a fine-tune from --base has no DP-SGD: drop --dp",
    );
  }
  if (flags.steps !== undefined && flags.epochs !== undefined) {
    throw new UsageError("--steps and --epochs both set how long the fine-tune runs: give one");
  }
  return base;
}

/** `gatehouse train spam --base DIR --base-model NS/NAME`: the fine-tune and its report. */
export async function trainSpamFromBaseCommand(
  base: { dir: string; model: string },
  flags: SpamBaseFlags & {
    readonly out: string;
    readonly seed: number;
    readonly epochs?: number;
    readonly license?: string;
  },
  command: Command,
): Promise<void> {
  const json = wantsJson(command);
  const label = "fine-tune spam";
  const progress = createTrainingProgress(label, json);
  let result;
  try {
    result = await trainSpamFromBase({
      outDir: flags.out,
      base,
      seed: flags.seed,
      ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
      ...(flags.steps === undefined ? {} : { steps: flags.steps }),
      ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
      ...(flags.learningRate === undefined ? {} : { learningRate: flags.learningRate }),
      ...(flags.maxTokens === undefined ? {} : { maxTokens: flags.maxTokens }),
      ...(flags.license === undefined ? {} : { licence: flags.license }),
      onReady: ({ parameters, trainTexts, maxTokens }) => {
        progress.ready(
          `${parameters} parameters, ${trainTexts} training e-mails, the first ${maxTokens} tokens of each`,
        );
      },
      onStep: progress.step,
    });
  } catch (err) {
    throw toolkitFailure(err);
  } finally {
    progress.stop();
  }
  const { evaluation } = result;
  const last = result.history.at(-1);
  const lines = [
    `fine-tuned ${base.model} into a spam classifier in ${result.steps} steps (${result.history.length} epochs), ${Math.round(result.seconds)} s; licence ${result.licence}; wrote to ${flags.out}:`,
    ...result.files.map((f) => `  ${f}`),
    ...(last === undefined
      ? []
      : [
          `validation: loss ${formatMetric(last.valLoss)}, accuracy ${formatMetric(last.valAccuracy)}`,
        ]),
    `${evaluation.split.name} split (${evaluation.split.rows} rows, seed ${evaluation.split.seed ?? "-"}):`,
    ...Object.entries(evaluation.metrics).map(([k, v]) => `  ${k} ${formatMetric(v)}`),
    `the spam model trained from scratch with --seed ${flags.seed} is tested on the same e-mails: compare with its metrics.json (gatehouse train spam --out DIR --seed ${flags.seed})`,
    `push it with: gatehouse push ${flags.out} NAMESPACE/NAME --version v1`,
  ];
  printResult(command, lines, result);
}

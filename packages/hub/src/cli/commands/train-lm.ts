import {
  DEFAULT_LM_SIZE,
  LM_CORPORA,
  printableText,
  trainLanguageModel,
  type LmSize,
} from "@gatehouse/ml";
import type { Command } from "commander";
import { baseModelFlags } from "../base-model-flags.js";
import { UsageError } from "../context.js";
import { numberFlag, wholeNumberFlag } from "../flags.js";
import { formatMetric, printResult, wantsJson } from "../print-result.js";
import { createTrainingProgress } from "../progress.js";
import { toolkitFailure } from "../toolkit-failure.js";

const wholeNumber = (min: number) => wholeNumberFlag(min, `give a whole number of at least ${min}`);
const positiveNumber = numberFlag((n) => n > 0, "give a number > 0, e.g. 0.003");

/** The size flags' values as commander names them: `--context` gives `context`. */
type SizeFlagValues = Partial<Omit<LmSize, "contextSize">> & { readonly context?: number };

/**
 * The size flags, with the size each sets and the name of its value: each is
 * the base's when fine-tuning, so none may be given with --base.
 */
const SIZE_FLAGS: readonly [keyof LmSize, string, keyof SizeFlagValues][] = [
  ["vocabSize", "--vocab-size", "vocabSize"],
  ["contextSize", "--context", "context"],
  ["layers", "--layers", "layers"],
  ["heads", "--heads", "heads"],
  ["width", "--width", "width"],
];

/** Pretraining and fine-tuning want different runs; these are each's defaults. */
const RUNS = {
  pretrain: { steps: 1500, learningRate: 3e-3, warmupSteps: 50 },
  finetune: { steps: 300, learningRate: 1e-3, warmupSteps: 20 },
} as const;

interface TrainLmOptions extends SizeFlagValues {
  readonly corpus: string;
  readonly out: string;
  readonly base?: string;
  readonly baseModel?: string;
  readonly steps?: number;
  readonly batchSize: number;
  readonly learningRate?: number;
  readonly warmup?: number;
  readonly checkpointEvery: number;
  readonly seed: number;
  readonly license?: string;
}

function baseOf(options: TrainLmOptions): { dir: string; model: string } | undefined {
  const base = baseModelFlags(options);
  if (base === undefined) {
    return undefined;
  }
  const given = SIZE_FLAGS.filter(([, , value]) => options[value] !== undefined).map(
    ([, flag]) => flag,
  );
  if (given.length > 0) {
    throw new UsageError(`a fine-tune keeps its base's size: drop ${given.join(", ")}`);
  }
  return base;
}

/** `gatehouse train lm --corpus NAME|FILE --out DIR [--base DIR --base-model NS/NAME]`. */
export function registerTrainLmCommand(train: Command): void {
  train
    .command("lm")
    .description(
      "pretrain a small GPT-style language model on a corpus, or fine-tune one (--base), and write its weights, tokenizer, evaluation.json and a README.md card",
    )
    .requiredOption("--corpus <name|file>", `${LM_CORPORA.join(" | ")}, or a UTF-8 text file`)
    .requiredOption("--out <dir>", "folder to write the model into; a checkpoint there is resumed")
    .option("--base <dir>", "a folder train lm wrote: fine-tune it on the corpus")
    .option("--base-model <id>", "the base's name on the hub (NS/NAME[@VERSION]), for the card")
    .option("--steps <n>", "training steps (default 1500; 300 with --base)", wholeNumber(1))
    .option("--batch-size <n>", "sequences a step", wholeNumber(1), 16)
    .option(
      "--learning-rate <r>",
      "Adam's peak rate (default 0.003; 0.001 with --base)",
      positiveNumber,
    )
    .option("--warmup <n>", "steps of linear warm-up (default 50; 20 with --base)", wholeNumber(0))
    .option(
      "--vocab-size <n>",
      `BPE vocabulary, 257 for bytes (default ${DEFAULT_LM_SIZE.vocabSize})`,
      wholeNumber(257),
    )
    .option(
      "--context <n>",
      `tokens a sequence (default ${DEFAULT_LM_SIZE.contextSize})`,
      wholeNumber(2),
    )
    .option("--layers <n>", `decoder blocks (default ${DEFAULT_LM_SIZE.layers})`, wholeNumber(1))
    .option("--heads <n>", `attention heads (default ${DEFAULT_LM_SIZE.heads})`, wholeNumber(1))
    .option(
      "--width <n>",
      `width of the residual stream (default ${DEFAULT_LM_SIZE.width})`,
      wholeNumber(2),
    )
    .option("--checkpoint-every <n>", "steps between checkpoints", wholeNumber(1), 100)
    .option(
      "--seed <n>",
      "seed of the split, initial weights, batches and samples",
      wholeNumber(0),
      42,
    )
    .option(
      "--license <id>",
      "licence the model is released under (default apache-2.0; with --base, the base's)",
    )
    .action(async (options: TrainLmOptions, command: Command) => {
      const json = wantsJson(command);
      const base = baseOf(options);
      const run = RUNS[base === undefined ? "pretrain" : "finetune"];
      const size = Object.fromEntries(
        SIZE_FLAGS.map(([key, , value]) => [key, options[value] ?? DEFAULT_LM_SIZE[key]]),
      ) as unknown as LmSize;
      const label = base === undefined ? "train lm" : "fine-tune lm";
      const progress = createTrainingProgress(label, json);
      let result;
      try {
        result = await trainLanguageModel({
          corpus: options.corpus,
          outDir: options.out,
          ...(base === undefined ? {} : { base }),
          size,
          steps: options.steps ?? run.steps,
          batchSize: options.batchSize,
          learningRate: options.learningRate ?? run.learningRate,
          warmupSteps: options.warmup ?? run.warmupSteps,
          checkpointEvery: options.checkpointEvery,
          seed: options.seed,
          ...(options.license === undefined ? {} : { licence: options.license }),
          onReady: ({ trainTokens, parameters }) => {
            progress.ready(
              `${parameters} parameters, ${trainTokens} training tokens of ${options.corpus}`,
            );
          },
          onStep: progress.step,
        });
      } catch (err) {
        throw toolkitFailure(err);
      } finally {
        progress.stop();
      }
      const v = result.validation;
      const lines = [
        `trained a ${result.parameters}-parameter language model in ${Math.round(result.seconds)} s${result.resumedFrom > 0 ? ` (resumed from step ${result.resumedFrom})` : ""}; wrote to ${options.out}:`,
        ...result.files.map((f) => `  ${f}`),
        `validation (${v.tokens} held-out tokens): loss ${formatMetric(v.loss)}, perplexity ${formatMetric(v.perplexity)}, bits per byte ${formatMetric(v.bitsPerByte)}`,
      ];
      if (result.baseValidation !== undefined) {
        lines.push(
          `  the base on the same text: perplexity ${formatMetric(result.baseValidation.perplexity)}`,
        );
      }
      lines.push("samples:", ...result.samples.map((s) => `  ${s.prompt}${printableText(s.text)}`));
      lines.push(`push it with: gatehouse push ${options.out} NAMESPACE/NAME --version v1`);
      printResult(command, lines, result);
    });
}

import {
  REFERENCE_MODELS,
  ledgerDataset,
  loadBuiltin,
  spendPrivacyBudget,
  trainReference,
  type ReferenceModelName,
} from "@gatehouse/ml";
import type { Command } from "commander";
import { UsageError } from "../context.js";
import { numberFlag, openUnitIntervalFlag, wholeNumberFlag } from "../flags.js";
import { createEpochProgress } from "../progress.js";
import { formatMetric, printResult, wantsJson } from "../print-result.js";
import { toolkitFailure } from "../toolkit-failure.js";
import { registerTrainLmCommand } from "./train-lm.js";
import {
  addSpamBaseOptions,
  spamBaseOf,
  trainSpamFromBaseCommand,
  type SpamBaseFlags,
} from "./train-spam-base.js";

const wholeNumber = (min: number) => wholeNumberFlag(min, `give a whole number of at least ${min}`);
const positiveNumber = numberFlag((n) => n > 0, "give a number > 0, e.g. 3");

/** The DP target, when asked for; --epsilon and --delta mean nothing without --dp. */
function dpOptions(options: TrainOptions): { epsilon: number; delta: number } | undefined {
  if (options.dp !== true) {
    if (
      options.epsilon !== undefined ||
      options.delta !== undefined ||
      options.ledger !== undefined
    ) {
      throw new UsageError("--epsilon, --delta and --ledger set a DP-SGD budget: add --dp");
    }
    return undefined;
  }
  if (options.epsilon === undefined || options.delta === undefined) {
    throw new UsageError("--dp needs --epsilon E and --delta D, e.g. --epsilon 3 --delta 1e-5");
  }
  return { epsilon: options.epsilon, delta: options.delta };
}

/**
 * `gatehouse train MODEL --out DIR`: trains a reference model (or, with
 * `train lm`, a language model) and writes a repository ready to push.
 */
export function registerTrainCommand(program: Command): void {
  const train = program
    .command("train")
    .description(
      "train a model and write a repository ready for gatehouse push: a reference model, or a language model (train lm)",
    )
    .argument("[model]", `${REFERENCE_MODELS.join(" | ")} | lm`)
    // An unknown model's own options must not hide that the model is unknown.
    .allowUnknownOption()
    .allowExcessArguments()
    .action((model: string | undefined) => {
      throw new UsageError(
        `${model === undefined ? "name the model to train" : `there is no model ${model} to train`}: choose one of ${[...REFERENCE_MODELS, "lm"].join(", ")}`,
      );
    });
  for (const model of REFERENCE_MODELS) {
    registerReference(train, model);
  }
  registerTrainLmCommand(train);
}

/** `gatehouse train iris|boston|spam --out DIR`. */
function registerReference(train: Command, model: ReferenceModelName): void {
  const reference = train
    .command(model)
    .description(
      `train the ${model} reference model and write model.onnx, metrics.json, plots and a README.md model card`,
    )
    .requiredOption("--out <dir>", "folder to write the model repository into")
    .option("--epochs <n>", "most epochs to train (early stopping may end sooner)", wholeNumber(1))
    .option("--seed <n>", "seed of the split, initial weights and batch order", wholeNumber(0), 42)
    .option(
      "--license <id>",
      `licence the model is released under (default apache-2.0${model === "spam" ? "; with --base, the base's" : ""})`,
    )
    .option("--dp", "train with DP-SGD to the (--epsilon, --delta) guarantee (iris only)")
    .option("--epsilon <e>", "privacy budget ε for --dp, > 0", positiveNumber)
    .option("--delta <d>", "δ for --dp, in (0, 1), e.g. 1e-5", openUnitIntervalFlag)
    .option(
      "--ledger <file>",
      "privacy budget ledger to spend --dp's (ε, δ) from before training (see gatehouse privacy budget)",
    );
  if (model === "spam") {
    addSpamBaseOptions(reference);
  }
  reference.action(async (options: TrainOptions, command: Command) => {
    const base = spamBaseOf(options);
    if (base !== undefined) {
      await trainSpamFromBaseCommand(base, options, command);
      return;
    }
    const json = wantsJson(command);
    const dp = dpOptions(options);
    const progress = createEpochProgress(`train ${model}`, process.stderr);
    let result;
    const { ledger } = options;
    // Spent once the options are known to be trainable and before the first step:
    // a refused budget costs no training run, a refused run no budget.
    const spend =
      dp === undefined || ledger === undefined
        ? {}
        : {
            beforeTraining: async () => {
              await spendPrivacyBudget(ledger, ledgerDataset(loadBuiltin(model), model), {
                ...dp,
                what: `DP-SGD model ${model} written to ${options.out}`,
                command: "gatehouse train",
              });
            },
          };
    try {
      result = await trainReference(model, {
        outDir: options.out,
        seed: options.seed,
        licence: options.license ?? "apache-2.0",
        ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
        ...(dp === undefined ? {} : { dp: { ...dp, ...spend } }),
        onEpoch: (report) => {
          if (!json) {
            progress.epoch(report);
          }
        },
      });
    } catch (err) {
      throw toolkitFailure(err);
    } finally {
      progress.stop();
    }
    const { evaluation } = result;
    const lines = [
      `trained ${model} in ${result.stoppedEpoch} epochs (weights of epoch ${result.bestEpoch}); wrote to ${options.out}:`,
      ...result.files.map((f) => `  ${f}`),
      `${evaluation.split.name} split (${evaluation.split.rows} rows, seed ${evaluation.split.seed ?? "-"}):`,
      ...Object.entries(evaluation.metrics).map(([k, v]) => `  ${k} ${formatMetric(v)}`),
    ];
    if (result.privacy !== undefined) {
      const p = result.privacy;
      lines.push(
        `DP-SGD guarantee: ε = ${formatMetric(p.epsilon)}, δ = ${p.delta} (noise multiplier ${formatMetric(p.noiseMultiplier)}, clipping norm ${p.clipNorm}, sampling rate ${formatMetric(p.sampleRate)}, ${p.steps} steps); written to privacy.json`,
      );
    }
    if (result.closedFormR2 !== undefined) {
      lines.push(`  r2 of the closed-form least-squares fit ${formatMetric(result.closedFormR2)}`);
    }
    lines.push(`push it with: gatehouse push ${options.out} NAMESPACE/NAME --version v1`);
    printResult(command, lines, result);
  });
}

interface TrainOptions extends SpamBaseFlags {
  readonly out: string;
  readonly dp?: boolean;
  readonly epsilon?: number;
  readonly delta?: number;
  readonly ledger?: string;
  readonly epochs?: number;
  readonly seed: number;
  readonly license?: string;
}

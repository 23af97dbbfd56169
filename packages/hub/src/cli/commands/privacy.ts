import { noiseMultiplierFor, privacySpent } from "@gatehouse/ml";
import type { Command } from "commander";
import { printResult } from "../print-result.js";
import { UsageError } from "../context.js";
import { numberFlag, openUnitIntervalFlag, wholeNumberFlag } from "../flags.js";
import { writePrivacyEvidence } from "../privacy-evidence.js";
import { withToolkitErrors } from "../toolkit-failure.js";

/** Which orders and conversion the accountant uses; written into the evidence. */
const ACCOUNTANT = {
  name: "rdp",
  mechanism: "poisson-sampled-gaussian",
  orders: "opacus-default",
  conversion: "balle-2020-theorem-21",
} as const;

const sampleRate = numberFlag(
  (n) => n > 0 && n <= 1,
  "give a sampling rate in (0, 1], e.g. 0.01 (batch size / dataset size)",
);
const positive = numberFlag((n) => n > 0, "give a number > 0");
const delta = openUnitIntervalFlag;
const wholeSteps = wholeNumberFlag(1, "give a whole number of steps >= 1");

interface OutputOptions {
  readonly evidence?: string;
  readonly subject?: string;
}

const EVIDENCE_FLAG = "--evidence <file>";
const EVIDENCE_HELP = "also write a privacy evidence report to FILE (needs --subject)";
const SUBJECT_FLAG = "--subject <file>";
const SUBJECT_HELP =
  "with --evidence: the model (or data) file the guarantee is about; the report names it by its sha256";

/** The file an `--evidence` report is about; refused before any work when it is missing. */
function evidenceSubject(options: OutputOptions): string {
  if (options.evidence !== undefined && options.subject === undefined) {
    throw new UsageError(
      "--evidence needs --subject FILE: the model or data file the guarantee is about",
    );
  }
  return options.subject ?? "";
}

/**
 * `gatehouse privacy epsilon | sigma`: the RDP accountant of the sampled Gaussian
 * mechanism (DP-SGD) from the command line. Returns the `privacy` command so that
 * more subcommands can be added to it.
 */
export function registerPrivacyCommands(program: Command): Command {
  const privacy = program
    .command("privacy")
    .description("differential-privacy accounting and privacy evidence");

  privacy
    .command("epsilon")
    .description(
      "epsilon spent by N steps of the Poisson-sampled Gaussian mechanism (RDP accountant, as Opacus)",
    )
    .requiredOption("--q <rate>", "sampling rate in (0, 1]: batch size / dataset size", sampleRate)
    .requiredOption(
      "--sigma <multiplier>",
      "noise multiplier (noise std / clipping norm), > 0",
      positive,
    )
    .requiredOption("--steps <n>", "number of training steps, >= 1", wholeSteps)
    .requiredOption("--delta <delta>", "target delta in (0, 1), e.g. 1e-5", delta)
    .option(EVIDENCE_FLAG, EVIDENCE_HELP)
    .option(SUBJECT_FLAG, SUBJECT_HELP)
    .action(
      async (
        options: OutputOptions & { q: number; sigma: number; steps: number; delta: number },
        command: Command,
      ) => {
        const subjectFile = evidenceSubject(options);
        const spent = privacySpent({
          history: [
            { sampleRate: options.q, noiseMultiplier: options.sigma, steps: options.steps },
          ],
          delta: options.delta,
        });
        const result = {
          epsilon: spent.epsilon,
          delta: spent.delta,
          optimalOrder: spent.order,
          noiseMultiplier: options.sigma,
          sampleRate: options.q,
          steps: options.steps,
        };
        await writePrivacyEvidence(
          options.evidence,
          {
            assessment: "differential-privacy",
            subjectFile,
            summary: `ε = ${spent.epsilon.toPrecision(6)} at δ = ${spent.delta} for ${options.steps} steps of the Poisson-sampled Gaussian mechanism (noise multiplier ${options.sigma}, sampling rate ${options.q}).`,
            passed: null,
          },
          {
            command: "privacy epsilon",
            mechanism: ACCOUNTANT.mechanism,
            accountant: ACCOUNTANT,
            ...result,
          },
        );
        printResult(
          command,
          [
            `epsilon = ${spent.epsilon.toPrecision(6)} at delta = ${spent.delta} (optimal RDP order ${spent.order})`,
            `for ${options.steps} steps with noise multiplier ${options.sigma} and sampling rate ${options.q}`,
          ],
          result,
        );
      },
    );

  privacy
    .command("sigma")
    .description(
      "the noise multiplier that keeps training within a target (epsilon, delta), as Opacus's get_noise_multiplier",
    )
    .requiredOption("--epsilon <epsilon>", "target epsilon, > 0", positive)
    .requiredOption("--delta <delta>", "target delta in (0, 1), e.g. 1e-5", delta)
    .requiredOption("--q <rate>", "sampling rate in (0, 1]: batch size / dataset size", sampleRate)
    .option("--steps <n>", "number of training steps (or give --epochs)", wholeSteps)
    .option(
      "--epochs <n>",
      "number of epochs: steps = trunc(epochs / q) (or give --steps)",
      positive,
    )
    .option("--tolerance <epsilon>", "how far below the target epsilon may fall", positive, 0.01)
    .option(EVIDENCE_FLAG, EVIDENCE_HELP)
    .option(SUBJECT_FLAG, SUBJECT_HELP)
    .action(
      async (
        options: OutputOptions & {
          epsilon: number;
          delta: number;
          q: number;
          steps?: number;
          epochs?: number;
          tolerance: number;
        },
        command: Command,
      ) => {
        if ((options.steps === undefined) === (options.epochs === undefined)) {
          throw new UsageError("give exactly one of --steps N or --epochs N");
        }
        const subjectFile = evidenceSubject(options);
        const found = await withToolkitErrors(() =>
          noiseMultiplierFor({
            targetEpsilon: options.epsilon,
            delta: options.delta,
            sampleRate: options.q,
            epsilonTolerance: options.tolerance,
            ...(options.steps === undefined ? {} : { steps: options.steps }),
            ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
          }),
        );
        const result = {
          noiseMultiplier: found.noiseMultiplier,
          epsilon: found.epsilon,
          delta: options.delta,
          targetEpsilon: options.epsilon,
          epsilonTolerance: options.tolerance,
          sampleRate: options.q,
          steps: found.steps,
          ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
        };
        await writePrivacyEvidence(
          options.evidence,
          {
            assessment: "differential-privacy",
            subjectFile,
            summary: `Noise multiplier ${found.noiseMultiplier} keeps ε = ${found.epsilon.toPrecision(6)} (target ${options.epsilon}) at δ = ${options.delta} over ${found.steps} steps at sampling rate ${options.q}.`,
            passed: null,
          },
          {
            command: "privacy sigma",
            mechanism: ACCOUNTANT.mechanism,
            accountant: ACCOUNTANT,
            ...result,
          },
        );
        printResult(
          command,
          [
            `noise multiplier = ${found.noiseMultiplier}`,
            `spends epsilon = ${found.epsilon.toPrecision(6)} (target ${options.epsilon}) at delta = ${options.delta} over ${found.steps} steps at sampling rate ${options.q}`,
          ],
          result,
        );
      },
    );

  return privacy;
}

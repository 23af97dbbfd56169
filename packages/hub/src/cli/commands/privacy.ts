import {
  PrivacyParameterError,
  evidenceHeader,
  noiseMultiplierFor,
  privacySpent,
  writeEvidenceFile,
} from "@gatehouse/ml";
import { InvalidArgumentError, type Command } from "commander";
import { printResult } from "../print-result.js";
import { CliFailure, UsageError } from "../context.js";

/** Which orders and conversion the accountant uses; written into the evidence. */
const ACCOUNTANT = {
  name: "rdp",
  mechanism: "poisson-sampled-gaussian",
  orders: "opacus-default",
  conversion: "balle-2020-theorem-21",
} as const;

function numberIn(value: string, ok: (n: number) => boolean, hint: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !ok(n)) {
    throw new InvalidArgumentError(hint);
  }
  return n;
}

const sampleRate = (v: string): number =>
  numberIn(
    v,
    (n) => n > 0 && n <= 1,
    "give a sampling rate in (0, 1], e.g. 0.01 (batch size / dataset size)",
  );
const positive = (v: string): number => numberIn(v, (n) => n > 0, "give a number > 0");
const delta = (v: string): number =>
  numberIn(v, (n) => n > 0 && n < 1, "give a number in the open interval (0, 1), e.g. 1e-5");
const wholeSteps = (v: string): number =>
  numberIn(v, (n) => Number.isSafeInteger(n) && n >= 1, "give a whole number of steps >= 1");

interface OutputOptions {
  readonly json?: boolean;
  readonly evidence?: string;
}

async function writeEvidence(
  file: string | undefined,
  fields: Record<string, unknown>,
): Promise<void> {
  if (file === undefined) {
    return;
  }
  await writeEvidenceFile(file, { ...evidenceHeader("privacy"), ...fields });
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
    .option("--evidence <file>", "also write a privacy evidence report to FILE")
    .action(
      async (
        options: OutputOptions & { q: number; sigma: number; steps: number; delta: number },
        command: Command,
      ) => {
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
        await writeEvidence(options.evidence, {
          command: "privacy epsilon",
          accountant: ACCOUNTANT,
          ...result,
        });
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
    .option("--evidence <file>", "also write a privacy evidence report to FILE")
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
        let found;
        try {
          found = noiseMultiplierFor({
            targetEpsilon: options.epsilon,
            delta: options.delta,
            sampleRate: options.q,
            epsilonTolerance: options.tolerance,
            ...(options.steps === undefined ? {} : { steps: options.steps }),
            ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
          });
        } catch (err) {
          if (err instanceof PrivacyParameterError) {
            throw new CliFailure(
              err.message,
              "PRIVACY_TARGET_UNREACHABLE",
              "raise --epsilon or --delta, or train fewer steps",
            );
          }
          throw err;
        }
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
        await writeEvidence(options.evidence, {
          command: "privacy sigma",
          accountant: ACCOUNTANT,
          ...result,
        });
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

import { stat } from "node:fs/promises";
import {
  BUILTIN_DATASETS,
  auditOnnxModel,
  ledgerDataset,
  ledgerDatasetOfFile,
  loadBuiltin,
  membershipAuditEvidence,
  privacyBudgetStatus,
  setPrivacyBudget,
  spendPrivacyBudget,
  writeEvidenceFile,
  type DatasetBudgetStatus,
  type LedgerDataset,
  type MembershipAttackMetrics,
  type TprAtFpr,
} from "@gatehouse/ml";
import type { Command } from "commander";
import { printResult } from "../print-result.js";
import { CliFailure, UsageError } from "../context.js";
import { numberFlag } from "../flags.js";
import { NO_BUDGET_HINT, withToolkitErrors } from "../toolkit-failure.js";

/** Where `privacy budget` keeps its ledger unless `--ledger` says otherwise. */
const DEFAULT_LEDGER = ".gatehouse/privacy-ledger.json";

const epsilonFlag = numberFlag((n) => n > 0, "give a number > 0, e.g. 8");
const deltaFlag = numberFlag(
  (n) => n >= 0 && n < 1,
  "give a number in [0, 1), e.g. 1e-5 (0 for pure ε-DP)",
);

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const percent = (rate: number): string => `${Number((rate * 100).toPrecision(3))}%`;

function tprLine(at: TprAtFpr, nonMembers: number, minimum: number): string {
  if (!at.reachable || at.tpr === null) {
    return `TPR at ${percent(at.targetFpr)} FPR: not measurable with ${nonMembers} non-members (smallest FPR ${percent(minimum)})`;
  }
  return `TPR at ${percent(at.targetFpr)} FPR: ${percent(at.tpr)}`;
}

function attackLines(title: string, m: MembershipAttackMetrics, nonMembers: number): string[] {
  return [
    `${title}: AUC ${m.auc.toFixed(4)}, advantage ${m.advantage.toFixed(4)}`,
    ...m.tprAtFpr.map((at) => `  ${tprLine(at, nonMembers, m.minimumAchievableFpr)}`),
  ];
}

/** A built-in dataset by name, or a data file by its bytes. */
async function resolveDataset(name: string): Promise<LedgerDataset> {
  if ((BUILTIN_DATASETS as readonly string[]).includes(name)) {
    return ledgerDataset(loadBuiltin(name), name);
  }
  const info = await stat(name).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new UsageError(
      `"${name}" is neither a built-in dataset (${BUILTIN_DATASETS.join(", ")}) nor a file`,
    );
  }
  return ledgerDatasetOfFile(name);
}

function statusJson(status: DatasetBudgetStatus): unknown {
  return {
    dataset: status.dataset.name,
    fingerprint: status.dataset.fingerprint,
    composition: "basic",
    budget: status.budget,
    spent: status.spent,
    remaining: status.remaining,
    releases: status.releases,
  };
}

const num = (n: number): string => String(Number(n.toPrecision(10)));

function statusLines(status: DatasetBudgetStatus): string[] {
  const { budget, spent, remaining } = status;
  return [
    `dataset ${status.dataset.name} (fingerprint ${status.dataset.fingerprint.slice(0, 12)}…)`,
    `budget    ε = ${num(budget.epsilon)}, δ = ${num(budget.delta)}`,
    `spent     ε = ${num(spent.epsilon)}, δ = ${num(spent.delta)} over ${status.releases.length} release(s) (basic composition)`,
    `remaining ε = ${num(remaining.epsilon)}, δ = ${num(remaining.delta)}`,
    ...status.releases.map(
      (r) =>
        `  ${r.at}  ε = ${num(r.epsilon)}, δ = ${num(r.delta)}  ${r.what}${r.command === undefined ? "" : `  (${r.command})`}`,
    ),
  ];
}

/**
 * `gatehouse privacy audit` (membership inference against an ONNX model) and
 * `gatehouse privacy budget set | show | spend` (the per-dataset privacy budget ledger),
 * added to the `privacy` command.
 */
export function registerPrivacyAuditCommands(privacy: Command): void {
  privacy
    .command("audit")
    .description(
      "membership-inference audit of a model: loss-threshold and difficulty-calibrated attacks (AUC, TPR at 0.1% and 1% FPR)",
    )
    .argument("<model>", "ONNX model to audit (a classifier with probabilities or a regressor)")
    .requiredOption("--members <file>", "CSV of rows the model was trained on")
    .requiredOption("--non-members <file>", "CSV of rows it was not trained on, same columns")
    .requiredOption("--target <column>", "the label column")
    .option(
      "--reference <model>",
      "ONNX reference model trained without any audited row (repeatable); enables the calibrated attack",
      collect,
    )
    .option("--evidence <file>", "also write a privacy evidence report to FILE")
    .action(
      async (
        model: string,
        options: {
          members: string;
          nonMembers: string;
          target: string;
          reference?: string[];
          evidence?: string;
        },
        command: Command,
      ) => {
        const result = await withToolkitErrors(() =>
          auditOnnxModel({
            model,
            members: options.members,
            nonMembers: options.nonMembers,
            target: options.target,
            references: options.reference ?? [],
          }),
        );
        const evidence = membershipAuditEvidence(result);
        if (options.evidence !== undefined) {
          await writeEvidenceFile(options.evidence, evidence);
        }
        const n = result.nonMembers.rows;
        printResult(
          command,
          [
            `membership-inference audit of ${result.model.file} (${result.loss} loss)`,
            `members: ${result.members.rows} rows of ${result.membersFile.file}; non-members: ${n} rows of ${result.nonMembersFile.file}` +
              (result.overlappingRows > 0
                ? `; ${result.overlappingRows} rows are in both sets`
                : ""),
            ...attackLines("loss-threshold attack", result.lossThreshold, n),
            ...(result.calibrated.ran
              ? attackLines(
                  `calibrated attack (${result.calibrated.references} reference model(s))`,
                  result.calibrated,
                  n,
                )
              : [
                  `calibrated attack: skipped (${result.calibrated.reason}; pass --reference MODEL.onnx)`,
                ]),
          ],
          evidence,
        );
      },
    );

  const budget = privacy
    .command("budget")
    .description("privacy budget ledger: the (ε, δ) each dataset may spend on DP releases");
  const ledgerOption = ["--ledger <file>", "ledger file", DEFAULT_LEDGER] as const;

  budget
    .command("set")
    .description("set a dataset's total budget (a built-in dataset name or a data file)")
    .argument("<dataset>", `built-in dataset (${BUILTIN_DATASETS.join(", ")}) or a data file`)
    .requiredOption("--epsilon <epsilon>", "total ε, > 0", epsilonFlag)
    .requiredOption("--delta <delta>", "total δ in [0, 1)", deltaFlag)
    .option(...ledgerOption)
    .action(
      async (
        name: string,
        options: { epsilon: number; delta: number; ledger: string },
        command: Command,
      ) => {
        const dataset = await resolveDataset(name);
        const status = await withToolkitErrors(() =>
          setPrivacyBudget(options.ledger, dataset, {
            epsilon: options.epsilon,
            delta: options.delta,
          }),
        );
        printResult(command, statusLines(status), statusJson(status));
      },
    );

  budget
    .command("show")
    .description("a dataset's budget, its releases and what is left")
    .argument("<dataset>", `built-in dataset (${BUILTIN_DATASETS.join(", ")}) or a data file`)
    .option(...ledgerOption)
    .action(async (name: string, options: { ledger: string }, command: Command) => {
      const dataset = await resolveDataset(name);
      const status = await withToolkitErrors(() => privacyBudgetStatus(options.ledger, dataset));
      if (status === null) {
        throw new CliFailure(
          `no privacy budget is set for dataset ${dataset.name} in ${options.ledger}`,
          "NO_BUDGET",
          NO_BUDGET_HINT,
        );
      }
      printResult(command, statusLines(status), statusJson(status));
    });

  budget
    .command("spend")
    .description("record a DP release against a dataset's budget; refused if over budget")
    .argument("<dataset>", `built-in dataset (${BUILTIN_DATASETS.join(", ")}) or a data file`)
    .requiredOption("--epsilon <epsilon>", "ε of the release, > 0", epsilonFlag)
    .requiredOption("--delta <delta>", "δ of the release in [0, 1)", deltaFlag)
    .requiredOption("--what <text>", "what is released, e.g. 'DP mean of income'")
    .option(...ledgerOption)
    .action(
      async (
        name: string,
        options: { epsilon: number; delta: number; what: string; ledger: string },
        command: Command,
      ) => {
        const dataset = await resolveDataset(name);
        const { release, status } = await withToolkitErrors(() =>
          spendPrivacyBudget(options.ledger, dataset, {
            epsilon: options.epsilon,
            delta: options.delta,
            what: options.what,
            command: "gatehouse privacy budget spend",
          }),
        );
        printResult(command, [`recorded release ${release.id}`, ...statusLines(status)], {
          release,
          ...(statusJson(status) as object),
        });
      },
    );
}

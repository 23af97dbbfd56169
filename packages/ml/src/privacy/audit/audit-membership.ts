import { datasetFingerprint } from "../../data/index.js";
import type { TabularDataset } from "../../data/index.js";
import { calibratedScores, lossThresholdScores } from "./calibrated-scores.js";
import { exampleLosses, lossFor } from "./example-losses.js";
import type { ExampleLoss } from "./example-losses.js";
import { MembershipAuditError } from "./membership-audit-error.js";
import { membershipAttackMetrics } from "./membership-attack-metrics.js";
import type { MembershipAttackMetrics } from "./membership-attack-metrics.js";
import type { MembershipPredictor } from "./membership-predictor.js";

/** What {@link auditMembership} audits. */
export interface MembershipAuditInput {
  /** The model under audit. */
  readonly target: MembershipPredictor;
  /** Rows the model was trained on. */
  readonly members: TabularDataset;
  /** Rows from the same distribution that the model never saw. */
  readonly nonMembers: TabularDataset;
  /**
   * Models trained like the target on data from the same distribution but on none of the
   * audited rows (members or non-members). Without them the calibrated attack is skipped.
   */
  readonly references?: readonly MembershipPredictor[];
  /** Default {@link DEFAULT_FPR_TARGETS}: 0.1% and 1%. */
  readonly fprTargets?: readonly number[];
}

/** One side of the split, named by content. */
export interface AuditSetSummary {
  readonly name: string;
  readonly rows: number;
  /** `datasetFingerprint` of the rows as read. */
  readonly datasetFingerprint: string;
}

/** The calibrated attack's result, or why it did not run. */
export type CalibratedAttackResult =
  | (MembershipAttackMetrics & { readonly ran: true; readonly references: number })
  | { readonly ran: false; readonly reason: string };

/** What a membership-inference audit measured. */
export interface MembershipAuditResult {
  readonly loss: ExampleLoss;
  readonly members: AuditSetSummary;
  readonly nonMembers: AuditSetSummary;
  /** Rows (features and label) present in both sets; they blur the measurement. */
  readonly overlappingRows: number;
  /** The loss-threshold attack (Yeom et al. 2018): score −loss. */
  readonly lossThreshold: MembershipAttackMetrics;
  /** The difficulty-calibrated attack (Watson et al. 2022). */
  readonly calibrated: CalibratedAttackResult;
}

const listed = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");

function checkSameSchema(members: TabularDataset, nonMembers: TabularDataset): void {
  const a = members.featureNames;
  const b = nonMembers.featureNames;
  const onlyA = a.filter((c) => !b.includes(c));
  const onlyB = b.filter((c) => !a.includes(c));
  if (onlyA.length > 0 || onlyB.length > 0) {
    const parts = [
      onlyA.length > 0 ? `only in the members: ${listed(onlyA)}` : "",
      onlyB.length > 0 ? `only in the non-members: ${listed(onlyB)}` : "",
    ].filter((p) => p !== "");
    throw new MembershipAuditError(
      `members (${members.name}) and non-members (${nonMembers.name}) have different feature columns: ${parts.join("; ")}`,
    );
  }
  if (a.some((c, i) => b[i] !== c)) {
    throw new MembershipAuditError(
      `members (${members.name}) and non-members (${nonMembers.name}) have the same feature columns in a different order: ${listed(a)} against ${listed(b)}`,
    );
  }
  if (members.targetName !== nonMembers.targetName || members.task !== nonMembers.task) {
    throw new MembershipAuditError(
      `members have the ${members.task} target "${members.targetName}" but non-members the ${nonMembers.task} target "${nonMembers.targetName}"`,
    );
  }
}

function checkFits(predictor: MembershipPredictor, data: TabularDataset): void {
  const name = predictor.name ?? "model";
  const columns = data.featureNames;
  const expected = predictor.featureNames;
  if (expected !== undefined && expected.some((c, i) => columns[i] !== c)) {
    const missing = expected.filter((c) => !columns.includes(c));
    const extra = columns.filter((c) => !expected.includes(c));
    throw new MembershipAuditError(
      `${name} reads the features ${listed(expected)} but ${data.name} has ${listed(columns)}` +
        (missing.length > 0 ? `; missing: ${listed(missing)}` : "") +
        (extra.length > 0 ? `; not read by the model: ${listed(extra)}` : ""),
    );
  }
  if (predictor.featureCount !== undefined && predictor.featureCount !== columns.length) {
    throw new MembershipAuditError(
      `${name} expects ${predictor.featureCount} features per row but ${data.name} has ${columns.length} (${listed(columns)})`,
    );
  }
}

function countOverlap(a: TabularDataset, b: TabularDataset): number {
  const width = a.featureNames.length;
  const key = (data: TabularDataset, i: number): string =>
    `${Buffer.from(data.x.buffer, data.x.byteOffset + i * width * 8, width * 8).toString("base64")}|${data.task === "classification" ? data.classes[data.y[i] ?? 0] : data.y[i]}`;
  const seen = new Set<string>();
  for (let i = 0; i < b.y.length; i++) {
    seen.add(key(b, i));
  }
  let overlap = 0;
  for (let i = 0; i < a.y.length; i++) {
    if (seen.has(key(a, i))) {
      overlap++;
    }
  }
  return overlap;
}

function summary(data: TabularDataset): AuditSetSummary {
  return { name: data.name, rows: data.y.length, datasetFingerprint: datasetFingerprint(data) };
}

/**
 * Measures how much a trained model reveals about which rows it was trained on, with
 * two membership-inference attacks that only see the model's outputs:
 *
 * - loss threshold (Yeom et al. 2018, "Privacy risk in machine learning"): members tend
 *   to have a lower loss, so the score is −loss;
 * - difficulty calibration (Watson et al. 2022): the target's loss minus the mean loss of
 *   reference models that never saw the row, so that rows hard for every model are not
 *   mistaken for non-members (and easy ones for members).
 *
 * Each is reported as ROC AUC, TPR at low FPR and membership advantage. An AUC near 0.5
 * means the attack cannot tell members from non-members.
 *
 * @example
 * const result = await auditMembership({ target: model, members: train, nonMembers: test });
 * result.lossThreshold.auc;
 */
export async function auditMembership(input: MembershipAuditInput): Promise<MembershipAuditResult> {
  const { target, members, nonMembers } = input;
  const references = input.references ?? [];
  if (members.y.length === 0) {
    throw new MembershipAuditError(`the members set (${members.name}) has no rows`);
  }
  if (nonMembers.y.length === 0) {
    throw new MembershipAuditError(`the non-members set (${nonMembers.name}) has no rows`);
  }
  checkSameSchema(members, nonMembers);
  for (const model of [target, ...references]) {
    checkFits(model, members);
  }
  const memberLosses = await exampleLosses(target, members);
  const nonMemberLosses = await exampleLosses(target, nonMembers);
  const lossThreshold = membershipAttackMetrics(
    lossThresholdScores(memberLosses),
    lossThresholdScores(nonMemberLosses),
    input.fprTargets,
  );
  let calibrated: CalibratedAttackResult;
  if (references.length === 0) {
    calibrated = {
      ran: false,
      reason: "no reference models were given; the calibrated attack needs at least one",
    };
  } else {
    const memberReferenceLosses: Float64Array[] = [];
    const nonMemberReferenceLosses: Float64Array[] = [];
    for (const reference of references) {
      memberReferenceLosses.push(await exampleLosses(reference, members));
      nonMemberReferenceLosses.push(await exampleLosses(reference, nonMembers));
    }
    calibrated = {
      ran: true,
      references: references.length,
      ...membershipAttackMetrics(
        calibratedScores(memberLosses, memberReferenceLosses),
        calibratedScores(nonMemberLosses, nonMemberReferenceLosses),
        input.fprTargets,
      ),
    };
  }
  return {
    loss: lossFor(target.task),
    members: summary(members),
    nonMembers: summary(nonMembers),
    overlappingRows: countOverlap(members, nonMembers),
    lossThreshold,
    calibrated,
  };
}

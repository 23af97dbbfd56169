import { openOnnxModel } from "../../onnx/index.js";
import type { OnnxModel } from "../../onnx/index.js";
import { auditMembership } from "./audit-membership.js";
import type { MembershipAuditResult } from "./audit-membership.js";
import { onnxPredictor } from "./membership-predictor.js";
import { fileFingerprint, readAuditSplit } from "./read-audit-split.js";
import type { FileFingerprint } from "./read-audit-split.js";

/** Files of an audit of an ONNX model. */
export interface OnnxMembershipAuditOptions {
  /** The ONNX model under audit. */
  readonly model: string;
  /** CSV of rows the model was trained on. */
  readonly members: string;
  /** CSV of rows it was not trained on, same columns. */
  readonly nonMembers: string;
  /** The label column. */
  readonly target: string;
  /** ONNX reference models trained without any of the audited rows, for the calibrated attack. */
  readonly references?: readonly string[];
  readonly fprTargets?: readonly number[];
}

/** An audit's result with the files it used, named by content. */
export interface OnnxMembershipAuditResult extends MembershipAuditResult {
  readonly model: FileFingerprint;
  readonly referenceModels: readonly FileFingerprint[];
  readonly membersFile: FileFingerprint;
  readonly nonMembersFile: FileFingerprint;
  readonly targetColumn: string;
}

/**
 * {@link auditMembership} over files: an ONNX model (as written by `exportOnnx`), the
 * members and non-members CSV files and optional ONNX reference models.
 *
 * @example
 * const result = await auditOnnxModel({
 *   model: "model.onnx", members: "train.csv", nonMembers: "holdout.csv", target: "species",
 * });
 */
export async function auditOnnxModel(
  options: OnnxMembershipAuditOptions,
): Promise<OnnxMembershipAuditResult> {
  const opened: OnnxModel[] = [];
  try {
    const model = await openOnnxModel(options.model);
    opened.push(model);
    const target = onnxPredictor(model);
    const references = [];
    for (const file of options.references ?? []) {
      const reference = await openOnnxModel(file);
      opened.push(reference);
      references.push(onnxPredictor(reference));
    }
    const split = await readAuditSplit({
      members: options.members,
      nonMembers: options.nonMembers,
      target: options.target,
      task: target.task,
      features: target.featureNames,
    });
    const result = await auditMembership({
      target,
      references,
      members: split.members,
      nonMembers: split.nonMembers,
      ...(options.fprTargets === undefined ? {} : { fprTargets: options.fprTargets }),
    });
    const referenceModels: FileFingerprint[] = [];
    for (const file of options.references ?? []) {
      referenceModels.push(await fileFingerprint(file));
    }
    return {
      ...result,
      model: await fileFingerprint(options.model),
      referenceModels,
      membersFile: split.membersFile,
      nonMembersFile: split.nonMembersFile,
      targetColumn: options.target,
    };
  } finally {
    for (const model of opened) {
      await model.close();
    }
  }
}

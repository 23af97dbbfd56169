import { evidenceHeader } from "../../evidence/index.js";
import type { EvidenceHeader } from "../../evidence/index.js";
import type { AuditSetSummary, CalibratedAttackResult } from "./audit-membership.js";
import type { OnnxMembershipAuditResult } from "./audit-onnx-model.js";
import type { ExampleLoss } from "./example-losses.js";
import type { MembershipAttackMetrics } from "./membership-attack-metrics.js";
import type { FileFingerprint } from "./read-audit-split.js";

/** One side of the split in an evidence report: the file and the rows read from it. */
export type AuditSetEvidence = FileFingerprint & AuditSetSummary;

/** A membership-inference audit as a `privacy` evidence report (docs/evidence.md). */
export interface MembershipAuditEvidence extends EvidenceHeader<"privacy"> {
  readonly command: "privacy audit";
  readonly model: FileFingerprint;
  readonly referenceModels: readonly FileFingerprint[];
  readonly targetColumn: string;
  readonly loss: ExampleLoss;
  readonly split: {
    readonly members: AuditSetEvidence;
    readonly nonMembers: AuditSetEvidence;
    readonly overlappingRows: number;
  };
  readonly lossThreshold: MembershipAttackMetrics;
  readonly calibrated: CalibratedAttackResult;
}

/** The evidence report of an audit, dated `now`; write it with `writeEvidenceFile`. */
export function membershipAuditEvidence(
  result: OnnxMembershipAuditResult,
  now = new Date(),
): MembershipAuditEvidence {
  return {
    ...evidenceHeader("privacy", now),
    command: "privacy audit",
    model: result.model,
    referenceModels: result.referenceModels,
    targetColumn: result.targetColumn,
    loss: result.loss,
    split: {
      members: { ...result.membersFile, ...result.members },
      nonMembers: { ...result.nonMembersFile, ...result.nonMembers },
      overlappingRows: result.overlappingRows,
    },
    lossThreshold: result.lossThreshold,
    calibrated: result.calibrated,
  };
}

import { evidenceEnvelope } from "../../evidence/index.js";
import type { EvidenceEnvelope } from "../../evidence/index.js";
import type { AuditSetSummary, CalibratedAttackResult } from "./audit-membership.js";
import type { OnnxMembershipAuditResult } from "./audit-onnx-model.js";
import type { ExampleLoss } from "./example-losses.js";
import type { MembershipAttackMetrics } from "./membership-attack-metrics.js";
import type { FileFingerprint } from "./read-audit-split.js";

/** One side of the split in an evidence report: the file and the rows read from it. */
export type AuditSetEvidence = FileFingerprint & AuditSetSummary;

/** A membership-inference audit as a `privacy` evidence report (docs/evidence.md). */
export interface MembershipAuditEvidence extends EvidenceEnvelope<"privacy"> {
  readonly assessment: "membership-inference";
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
    ...evidenceEnvelope("privacy", {
      subject: { sha256: result.model.sha256, path: result.model.file },
      summary: auditSummary(result),
      passed: null,
      now,
    }),
    assessment: "membership-inference",
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

/** One sentence with each attack's AUC and advantage. */
function auditSummary(result: OnnxMembershipAuditResult): string {
  const attack = (name: string, m: MembershipAttackMetrics) =>
    `${name} AUC ${m.auc.toFixed(3)}, advantage ${m.advantage.toFixed(3)}`;
  const attacks = [attack("loss-threshold attack", result.lossThreshold)];
  if (result.calibrated.ran) {
    attacks.push(attack("calibrated attack", result.calibrated));
  }
  return `Membership inference against ${result.model.file}: ${attacks.join("; ")} (0.5 AUC means no leak).`;
}

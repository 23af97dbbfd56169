import { rocAucScore, rocCurve } from "../../metrics/index.js";
import { MembershipAuditError } from "./membership-audit-error.js";

/** The false-positive rates at which the audit reports the attack's true-positive rate. */
export const DEFAULT_FPR_TARGETS: readonly number[] = [0.001, 0.01];

/** The attack's true-positive rate at one false-positive-rate target. */
export interface TprAtFpr {
  readonly targetFpr: number;
  /**
   * False when the target is below 1/n for n non-members: no count of false positives
   * among them measures so small a rate (zero false positives only says the rate is
   * probably below a few times 1/n), so `tpr` is null rather than a made-up figure.
   */
  readonly reachable: boolean;
  /** Highest TPR over the thresholds whose FPR is at most `targetFpr`; null when unreachable. */
  readonly tpr: number | null;
  /** The FPR of that threshold (≤ `targetFpr`); null when unreachable. */
  readonly fpr: number | null;
}

/** How well a score separates members from non-members. */
export interface MembershipAttackMetrics {
  /** Area under the ROC curve, members as the positive class (scikit-learn's `roc_auc_score`). */
  readonly auc: number;
  /** Membership advantage (Yeom et al. 2018): the largest TPR − FPR over all thresholds. */
  readonly advantage: number;
  readonly tprAtFpr: readonly TprAtFpr[];
  /** 1 / (number of non-members): the smallest non-zero FPR the non-members can measure. */
  readonly minimumAchievableFpr: number;
}

function checkScores(scores: ArrayLike<number>, what: string): void {
  if (scores.length === 0) {
    throw new MembershipAuditError(`the ${what} set is empty; the audit needs rows in both sets`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new MembershipAuditError(`the score of ${what} row ${i + 1} is NaN`);
    }
  }
}

/**
 * Scores a membership attack: a higher score means "more likely a member". The ROC curve
 * is scikit-learn's `roc_curve` over members (positive) and non-members, with every
 * threshold kept (`drop_intermediate=False`).
 *
 * TPR at a target FPR is read off the curve without interpolation: the highest TPR among
 * thresholds whose FPR does not exceed the target. That is a rate some threshold really
 * achieves; interpolating between two thresholds would describe a randomised attack and
 * could report a TPR at an FPR that no single threshold attains. The best threshold may
 * have an FPR of 0 (no non-member above it); that counts as within a target only when the
 * target is at least 1/n for n non-members.
 *
 * @example
 * const m = membershipAttackMetrics(memberScores, nonMemberScores);
 * m.auc; // 0.5 for an attack that cannot tell the sets apart
 */
export function membershipAttackMetrics(
  memberScores: ArrayLike<number>,
  nonMemberScores: ArrayLike<number>,
  fprTargets: readonly number[] = DEFAULT_FPR_TARGETS,
): MembershipAttackMetrics {
  checkScores(memberScores, "members");
  checkScores(nonMemberScores, "non-members");
  for (const target of fprTargets) {
    if (!(target > 0 && target < 1)) {
      throw new MembershipAuditError(`FPR target ${target} is not in (0, 1)`);
    }
  }
  const yTrue = [
    ...Array.from({ length: memberScores.length }, () => 1),
    ...Array.from({ length: nonMemberScores.length }, () => 0),
  ];
  const scores = [...Array.from(memberScores), ...Array.from(nonMemberScores)];
  const auc = rocAucScore(yTrue, scores);
  if (typeof auc !== "number") {
    throw new MembershipAuditError("the ROC AUC of a two-class target is one number");
  }
  const { fpr, tpr } = rocCurve(yTrue, scores, { dropIntermediate: false });
  let advantage = 0;
  fpr.forEach((f, i) => {
    advantage = Math.max(advantage, (tpr[i] ?? 0) - f);
  });
  const minimumAchievableFpr = 1 / nonMemberScores.length;
  const tprAtFpr = fprTargets.map((targetFpr): TprAtFpr => {
    if (targetFpr < minimumAchievableFpr) {
      return { targetFpr, reachable: false, tpr: null, fpr: null };
    }
    let best = -1;
    let bestFpr = 0;
    fpr.forEach((f, i) => {
      const t = tpr[i] ?? 0;
      if (f <= targetFpr && t > best) {
        best = t;
        bestFpr = f;
      }
    });
    return { targetFpr, reachable: true, tpr: best, fpr: bestFpr };
  });
  return { auc, advantage, tprAtFpr, minimumAchievableFpr };
}

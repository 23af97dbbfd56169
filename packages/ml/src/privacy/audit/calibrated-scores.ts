import { MembershipAuditError } from "./membership-audit-error.js";

/**
 * Difficulty-calibrated membership scores (Watson et al. 2022, "On the importance of
 * difficulty calibration in membership inference attacks", Section 3):
 * `score(x) = −(loss_target(x) − mean_r loss_r(x))`, the mean over reference models
 * trained without `x`. An example that is hard for every model gets a high loss from
 * all of them and a score near 0; only a loss lower than the references' counts as a
 * sign of membership.
 */
export function calibratedScores(
  targetLosses: ArrayLike<number>,
  referenceLosses: readonly ArrayLike<number>[],
): Float64Array {
  if (referenceLosses.length === 0) {
    throw new MembershipAuditError("difficulty calibration needs at least one reference model");
  }
  const scores = new Float64Array(targetLosses.length);
  referenceLosses.forEach((losses, r) => {
    if (losses.length !== targetLosses.length) {
      throw new MembershipAuditError(
        `reference model ${r + 1} has ${losses.length} losses for ${targetLosses.length} rows`,
      );
    }
  });
  for (let i = 0; i < targetLosses.length; i++) {
    let sum = 0;
    for (const losses of referenceLosses) {
      sum += losses[i] ?? 0;
    }
    scores[i] = -((targetLosses[i] ?? 0) - sum / referenceLosses.length);
  }
  return scores;
}

/** Loss-threshold membership scores (Yeom et al. 2018): `−loss`, members expected higher. */
export function lossThresholdScores(losses: ArrayLike<number>): Float64Array {
  return Float64Array.from(losses, (l) => -l);
}

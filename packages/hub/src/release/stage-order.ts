import { STAGES, type Stage } from "./policy-input.js";

/**
 * The rung of a stage on the release ladder: 0 for `private` up to 5 for
 * `open`, or null for `withdrawn`, which is off the ladder.
 *
 * @example stageRank("staged") // 2
 */
export function stageRank(stage: Stage): number | null {
  const rank = STAGES.findIndex((s) => s === stage);
  return rank === -1 ? null : rank;
}

/**
 * Whether moving from `from` to `to` widens who may see, download or call a
 * version: a climb of the ladder, or a return from `withdrawn` to any stage.
 * Moves down, withdrawals and staying put are not upward; the hub lets
 * restrictions through without policy.
 *
 * @example isUpward("internal", "open") // true
 * @example isUpward("open", "withdrawn") // false
 */
export function isUpward(from: Stage, to: Stage): boolean {
  const a = stageRank(from);
  const b = stageRank(to);
  if (b === null) {
    return false;
  }
  // A withdrawn version is visible to nobody, so bringing it back to any stage widens access.
  return a === null || b > a;
}

/** The release ladder, lowest first: who may see, download and call a version grows as it climbs. */
export const STAGES = ["private", "internal", "staged", "api", "gated", "open"] as const;
export type LadderStage = (typeof STAGES)[number];

/** A version's stage: a rung of the ladder, or `withdrawn`, off it. */
export type Stage = LadderStage | "withdrawn";

export const ALL_STAGES: readonly Stage[] = [...STAGES, "withdrawn"];

/** Whether `value` names a stage; for input checks. */
export function isStage(value: string): value is Stage {
  return (ALL_STAGES as readonly string[]).includes(value);
}

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

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

/** A rung's height on the ladder; `withdrawn` is below them all. */
export function stageRank(stage: Stage): number {
  return stage === "withdrawn" ? -1 : STAGES.indexOf(stage);
}

/**
 * Whether moving `from` → `to` widens who may reach the version, which policy
 * governs; restricting (down the ladder, or withdrawing) is always allowed.
 */
export function isUpward(from: Stage, to: Stage): boolean {
  return stageRank(to) > stageRank(from);
}

import type { Evidence, EvidenceKind } from "./evidence-kinds.js";

/**
 * How old a report of each kind may grow before it must be made again, in days;
 * kinds not listed have no age limit. A capability report expires after 183 days
 * (six months): Anthropic's RSP §3.1 asks for a new assessment once six months of
 * elicitation progress have accrued, since methods improve even when the model
 * does not change.
 */
export const DEFAULT_MAX_AGE_DAYS: Readonly<Partial<Record<EvidenceKind, number>>> = {
  "capability-report": 183,
};

/**
 * A report is stale once the model's training compute reaches this multiple of
 * the compute recorded in it: Anthropic's RSP §3.1 counts a model 4× the
 * effective compute of the last one assessed as "notably more capable".
 */
export const COMPUTE_STALENESS_FACTOR = 4;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What {@link evidenceStaleness} needs besides the report. */
export interface StalenessContext {
  /** The time to judge at. */
  readonly now: Date;
  /** The training compute (FLOPs) the model declares now; null when it declares none. */
  readonly trainingComputeFlops: number | null;
  /**
   * Age limits in days per kind, over {@link DEFAULT_MAX_AGE_DAYS}; `null` removes
   * a kind's limit.
   */
  readonly maxAgeDays?: Readonly<Partial<Record<EvidenceKind, number | null>>>;
}

/** Whether a report is stale, and why, in sentences a user reads. */
export interface Staleness {
  readonly stale: boolean;
  readonly reasons: readonly string[];
}

/**
 * Whether a report no longer vouches for the model: past its `validUntil`, made
 * for a model with under a quarter of the training compute declared now, or
 * older than its kind's age limit. Every reason that holds is listed.
 *
 * @example
 * evidenceStaleness(report, { now: new Date(), trainingComputeFlops: 4e24 })
 * // { stale: true, reasons: ["The model's declared training compute (4e+24 FLOPs) is 4× …"] }
 */
export function evidenceStaleness(evidence: Evidence, context: StalenessContext): Staleness {
  const reasons: string[] = [];
  const now = context.now.getTime();
  if (evidence.validUntil !== undefined) {
    const until = Date.parse(evidence.validUntil);
    if (now > until) {
      reasons.push(`The report was valid until ${evidence.validUntil} and that time has passed.`);
    }
  }
  const recorded = evidence.trainingComputeFlops;
  const declared = context.trainingComputeFlops;
  if (recorded !== undefined && recorded > 0 && declared !== null) {
    const ratio = declared / recorded;
    if (ratio >= COMPUTE_STALENESS_FACTOR) {
      reasons.push(
        `The model's declared training compute (${declared} FLOPs) is ${formatRatio(ratio)}× the ${recorded} FLOPs the report was made for; at ${COMPUTE_STALENESS_FACTOR}× or more the model counts as notably more capable and must be assessed again.`,
      );
    }
  }
  const limits = { ...DEFAULT_MAX_AGE_DAYS, ...context.maxAgeDays };
  const maxAge = limits[evidence.kind];
  if (maxAge !== undefined && maxAge !== null) {
    const ageDays = (now - Date.parse(evidence.createdAt)) / DAY_MS;
    if (ageDays > maxAge) {
      reasons.push(
        `The report was made on ${evidence.createdAt}, ${Math.floor(ageDays)} days ago; a ${evidence.kind} report must be renewed every ${maxAge} days.`,
      );
    }
  }
  return { stale: reasons.length > 0, reasons };
}

function formatRatio(ratio: number): string {
  return Number.isInteger(ratio) ? String(ratio) : ratio.toFixed(2);
}

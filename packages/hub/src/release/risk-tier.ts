import { RISK_TIERS, type RiskTier } from "./policy-input.js";

/**
 * Training compute from which a general-purpose model is presumed to have
 * systemic risk: 10^25 floating-point operations (EU AI Act, Art 51(2)).
 */
export const SYSTEMIC_COMPUTE_FLOPS = 1e25;

/** The tier of a version whose card declares none and that no one has reviewed. */
export const DEFAULT_RISK_TIER: RiskTier = "minimal";

/** 0 for `minimal` up to 3 for `systemic`. */
export function riskTierRank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier);
}

/** The facts a version's risk tier is computed from. */
export interface RiskTierFacts {
  /** The card's `risk_tier`, or null when it declares none. */
  readonly declared: RiskTier | null;
  /** The tier a reviewer set, or null when no one has. */
  readonly reviewed: RiskTier | null;
  /** The card's `training_compute_flops`, parsed, or null when absent. */
  readonly trainingComputeFlops: number | null;
}

/**
 * The tier in force for a version: the highest of the declared tier, the
 * reviewed tier and the tier its training compute implies (`systemic` from
 * 10^25 FLOPs). A reviewer can raise a publisher's tier but not lower it.
 * With nothing declared, reviewed or implied the tier is `minimal`.
 *
 * @example effectiveRiskTier({ declared: "limited", reviewed: null, trainingComputeFlops: 3e25 }) // "systemic"
 */
export function effectiveRiskTier(facts: RiskTierFacts): RiskTier {
  const candidates: RiskTier[] = [DEFAULT_RISK_TIER];
  if (facts.declared !== null) {
    candidates.push(facts.declared);
  }
  if (facts.reviewed !== null) {
    candidates.push(facts.reviewed);
  }
  if (facts.trainingComputeFlops !== null && facts.trainingComputeFlops >= SYSTEMIC_COMPUTE_FLOPS) {
    candidates.push("systemic");
  }
  return candidates.reduce((a, b) => (riskTierRank(b) > riskTierRank(a) ? b : a));
}

/** The outcome of reading `training_compute_flops`: a number, or why the value is not one. */
export type ParsedFlops =
  | { readonly ok: true; readonly flops: number | null }
  | { readonly ok: false; readonly message: string };

const DECIMAL = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a card's `training_compute_flops`: a YAML number (`3.8e25`) or a
 * string holding one (`"3.8e25"`, `"3.8E+25"`, `"1_000"` is refused). Absent
 * (undefined or null) is `{ ok: true, flops: null }`. Negative, non-finite or
 * non-numeric values are refused with a message naming the field.
 *
 * @example parseTrainingComputeFlops("3.8e25") // { ok: true, flops: 3.8e25 }
 */
export function parseTrainingComputeFlops(value: unknown): ParsedFlops {
  const field = "training_compute_flops";
  if (value === undefined || value === null) {
    return { ok: true, flops: null };
  }
  let flops: number;
  if (typeof value === "number") {
    flops = value;
  } else if (typeof value === "string") {
    const text = value.trim();
    if (!DECIMAL.test(text)) {
      return {
        ok: false,
        message: `${field} must be a number of floating-point operations such as 3.8e25, not ${JSON.stringify(value)}`,
      };
    }
    flops = Number(text);
  } else {
    return {
      ok: false,
      message: `${field} must be a number of floating-point operations such as 3.8e25, not a ${Array.isArray(value) ? "list" : typeof value}`,
    };
  }
  if (!Number.isFinite(flops)) {
    return { ok: false, message: `${field} must be a finite number, not ${String(value)}` };
  }
  if (flops < 0) {
    return { ok: false, message: `${field} cannot be negative (${String(value)})` };
  }
  return { ok: true, flops };
}

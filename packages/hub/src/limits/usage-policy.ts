import type { LimitSpec } from "./limit-spec.js";

/**
 * What a tier's `qualify` expression reads about an account. Usage counts the
 * account's hosted-inference calls over the last 7 and 30 UTC days, today
 * included: a user's own calls, or an organisation's members' calls together.
 */
export interface TierFacts {
  readonly account: {
    readonly kind: "user" | "org";
    readonly name: string;
    /** Whole days since the account was created. */
    readonly age_days: number;
  };
  readonly usage: {
    readonly calls_7d: number;
    readonly calls_30d: number;
    readonly errors_30d: number;
    /** errors_30d / calls_30d, 0 without calls. */
    readonly error_rate_30d: number;
  };
}

/**
 * One usage tier as a policy file defines it. Tiers are ordered from the
 * lowest to the highest; an account holds the highest whose `qualify` holds,
 * or the one an administrator approved it for.
 */
export interface Tier {
  readonly name: string;
  /** Its place in the order, 0 for the lowest. */
  readonly rank: number;
  /** The CEL text, shown to administrators; null: reached by approval only. */
  readonly qualify: string | null;
  /** Whether `facts` qualify; throws with the CEL error when the expression cannot be evaluated. */
  readonly qualifies: ((facts: TierFacts) => boolean) | null;
  /** The limits the tier's holders' calls count in, replacing a lower tier's. */
  readonly limits: LimitSpec | null;
  /** The tier's share of a saturated model against other accounts' (fair-order.ts). */
  readonly weight: number;
  /** `file:line` where the tier is defined. */
  readonly source: string;
}

/** Limits a policy file sets, beside those administrators set; names as written. */
export interface PolicyLimits {
  readonly default: FileLimits | null;
  readonly users: ReadonlyMap<string, FileLimits>;
  readonly orgs: ReadonlyMap<string, FileLimits>;
  /** Keyed by `namespace/name@version`. */
  readonly versions: ReadonlyMap<string, FileLimits>;
}

/** A spec and the file that set it. */
export interface FileLimits {
  readonly spec: LimitSpec;
  readonly file: string;
}

export const NO_POLICY_LIMITS: PolicyLimits = {
  default: null,
  users: new Map(),
  orgs: new Map(),
  versions: new Map(),
};

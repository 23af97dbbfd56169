/** The shapes of the hub's release answers the UI reads; each names the route it comes from. */

/** One rule of a policy decision (docs/policy.md, Decisions). */
export interface RuleResult {
  readonly id: string;
  readonly description: string;
  readonly applies: boolean;
  readonly passed: boolean;
  readonly message: string | null;
  readonly expression: string;
  readonly awaits: "signoffs" | "time" | null;
  readonly overridden: boolean;
  /** When it failed, the card-lint or lineage findings behind it. */
  readonly findings: readonly Finding[];
}

/** One finding of a check a rule reads (card lint, lineage). */
export interface Finding {
  readonly rule: string;
  readonly message: string;
}

export interface PolicyDecision {
  readonly outcome: "allow" | "pending" | "refuse";
  readonly results: readonly RuleResult[];
  readonly policyHash: string;
}

/** GET …/versions/:v/policy-check?to= */
export interface PolicyCheck {
  readonly from: string;
  readonly to: string;
  readonly upward: boolean;
  readonly decision: PolicyDecision;
}

/** A stage change: POST …/transitions, GET …/transitions (one entry). */
export interface Transition {
  readonly id: string;
  readonly model: string;
  readonly version: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly requestedBy: string | null;
  readonly requestedAt: string;
  readonly at: string | null;
  readonly override: boolean;
  readonly status: "pending" | "done" | "refused" | "rejected" | "cancelled";
  readonly decidedAt: string | null;
  readonly policyHash: string | null;
  readonly failed: readonly RuleResult[];
}

export interface Signoff {
  readonly user: string | null;
  readonly verdict: "approve" | "reject";
  readonly comment: string;
  readonly roles: readonly string[];
  readonly at: string;
}

/** GET …/versions/:v/transitions/pending, and each entry of GET /api/inbox/signoffs. */
export interface PendingChange {
  readonly model: string;
  readonly version: string;
  readonly stage: string;
  readonly transition: Transition;
  readonly decision: PolicyDecision;
  readonly signoffs: readonly Signoff[];
  readonly approvals: { readonly needed: number | null; readonly from: readonly string[] };
}

/** GET …/versions/:v/evidence (one entry). */
export interface Evidence {
  readonly id: string;
  readonly kind: string;
  readonly provenance: "publisher-attested" | "hub-verified";
  readonly subject: { readonly sha256: string; readonly path: string | null };
  readonly summary: string;
  readonly passed: boolean | null;
  readonly createdAt: string;
  readonly addedAt: string;
  readonly addedBy: string | null;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
}

/** The failed rules a 422 POLICY_DENIED carries in `details.failed`. */
export interface RefusedRule {
  readonly id: string;
  readonly message: string | null;
  readonly expression: string;
  readonly findings: readonly Finding[];
}

/** A version as GET …/versions lists it: published, draft, or a withdrawn one's tombstone. */
export interface VersionRow {
  readonly name: string;
  readonly state: "draft" | "published";
  readonly stage: string | null;
  readonly publishedAt?: string | null;
  readonly withdrawnAt?: string | null;
  readonly reason?: string | null;
}

/** The stages a version can be asked to move to, in ladder order. */
export const LADDER = ["private", "internal", "staged", "api", "gated", "open"] as const;

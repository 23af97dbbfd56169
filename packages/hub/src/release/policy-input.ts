/**
 * What a release policy reads: the facts about one requested transition,
 * gathered by the hub and handed to the CEL rules as variables of these names.
 * Times are ISO-8601 strings in UTC; durations are numbers of days.
 */

import type { Stage } from "../stages/index.js";

export { STAGES, type LadderStage, type Stage } from "../stages/index.js";

import type { RISK_TIERS } from "../registry/index.js";

export { RISK_TIERS } from "../registry/index.js";
export type RiskTier = (typeof RISK_TIERS)[number];

/** What a licence allows and demands, as the catalogue records it. */
export interface LicenceFacts {
  /** The card's value: an SPDX identifier or expression, or a catalogue key such as `llama3` or `other`. */
  readonly id: string;
  readonly name: string;
  /** `spdx`: an SPDX identifier or expression; `model`: a model licence of the catalogue; `other`: named by `license_name`/`license_link`. */
  readonly family: "spdx" | "model" | "other";
  readonly commercialUse: boolean;
  readonly derivatives: boolean;
  readonly attribution: boolean;
  readonly copyleft: boolean;
  /** Identifiers of the uses the licence forbids (its acceptable-use list); empty for none. */
  readonly useRestrictions: readonly string[];
  /** Whether derived works must carry the use restrictions on (OpenRAIL ¶4a, Gemma §3.1). */
  readonly restrictionsFlowDown: boolean;
  /** Whether redistribution must ship a NOTICE file. */
  readonly noticeRequired: boolean;
  /** The text that NOTICE file must carry (Llama 3 §1.b.iii, Gemma §3.1), or null. */
  readonly noticeText: string | null;
  /** A prefix derived models' names must start with (Llama 3 §1.b.i), or null. */
  readonly namePrefix: string | null;
  /** Text a derived release must display ("Built with Llama"), or null. */
  readonly attributionText: string | null;
  /** sha256 of the licence text the catalogue holds, or null when it holds none. */
  readonly textSha256: string | null;
}

/** One finding of a check (card lint, lineage): what rule, what is wrong, where. */
export interface Finding {
  readonly rule: string;
  readonly message: string;
  /** 1-based line in README.md, when the finding is about one. */
  readonly line: number | null;
}

export interface PolicyInput {
  readonly now: string;
  readonly model: {
    readonly name: string;
    readonly namespace: string;
    readonly namespaceKind: "user" | "org";
  };
  readonly version: {
    readonly name: string;
    /** The name of the user who published it; never counts as a reviewer. */
    readonly author: string;
    readonly stage: Stage;
    readonly stageSince: string;
    readonly daysInStage: number;
    /** The tier in force: the highest of the declared, reviewed and compute-implied tiers. */
    readonly riskTier: RiskTier;
    readonly declaredRiskTier: RiskTier | null;
    readonly reviewedRiskTier: RiskTier | null;
    readonly trainingComputeFlops: number | null;
    readonly files: readonly string[];
    readonly publishedAt: string;
  };
  /** The card's YAML front matter as parsed. */
  readonly card: Readonly<Record<string, unknown>>;
  readonly cardLint: { readonly clean: boolean; readonly findings: readonly Finding[] };
  /** The card's licence, or null when the card declares none. */
  readonly licence: LicenceFacts | null;
  readonly lineage: {
    readonly bases: readonly {
      readonly model: string;
      readonly version: string;
      readonly relation: string;
      readonly licence: string | null;
    }[];
    readonly clean: boolean;
    readonly findings: readonly Finding[];
  };
  readonly evidence: readonly {
    readonly kind: string;
    readonly provenance: "publisher-attested" | "hub-verified";
    readonly passed: boolean | null;
    readonly stale: boolean;
    readonly createdAt: string;
    /** The whole report (docs/evidence.md), for rules on its own fields: `e.report.epsilon <= 8.0`. */
    readonly report: Readonly<Record<string, unknown>>;
  }[];
  /** Approvals and rejections of this transition; the author's are never here. */
  readonly signoffs: readonly {
    readonly user: string;
    /** The reviewer's org role and any sign-off roles the org gave them (`ceo`, …). */
    readonly roles: readonly string[];
    readonly verdict: "approve" | "reject";
    readonly at: string;
  }[];
  readonly transition: {
    readonly from: Stage;
    readonly to: Stage;
    readonly reason: string;
    readonly at: string | null;
    /** Set only when an admin asks to override a rule that allows it; itself audited. */
    readonly override: boolean;
    readonly requestedBy: string;
  };
  /** The model's other published versions. */
  readonly history: readonly {
    readonly name: string;
    readonly stage: Stage;
    readonly stageSince: string;
    readonly daysInStage: number;
    readonly publishedAt: string;
  }[];
}

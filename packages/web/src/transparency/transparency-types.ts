/** GET /api/models/:namespace/:name/transparency[?version=]: the report, or a withdrawn version's tombstone. */

export type Audience =
  | "everyone"
  | "signed-in"
  | "nobody"
  | "members"
  | "insiders"
  | "maintainers"
  | "testers"
  | "grantees";

/** One evaluation report among the strengths. */
export interface Evaluation {
  readonly id: string;
  readonly summary: string;
  readonly dataset: string | null;
  readonly split: string | null;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly provenance: "hub-verified" | "publisher-attested";
  readonly createdAt: string;
  readonly stale: boolean;
}

export interface TransparencyReport {
  readonly model: string;
  readonly version: string;
  readonly stage: string;
  readonly public: boolean;
  readonly riskTier: string;
  readonly strengths: {
    readonly evaluations: readonly Evaluation[];
    readonly modelIndex: unknown;
  };
  readonly risks: {
    readonly limitations: readonly string[];
    readonly prohibitedUses: readonly string[];
    readonly intendedUses: readonly string[];
    readonly findings: readonly { readonly kind: string; readonly finding: unknown }[];
  };
  readonly restrictions: {
    readonly licence:
      | {
          readonly id: string;
          readonly name: string;
          readonly commercialUse: boolean;
          readonly useRestrictions: readonly string[];
          readonly noticeRequired: boolean;
        }
      | { readonly unresolved: string }
      | null;
    readonly stage: string;
    readonly whoMay: { readonly see: string; readonly download: string; readonly call: string };
    readonly audience: {
      readonly see: readonly Audience[];
      readonly download: readonly Audience[];
      readonly call: readonly Audience[];
    };
  };
  readonly evidence: readonly {
    readonly id: string;
    readonly kind: string;
    readonly provenance: "hub-verified" | "publisher-attested";
    readonly summary: string;
    readonly passed: boolean | null;
    readonly createdAt: string;
    readonly stale: boolean;
    readonly staleReasons: readonly string[];
  }[];
  readonly lineage: readonly {
    readonly model: string;
    readonly version: string | null;
    readonly relation: string;
  }[];
  readonly derived: readonly {
    readonly model: string;
    readonly version: string;
    readonly relation: string;
  }[];
  readonly history: readonly {
    readonly at: string;
    readonly action: string;
    readonly details: Readonly<Record<string, unknown>>;
  }[];
}

export interface Tombstone {
  readonly model: string;
  readonly version: string;
  readonly stage: "withdrawn";
  readonly withdrawnAt: string | null;
  readonly reason: string | null;
}

export type TransparencyAnswer = TransparencyReport | Tombstone;

/** Whether the answer is a tombstone. */
export const isTombstone = (answer: TransparencyAnswer): answer is Tombstone =>
  !("restrictions" in answer);

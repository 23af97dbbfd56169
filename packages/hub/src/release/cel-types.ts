import type { PolicyInput } from "./policy-input.js";
import { RISK_TIERS, STAGES } from "./policy-input.js";

/**
 * The static type of a CEL value as the policy checker sees it. Objects are
 * closed (an unknown field is an error), maps are open (`card`), `dyn` is
 * anything. A string type may list the values it can take, so a comparison
 * with a misspelt stage fails at load.
 */
export type CelShape =
  | { readonly kind: "dyn" | "null" | "bool" | "int" | "uint" | "double" | "bytes" }
  | { readonly kind: "timestamp" | "duration" | "type" }
  | { readonly kind: "string"; readonly values?: readonly string[]; readonly what?: string }
  | { readonly kind: "list"; readonly elem: CelShape }
  | { readonly kind: "map"; readonly value: CelShape }
  | {
      readonly kind: "object";
      readonly name: string;
      readonly fields: Readonly<Record<string, CelShape>>;
    }
  | { readonly kind: "nullable"; readonly of: CelShape };

export const DYN: CelShape = { kind: "dyn" };
export const NULL: CelShape = { kind: "null" };
export const BOOL: CelShape = { kind: "bool" };
export const INT: CelShape = { kind: "int" };
export const UINT: CelShape = { kind: "uint" };
export const DOUBLE: CelShape = { kind: "double" };
export const BYTES: CelShape = { kind: "bytes" };
export const STRING: CelShape = { kind: "string" };
export const TIMESTAMP: CelShape = { kind: "timestamp" };
export const DURATION: CelShape = { kind: "duration" };
export const TYPE: CelShape = { kind: "type" };

export const listOf = (elem: CelShape): CelShape => ({ kind: "list", elem });
export const nullable = (of: CelShape): CelShape => ({ kind: "nullable", of });
export const oneOf = (what: string, values: readonly string[]): CelShape => ({
  kind: "string",
  values,
  what,
});

/** Every field of T, each with its CEL shape: a field added to PolicyInput must be added here. */
type Fields<T> = { readonly [K in keyof T]-?: CelShape };
function object<T>(name: string, fields: Fields<T>): CelShape {
  return { kind: "object", name, fields };
}

export const STAGE = oneOf("stage", [...STAGES, "withdrawn"]);
const TIER = oneOf("risk tier", RISK_TIERS);

type Element<L> = L extends readonly (infer E)[] ? E : never;

const FINDING = object<Element<PolicyInput["cardLint"]["findings"]>>("finding", {
  rule: STRING,
  message: STRING,
  line: nullable(INT),
});

/**
 * The CEL shape of each PolicyInput field, by variable name. Times are CEL
 * timestamps; days are doubles; `card` is a map of the front matter's fields.
 */
export const POLICY_VARIABLES: Fields<PolicyInput> = {
  now: TIMESTAMP,
  model: object<PolicyInput["model"]>("model", {
    name: STRING,
    namespace: STRING,
    namespaceKind: oneOf("namespace kind", ["user", "org"]),
  }),
  version: object<PolicyInput["version"]>("version", {
    name: STRING,
    author: STRING,
    stage: STAGE,
    stageSince: TIMESTAMP,
    daysInStage: DOUBLE,
    riskTier: TIER,
    declaredRiskTier: nullable(TIER),
    reviewedRiskTier: nullable(TIER),
    trainingComputeFlops: nullable(DOUBLE),
    files: listOf(STRING),
    publishedAt: TIMESTAMP,
  }),
  card: { kind: "map", value: DYN },
  cardLint: object<PolicyInput["cardLint"]>("cardLint", {
    clean: BOOL,
    findings: listOf(FINDING),
  }),
  licence: nullable(
    object<NonNullable<PolicyInput["licence"]>>("licence", {
      id: STRING,
      name: STRING,
      family: oneOf("licence family", ["spdx", "model", "other"]),
      commercialUse: BOOL,
      derivatives: BOOL,
      attribution: BOOL,
      copyleft: BOOL,
      useRestrictions: listOf(STRING),
      restrictionsFlowDown: BOOL,
      noticeRequired: BOOL,
      noticeText: nullable(STRING),
      namePrefix: nullable(STRING),
      attributionText: nullable(STRING),
      textSha256: nullable(STRING),
    }),
  ),
  lineage: object<PolicyInput["lineage"]>("lineage", {
    bases: listOf(
      object<Element<PolicyInput["lineage"]["bases"]>>("base", {
        model: STRING,
        version: STRING,
        relation: STRING,
        licence: nullable(STRING),
      }),
    ),
    clean: BOOL,
    findings: listOf(FINDING),
  }),
  evidence: listOf(
    object<Element<PolicyInput["evidence"]>>("evidence", {
      kind: STRING,
      provenance: oneOf("provenance", ["publisher-attested", "hub-verified"]),
      passed: nullable(BOOL),
      stale: BOOL,
      createdAt: TIMESTAMP,
      report: { kind: "map", value: DYN },
    }),
  ),
  signoffs: listOf(
    object<Element<PolicyInput["signoffs"]>>("signoff", {
      user: STRING,
      roles: listOf(STRING),
      verdict: oneOf("verdict", ["approve", "reject"]),
      at: TIMESTAMP,
    }),
  ),
  transition: object<PolicyInput["transition"]>("transition", {
    from: STAGE,
    to: STAGE,
    reason: STRING,
    at: nullable(TIMESTAMP),
    override: BOOL,
    requestedBy: STRING,
  }),
  history: listOf(
    object<Element<PolicyInput["history"]>>("history entry", {
      name: STRING,
      stage: STAGE,
      stageSince: TIMESTAMP,
      daysInStage: DOUBLE,
      publishedAt: TIMESTAMP,
    }),
  ),
};

/** How a shape is named in an error message. */
export function shapeName(s: CelShape): string {
  switch (s.kind) {
    case "list":
      return `list(${shapeName(s.elem)})`;
    case "map":
      return `map(string, ${shapeName(s.value)})`;
    case "object":
      return s.name;
    case "nullable":
      return `${shapeName(s.of)} or null`;
    case "string":
      return s.what ?? "string";
    default:
      return s.kind;
  }
}

import type { Evidence, EvidenceKind } from "../../src/evidence/index.js";

/** A model file's digest, as a report names it. */
export const MODEL_SHA256 = "3f".repeat(32);

const envelope = {
  schemaVersion: 2,
  createdAt: "2025-05-22T09:00:00.000Z",
  producer: { name: "gatehouse", version: "0.1.0" },
  subject: { sha256: MODEL_SHA256, path: "model.onnx" },
} as const;

/** One valid report of every kind, each as small as its schema allows plus a few optional fields. */
export const VALID_EXAMPLES: { readonly [K in EvidenceKind]: Extract<Evidence, { kind: K }> } = {
  evaluation: {
    ...envelope,
    kind: "evaluation",
    summary: "model.onnx on iris, its test split (30 rows): accuracy 0.9667.",
    passed: null,
    task: "classification",
    dataset: { name: "iris", rows: 150 },
    split: { name: "test", rows: 30 },
    metrics: { accuracy: 0.9667, roc_auc: null },
  },
  privacy: {
    ...envelope,
    kind: "privacy",
    summary: "DP-SGD kept ε = 2.9 at δ = 1e-5.",
    passed: null,
    assessment: "differential-privacy",
    epsilon: 2.9,
    delta: 1e-5,
    mechanism: "dp-sgd",
    steps: 600,
  },
  fairness: {
    ...envelope,
    kind: "fairness",
    summary: "Selection rates differ by 0.04 between sexes, within 0.1.",
    passed: true,
    attribute: "sex",
    metric: "selection_rate",
    groups: [
      { name: "female", value: 0.31, rows: 480 },
      { name: "male", value: 0.35, rows: 520 },
    ],
    disparity: 0.04,
    disparityMeasure: "difference",
    threshold: 0.1,
  },
  "security-scan": {
    ...envelope,
    kind: "security-scan",
    summary: "modelscan found nothing in 3 files.",
    passed: true,
    scanner: { name: "modelscan", version: "0.8.1" },
    filesScanned: 3,
    findings: [],
  },
  "red-team": {
    ...envelope,
    kind: "red-team",
    summary: "Two medium findings, both mitigated.",
    passed: true,
    team: "external-red-team",
    scope: "jailbreaks of the chat API",
    period: { start: "2025-04-01T00:00:00Z", end: "2025-04-14T00:00:00Z" },
    findings: [
      { severity: "medium", title: "role-play jailbreak", mitigated: true },
      { severity: "medium", title: "encoding bypass", mitigated: true },
    ],
  },
  "licence-review": {
    ...envelope,
    kind: "licence-review",
    summary: "Apache-2.0 throughout; no inherited restrictions.",
    passed: true,
    reviewer: "legal",
    conclusion: "approved",
    notes: "All training data under permissive licences.",
    licence: "Apache-2.0",
  },
  "ethics-review": {
    ...envelope,
    kind: "ethics-review",
    summary: "Approved for the stated uses, with a disclosure condition.",
    passed: true,
    reviewer: "ethics-board",
    conclusion: "approved-with-conditions",
    notes: "Outputs must be labelled as machine-generated.",
  },
  "capability-report": {
    ...envelope,
    kind: "capability-report",
    summary: "Crosses no threshold; ASL-2 suffices.",
    passed: true,
    trainingComputeFlops: 1e24,
    validUntil: "2025-11-22T09:00:00.000Z",
    thresholds: [
      { id: "cbrn-3", crossed: false },
      { id: "ai-rnd-4", crossed: false },
      { id: "cyber", crossed: false, notes: "monitored" },
    ],
    requiredAsl: 2,
    effectiveCompute: 1e24,
    elicitation: "best-of-16 with tool scaffolds; 40 hours of expert prompting",
  },
};

/** A copy of `value` without the top-level `keys`. */
export function without(value: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

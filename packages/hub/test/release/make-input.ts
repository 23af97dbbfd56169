import type { PolicyInput } from "../../src/release/policy-input.js";

type Overrides = {
  readonly [K in keyof PolicyInput]?: PolicyInput[K] extends readonly unknown[]
    ? PolicyInput[K]
    : PolicyInput[K] extends object | null
      ? Partial<NonNullable<PolicyInput[K]>> | null
      : PolicyInput[K];
};

/**
 * A complete, valid PolicyInput for a minimal-risk version moving from
 * internal to staged with a clean card, licence and lineage; each top-level
 * field of `overrides` is merged over it (objects field by field).
 */
export function makeInput(overrides: Overrides = {}): PolicyInput {
  const base: PolicyInput = {
    now: "2025-03-01T12:00:00Z",
    model: { name: "tiny", namespace: "acme", namespaceKind: "org" },
    version: {
      name: "v1",
      author: "alice",
      stage: "internal",
      stageSince: "2025-02-01T12:00:00Z",
      daysInStage: 28,
      riskTier: "minimal",
      declaredRiskTier: "minimal",
      reviewedRiskTier: null,
      trainingComputeFlops: null,
      files: ["README.md", "model.onnx"],
      publishedAt: "2025-02-01T12:00:00Z",
    },
    card: { license: "apache-2.0", risk_tier: "minimal" },
    cardLint: { clean: true, findings: [] },
    licence: {
      id: "apache-2.0",
      name: "Apache License 2.0",
      family: "spdx",
      commercialUse: true,
      derivatives: true,
      attribution: true,
      copyleft: false,
      useRestrictions: [],
      restrictionsFlowDown: false,
      noticeRequired: true,
      namePrefix: null,
      attributionText: null,
      noticeText: null,
      textSha256: null,
    },
    lineage: { bases: [], clean: true, findings: [] },
    evidence: [],
    signoffs: [],
    transition: {
      from: "internal",
      to: "staged",
      reason: "partner study",
      at: null,
      override: false,
      requestedBy: "alice",
    },
    history: [],
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const was = (base as unknown as Record<string, unknown>)[key];
    merged[key] =
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      typeof was === "object" &&
      was !== null &&
      !Array.isArray(was) &&
      key !== "card"
        ? Object.assign({}, was, value)
        : value;
  }
  return merged as unknown as PolicyInput;
}

/** A passing, fresh piece of evidence of this kind. */
export const evidence = (kind: string): PolicyInput["evidence"][number] => ({
  kind,
  provenance: "hub-verified",
  passed: true,
  stale: false,
  createdAt: "2025-02-20T12:00:00Z",
  report: { kind },
});

/** An approval by `user` holding `roles`. */
export const approval = (user: string, ...roles: string[]): PolicyInput["signoffs"][number] => ({
  user,
  roles,
  verdict: "approve",
  at: "2025-02-28T12:00:00Z",
});

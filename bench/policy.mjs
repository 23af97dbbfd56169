// One release decision under the default policy: the CEL policy engine against the same rules
// written as plain JavaScript over the same facts.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib/hub-process.mjs";
import { median } from "./lib/report.mjs";

const DECISIONS = 20_000;
const ROUNDS = 5;

/** A high-risk version going open with its evidence and two approvals: every default rule applies. */
function facts() {
  const evidence = (kind) => ({
    kind,
    provenance: "publisher-attested",
    passed: true,
    stale: false,
    createdAt: "2026-11-01T00:00:00Z",
    report: { kind },
  });
  const approval = (user, role) => ({
    user,
    roles: [role],
    verdict: "approve",
    at: "2026-11-20T00:00:00Z",
  });
  return {
    now: "2026-12-01T00:00:00Z",
    model: { name: "acme/bert", namespace: "acme", namespaceKind: "org" },
    version: {
      name: "v1",
      author: "alice",
      stage: "gated",
      stageSince: "2026-11-01T00:00:00Z",
      daysInStage: 30,
      riskTier: "high",
      declaredRiskTier: "high",
      reviewedRiskTier: null,
      trainingComputeFlops: 1e21,
      files: ["README.md", "model.onnx", "config.json"],
      publishedAt: "2026-10-01T00:00:00Z",
    },
    card: { license: "apache-2.0", risk_tier: "high", tags: ["text-classification"] },
    cardLint: { clean: true, findings: [] },
    licence: {
      id: "Apache-2.0",
      name: "Apache License 2.0",
      family: "spdx",
      commercialUse: true,
      derivatives: true,
      attribution: true,
      copyleft: false,
      useRestrictions: [],
      restrictionsFlowDown: false,
      noticeRequired: true,
      noticeText: null,
      namePrefix: null,
      attributionText: null,
      textSha256: null,
    },
    lineage: { bases: [], clean: true, findings: [] },
    evidence: ["security-scan", "fairness", "ethics-review", "evaluation"].map(evidence),
    signoffs: [approval("rita", "reviewer"), approval("rob", "reviewer")],
    transition: {
      from: "gated",
      to: "open",
      reason: "launch",
      at: null,
      override: false,
      requestedBy: "alice",
    },
    history: [],
  };
}

/** The default policy's rules as plain JavaScript: what a decision costs without CEL. */
function plainDecision(f) {
  const up = (stages) => stages.includes(f.transition.to);
  const fresh = (k) => f.evidence.some((e) => e.kind === k && !e.stale && e.passed !== false);
  const approvers = (ok) =>
    new Set(f.signoffs.filter((s) => s.verdict === "approve" && ok(s)).map((s) => s.user));
  const high = ["high", "systemic"].includes(f.version.riskTier);
  const systemic = f.version.riskTier === "systemic";
  const results = [
    !up(["gated", "open"]) || f.licence !== null,
    !up(["api", "gated", "open"]) || f.cardLint.clean,
    !up(["staged", "api", "gated", "open"]) || f.lineage.clean,
    !f.signoffs.some((s) => s.verdict === "reject"),
    f.transition.from !== "withdrawn" || approvers(() => true).size > 0,
    !(high && up(["gated", "open"])) || ["security-scan", "fairness", "ethics-review"].every(fresh),
    !(high && up(["gated", "open"])) ||
      approvers((s) => s.roles.includes("reviewer") || s.roles.includes("owner")).size >= 2,
    !(systemic && up(["api", "gated", "open"])) || ["red-team", "capability-report"].every(fresh),
    !(systemic && up(["api", "gated", "open"])) ||
      (approvers((s) => s.roles.includes("ceo")).size > 0 &&
        approvers((s) => s.roles.includes("responsible-scaling-officer")).size > 0),
    !(systemic && up(["api", "gated", "open"])) ||
      ["staged", "api", "gated"].includes(f.transition.from),
    !(systemic && f.transition.from === "staged") || f.version.daysInStage >= 14,
    !(systemic && f.transition.to === "open"),
  ];
  return results.every(Boolean) ? "allow" : "refuse";
}

function time(fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < DECISIONS; i += 1) {
    fn();
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / DECISIONS;
}

/** µs per decision of the default policy, CEL against plain JavaScript, in this process. */
export async function benchPolicy({ log }) {
  const dist = path.join(ROOT, "packages", "hub", "dist", "release", "index.js");
  if (!existsSync(dist)) {
    throw new Error("the hub is not built; run npm run build first");
  }
  const { DEFAULT_POLICY_FILE, evaluatePolicy, loadPolicies } = await import(
    pathToFileURL(dist).href
  );
  const policy = await loadPolicies([DEFAULT_POLICY_FILE]);
  const input = facts();
  const cel = evaluatePolicy(policy, input);
  if (cel.outcome !== plainDecision(input)) {
    throw new Error(`the two decisions differ: CEL says ${cel.outcome}`);
  }
  const mine = [];
  const base = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    mine.push(time(() => evaluatePolicy(policy, input)));
    base.push(time(() => plainDecision(input)));
  }
  const hub = median(mine);
  const baseline = median(base);
  log(
    `policy: ${hub.toFixed(1)} µs per decision (${policy.rules.length} rules), plain JavaScript ${baseline.toFixed(2)} µs`,
  );
  return {
    rows: [
      {
        figure: `default policy, one decision (${policy.rules.length} rules, CEL)`,
        hub,
        baseline,
        unit: "µs",
        ratio: hub / baseline,
        target: "≤ 1 ms",
        pass: hub <= 1000,
      },
    ],
  };
}

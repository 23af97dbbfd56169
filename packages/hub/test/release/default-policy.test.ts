import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { evaluatePolicy, type PolicyDecision } from "../../src/release/evaluate-policy.js";
import {
  DEFAULT_POLICY_FILE,
  loadPolicies,
  loadPolicyText,
  policySet,
  type PolicySet,
} from "../../src/release/load-policy.js";
import { approval, evidence, makeInput } from "./make-input.js";

let policy: PolicySet;
before(async () => {
  policy = await loadPolicies([DEFAULT_POLICY_FILE]);
});

const failed = (d: PolicyDecision): string[] => d.results.filter((r) => !r.passed).map((r) => r.id);

const HIGH_EVIDENCE = ["security-scan", "fairness", "ethics-review"].map(evidence);
const SYSTEMIC_EVIDENCE = [...HIGH_EVIDENCE, evidence("red-team"), evidence("capability-report")];
const version = (
  riskTier: "minimal" | "high" | "systemic",
  stage: "internal" | "staged" | "api" = "internal",
  daysInStage = 28,
) => ({ riskTier, stage, daysInStage });

describe("the default policy", () => {
  it("allows a minimal-risk version to staged, applying only the rules for it", () => {
    const d = evaluatePolicy(policy, makeInput());
    assert.equal(d.outcome, "allow");
    assert.equal(d.policyHash, policy.hash);
    assert.deepEqual(
      d.results.filter((r) => r.applies).map((r) => r.id),
      ["lineage-clean", "no-rejection"],
    );
  });

  it("refuses open without a licence or a clean card, naming both rules", () => {
    const d = evaluatePolicy(
      policy,
      makeInput({
        licence: null,
        cardLint: { clean: false, findings: [] },
        transition: { to: "open" },
      }),
    );
    assert.equal(d.outcome, "refuse");
    assert.deepEqual(failed(d), ["licence-known", "card-lint-clean"]);
    const licence = d.results.find((r) => r.id === "licence-known");
    assert.equal(licence?.expression, "licence != null");
    assert.match(licence.message ?? "", /declare a licence/);
  });

  it("refuses staged when the lineage has findings", () => {
    const d = evaluatePolicy(policy, makeInput({ lineage: { clean: false } }));
    assert.deepEqual([d.outcome, ...failed(d)], ["refuse", "lineage-clean"]);
  });

  it("gives a failed rule the findings of the checks it reads, and a passed or unrelated one none", () => {
    const lint = { rule: "card-section-missing", message: "add a Limitations section", line: 3 };
    const lineage = {
      rule: "lineage-restrictions-dropped",
      message: "base acme/base@v1 is under openrail, but apache-2.0 drops medical-advice",
      line: null,
    };
    const d = evaluatePolicy(
      policy,
      makeInput({
        cardLint: { clean: false, findings: [lint] },
        lineage: { clean: false, findings: [lineage] },
        transition: { to: "open" },
      }),
    );
    const findingsOf = (id: string) => d.results.find((r) => r.id === id)?.findings;
    assert.deepEqual(findingsOf("card-lint-clean"), [lint]);
    assert.deepEqual(findingsOf("lineage-clean"), [lineage]);
    assert.deepEqual(findingsOf("licence-known"), [], "it passed");
    const clean = evaluatePolicy(
      policy,
      makeInput({ lineage: { clean: false, findings: [lineage] } }),
    );
    assert.deepEqual(
      clean.results.filter((r) => r.findings.length > 0).map((r) => r.id),
      ["lineage-clean"],
      "only the rule that reads the lineage carries its findings",
    );
  });

  it("holds any transition a reviewer rejected, until they approve instead", () => {
    const d = evaluatePolicy(
      policy,
      makeInput({ signoffs: [{ ...approval("bob", "reviewer"), verdict: "reject" }] }),
    );
    assert.deepEqual([d.outcome, ...failed(d)], ["pending", "no-rejection"]);
  });

  it("holds restoring a withdrawn version until a reviewer approves", () => {
    const restore = { transition: { from: "withdrawn" as const, to: "internal" as const } };
    const held = evaluatePolicy(policy, makeInput(restore));
    assert.deepEqual([held.outcome, ...failed(held)], ["pending", "restore-needs-reviewer"]);
    const approved = evaluatePolicy(
      policy,
      makeInput({ ...restore, signoffs: [approval("bob", "reviewer")] }),
    );
    assert.equal(approved.outcome, "allow");
  });

  describe("high risk", () => {
    const to = (stage: "gated" | "api") => ({ transition: { from: "api" as const, to: stage } });

    it("refuses gated without evidence, and names the missing sign-offs too", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({ version: version("high", "api"), ...to("gated") }),
      );
      assert.equal(d.outcome, "refuse");
      assert.deepEqual(failed(d), ["high-risk-evidence", "high-risk-two-reviewers"]);
    });

    it("is pending when only the sign-offs are missing", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({ version: version("high", "api"), evidence: HIGH_EVIDENCE, ...to("gated") }),
      );
      assert.deepEqual([d.outcome, ...failed(d)], ["pending", "high-risk-two-reviewers"]);
    });

    it("stays pending with one reviewer, or the same reviewer twice", () => {
      const one = makeInput({
        version: version("high", "api"),
        evidence: HIGH_EVIDENCE,
        signoffs: [approval("bob", "reviewer"), approval("bob", "owner")],
        ...to("gated"),
      });
      assert.equal(evaluatePolicy(policy, one).outcome, "pending");
    });

    it("allows gated with the evidence and two different reviewers", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("high", "api"),
          evidence: HIGH_EVIDENCE,
          signoffs: [approval("bob", "reviewer"), approval("carol", "owner")],
          ...to("gated"),
        }),
      );
      assert.equal(d.outcome, "allow");
    });

    it("refuses stale or failed evidence", () => {
      const stale = HIGH_EVIDENCE.map((e, i) =>
        i === 0 ? { ...e, stale: true } : i === 1 ? { ...e, passed: false } : e,
      );
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("high", "api"),
          evidence: stale,
          signoffs: [approval("bob", "reviewer"), approval("carol", "owner")],
          ...to("gated"),
        }),
      );
      assert.deepEqual([d.outcome, ...failed(d)], ["refuse", "high-risk-evidence"]);
    });

    it("does not ask for high-risk evidence at api", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("high", "staged"),
          transition: { from: "staged", to: "api" },
        }),
      );
      assert.equal(d.outcome, "allow");
    });
  });

  describe("systemic risk", () => {
    const signed = [
      approval("dana", "ceo"),
      approval("erin", "reviewer", "responsible-scaling-officer"),
    ];

    it("refuses api straight from internal and without evidence", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({ version: version("systemic"), transition: { to: "api" } }),
      );
      assert.equal(d.outcome, "refuse");
      assert.deepEqual(failed(d), [
        "systemic-evidence",
        "systemic-ceo-and-rso",
        "systemic-through-staged",
      ]);
    });

    it("is pending while the version has spent fewer than 14 days in staged", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("systemic", "staged", 13.9),
          evidence: SYSTEMIC_EVIDENCE,
          signoffs: signed,
          transition: { from: "staged", to: "api" },
        }),
      );
      assert.deepEqual([d.outcome, ...failed(d)], ["pending", "systemic-staged-14-days"]);
    });

    it("is pending for the CEO and RSO sign-offs, which must be two people", () => {
      const same = [approval("dana", "ceo", "responsible-scaling-officer")];
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("systemic", "staged", 14),
          evidence: SYSTEMIC_EVIDENCE,
          signoffs: same,
          transition: { from: "staged", to: "api" },
        }),
      );
      assert.deepEqual([d.outcome, ...failed(d)], ["pending", "systemic-ceo-and-rso"]);
    });

    it("allows api after 14 days in staged with evidence and both sign-offs", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("systemic", "staged", 14),
          evidence: SYSTEMIC_EVIDENCE,
          signoffs: signed,
          transition: { from: "staged", to: "api" },
        }),
      );
      assert.equal(d.outcome, "allow");
    });

    it("refuses open, and allows it when an admin overrides, marking the rule overridden", () => {
      const input = {
        version: version("systemic", "api"),
        evidence: SYSTEMIC_EVIDENCE,
        signoffs: [...signed, approval("bob", "reviewer")],
      };
      const refused = evaluatePolicy(
        policy,
        makeInput({ ...input, transition: { from: "api", to: "open" } }),
      );
      assert.deepEqual([refused.outcome, ...failed(refused)], ["refuse", "systemic-never-open"]);
      const overridden = evaluatePolicy(
        policy,
        makeInput({ ...input, transition: { from: "api", to: "open", override: true } }),
      );
      assert.equal(overridden.outcome, "allow");
      const rule = overridden.results.find((r) => r.id === "systemic-never-open");
      assert.deepEqual([rule?.passed, rule?.overridden], [true, true]);
    });

    it("does not let an override pass a rule that does not allow it", () => {
      const d = evaluatePolicy(
        policy,
        makeInput({
          version: version("systemic", "api"),
          transition: { from: "api", to: "open", override: true },
        }),
      );
      assert.equal(d.outcome, "refuse");
      assert.ok(failed(d).includes("systemic-evidence"));
    });
  });
});

describe("evaluatePolicy", () => {
  const one = (require: string, when = "true") =>
    policySet([
      loadPolicyText(
        `policy: t\nrules:\n  - id: r\n    description: d\n    when: ${when}\n    require: ${require}\n    message: fix it\n`,
        "t.yaml",
      ),
    ]);

  it("counts a rule that errors at run time as failed, with the CEL error, without throwing", () => {
    const d = evaluatePolicy(one("card.license_name == 'x'"), makeInput());
    assert.equal(d.outcome, "refuse");
    assert.match(d.results[0]?.message ?? "", /^fix it \(CEL error in require: .*license_name/);
  });

  it("counts a `when` that errors as applying and failed", () => {
    const d = evaluatePolicy(one("true", "licence.id == 'mit'"), makeInput({ licence: null }));
    assert.deepEqual([d.outcome, d.results[0]?.applies], ["refuse", true]);
    assert.match(d.results[0]?.message ?? "", /CEL error in when/);
  });

  it("reads times as CEL timestamps", () => {
    const d = evaluatePolicy(
      one(
        "now - version.stageSince >= duration('672h') && now > timestamp('2025-01-01T00:00:00Z')",
      ),
      makeInput(),
    );
    assert.equal(d.outcome, "allow");
  });

  it("reads card fields, nested ones too", () => {
    const input = makeInput({
      card: { license: "mit", "model-index": [{ name: "m", results: [] }] },
    });
    assert.equal(
      evaluatePolicy(one("card.license == 'mit' && card['model-index'][0].name == 'm'"), input)
        .outcome,
      "allow",
    );
  });

  it("refuses a time it cannot read instead of throwing", () => {
    const d = evaluatePolicy(one("now > version.publishedAt"), makeInput({ now: "yesterday" }));
    assert.equal(d.outcome, "refuse");
  });
});

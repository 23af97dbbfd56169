import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { approvalsNeeded, MAX_EXTRA_APPROVALS } from "../../src/release/approvals-needed.js";
import {
  DEFAULT_POLICY_FILE,
  loadPolicies,
  loadPolicyText,
  policySet,
  type PolicySet,
} from "../../src/release/load-policy.js";
import { approval, evidence, makeInput } from "./make-input.js";

let defaults: PolicySet;
before(async () => {
  defaults = await loadPolicies([DEFAULT_POLICY_FILE]);
});

const HIGH_TO_GATED = {
  version: { riskTier: "high" as const },
  transition: { to: "gated" as const },
  evidence: ["security-scan", "fairness", "ethics-review"].map(evidence),
};
const reviewers = [
  { user: "rita", roles: ["reviewer"] },
  { user: "rob", roles: ["reviewer"] },
  { user: "mia", roles: ["maintainer"] },
];

describe("how many more approvals a pending change needs", () => {
  it("needs none when no rule awaits a sign-off", () => {
    assert.equal(approvalsNeeded(defaults, makeInput(), reviewers), 0);
  });

  it("counts two distinct reviewers for the two-person rule, then one, then none", () => {
    assert.equal(approvalsNeeded(defaults, makeInput(HIGH_TO_GATED), reviewers), 2);
    const one = makeInput({ ...HIGH_TO_GATED, signoffs: [approval("rita", "reviewer")] });
    assert.equal(approvalsNeeded(defaults, one, reviewers), 1);
    const two = makeInput({
      ...HIGH_TO_GATED,
      signoffs: [approval("rita", "reviewer"), approval("rob", "reviewer")],
    });
    assert.equal(approvalsNeeded(defaults, two, reviewers), 0);
  });

  it("never counts the author, and answers null when too few people hold the roles asked for", () => {
    const withAuthor = [{ user: "alice", roles: ["owner"] }, ...reviewers];
    const input = makeInput({ ...HIGH_TO_GATED, signoffs: [approval("rita", "reviewer")] });
    // Only rob is left who holds a role the rule counts; alice published the version.
    assert.equal(
      approvalsNeeded(
        defaults,
        input,
        withAuthor.filter((c) => c.user !== "rob"),
      ),
      null,
    );
    assert.equal(approvalsNeeded(defaults, makeInput(HIGH_TO_GATED), []), null);
  });

  it("counts the reviewer who rejected: their approval replaces the rejection", () => {
    const rejected = makeInput({
      ...HIGH_TO_GATED,
      signoffs: [
        approval("rob", "reviewer"),
        { user: "rita", roles: ["reviewer"], verdict: "reject", at: "2025-02-28T12:00:00Z" },
      ],
    });
    assert.equal(approvalsNeeded(defaults, rejected, reviewers), 1);
  });

  it("finds the sign-off roles a rule asks for among the people who may sign", () => {
    const policy = policySet([
      loadPolicyText(
        `policy: board
rules:
  - id: ceo-and-rso
    description: the CEO and the RSO approve, two people
    require: >-
      signoffs.exists(a, a.verdict == 'approve' && 'ceo' in a.roles &&
        signoffs.exists(b, b.verdict == 'approve' && 'rso' in b.roles && b.user != a.user))
    message: the CEO and the RSO must approve
    awaits: signoffs
`,
        "board.yaml",
      ),
    ]);
    const board = [
      { user: "rita", roles: ["reviewer"] },
      { user: "carol", roles: ["reviewer", "ceo"] },
      { user: "sam", roles: ["reviewer", "rso"] },
    ];
    assert.equal(approvalsNeeded(policy, makeInput(), board), 2);
    assert.equal(
      approvalsNeeded(
        policy,
        makeInput({ signoffs: [approval("carol", "reviewer", "ceo")] }),
        board,
      ),
      1,
    );
    assert.equal(approvalsNeeded(policy, makeInput(), board.slice(0, 2)), null);
  });

  it("tries at most MAX_EXTRA_APPROVALS more, and says it cannot tell beyond", () => {
    const policy = policySet([
      loadPolicyText(
        `policy: many
rules:
  - id: five
    description: five approvals
    require: size(signoffs.filter(s, s.verdict == 'approve')) >= 5
    message: five people must approve
    awaits: signoffs
`,
        "many.yaml",
      ),
    ]);
    const people = ["a", "b", "c", "d", "e", "f"].map((user) => ({ user, roles: ["reviewer"] }));
    assert.equal(MAX_EXTRA_APPROVALS, 3);
    assert.equal(approvalsNeeded(policy, makeInput(), people), null);
    const two = makeInput({ signoffs: ["a", "b"].map((u) => approval(u, "reviewer")) });
    assert.equal(approvalsNeeded(policy, two, people), 3);
  });
});

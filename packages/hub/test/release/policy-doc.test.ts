import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { evaluatePolicy } from "../../src/release/evaluate-policy.js";
import { loadPolicyText, policySet } from "../../src/release/load-policy.js";
import { makeInput } from "./make-input.js";

interface Expectation {
  readonly input: Parameters<typeof makeInput>[0];
  readonly outcome: "allow" | "pending" | "refuse";
  readonly failed?: readonly string[];
}

const doc = readFileSync(new URL("../../../../docs/policy.md", import.meta.url), "utf8");

/** Each ```yaml block of docs/policy.md with the `<!-- expect: … -->` comments that follow it. */
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```\n((?:\s*<!-- expect: .*? -->\n)*)/g)].map(
  (m, n) => ({
    n: n + 1,
    yaml: m[1] ?? "",
    expectations: [...(m[2] ?? "").matchAll(/<!-- expect: (.*?) -->/g)].map(
      (e) => JSON.parse(e[1] ?? "") as Expectation,
    ),
  }),
);

describe("docs/policy.md examples", () => {
  it("finds the examples, each with inputs to run", () => {
    assert.ok(examples.length >= 4);
    for (const e of examples) {
      assert.ok(e.expectations.length > 0, `example ${e.n} has no <!-- expect: … --> comment`);
    }
  });

  for (const example of examples) {
    it(`example ${example.n} loads and decides as the doc says`, () => {
      const set = policySet([loadPolicyText(example.yaml, `docs/policy.md example ${example.n}`)]);
      for (const expected of example.expectations) {
        const decision = evaluatePolicy(set, makeInput(expected.input));
        const failed = decision.results.filter((r) => !r.passed).map((r) => r.id);
        assert.equal(decision.outcome, expected.outcome, JSON.stringify({ expected, failed }));
        assert.deepEqual(failed, expected.failed ?? []);
      }
    });
  }
});

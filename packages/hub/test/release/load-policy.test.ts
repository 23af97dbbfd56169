import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_POLICY_FILE,
  PolicyLoadError,
  loadPolicies,
  loadPolicyText,
  policySet,
} from "../../src/release/load-policy.js";

const rule = (require: string, extra = ""): string =>
  `policy: test\nrules:\n  - id: r1\n    description: d\n    require: ${require}\n    message: m\n${extra}`;

/** Checks that loading `text` fails at `line` of the file, for the reason `why`. */
function assertLoadFails(text: string, line: number, why: RegExp): void {
  assert.throws(
    () => loadPolicyText(text, "p.yaml"),
    (err: unknown) => {
      assert.ok(err instanceof PolicyLoadError, String(err));
      assert.equal(err.line, line, err.message);
      assert.ok(err.message.startsWith(`p.yaml:${line}: `), err.message);
      assert.match(err.message, why);
      return true;
    },
  );
}

describe("loadPolicyText", () => {
  it("loads a rule with its when, awaits and override", () => {
    const p = loadPolicyText(
      rule(
        "licence != null",
        "    when: transition.to == 'open'\n    awaits: signoffs\n    override: true\n",
      ),
      "p.yaml",
    );
    assert.equal(p.name, "test");
    assert.equal(p.rules.length, 1);
    assert.deepEqual(
      { ...p.rules[0], whenProgram: undefined, requireProgram: undefined },
      {
        id: "r1",
        description: "d",
        when: "transition.to == 'open'",
        require: "licence != null",
        message: "m",
        awaits: "signoffs",
        override: true,
        policy: "test",
        source: "p.yaml:5",
        whenProgram: undefined,
        requireProgram: undefined,
      },
    );
  });

  it("refuses a YAML syntax error at its line", () => {
    assertLoadFails("policy: test\nrules:\n  - id: r1\n    description: a: b\n", 4, /YAML/);
  });

  it("refuses a CEL syntax error at the line of the expression", () => {
    assertLoadFails(rule("licence != && true"), 5, /`require` is not valid CEL/);
  });

  it("refuses a CEL syntax error in a block expression at the line CEL names", () => {
    assertLoadFails(
      rule("|\n      true &&\n      licence != null &&\n      (true"),
      7,
      /not valid CEL: 2:/,
    );
  });

  it("refuses a comparison of a stage with a number as a type error", () => {
    assertLoadFails(rule("transition.to == 1"), 5, /compares a stage with a int/);
  });

  it("refuses an unknown variable", () => {
    assertLoadFails(rule("licnce != null"), 5, /unknown variable 'licnce'/);
  });

  it("refuses an unknown field, naming the fields there are", () => {
    assertLoadFails(rule("transition.too == 'open'"), 5, /transition has no field 'too'.*from, to/);
  });

  it("refuses a misspelt stage", () => {
    assertLoadFails(rule("transition.to in ['gated', 'opne']"), 5, /'opne' is not a stage/);
  });

  it("refuses an unknown function", () => {
    assertLoadFails(rule("uniq(signoffs) == 2"), 5, /unknown function 'uniq'/);
  });

  it("refuses an expression that is not true or false", () => {
    assertLoadFails(rule("version.daysInStage"), 5, /must be true or false/);
  });

  it("refuses a type error in `when` at its own line", () => {
    assertLoadFails(
      rule("true", "    when: version.riskTier == 'extreme'\n"),
      7,
      /'extreme' is not a risk tier/,
    );
  });

  it("refuses a duplicate rule id at the second one", () => {
    const text =
      rule("true") + "  - id: r1\n    description: d\n    require: 'true'\n    message: m\n";
    assertLoadFails(text, 7, /rule id 'r1' is used twice \(first at line 3\)/);
  });

  it("refuses a rule without a require", () => {
    assertLoadFails(
      "policy: test\nrules:\n  - id: r1\n    description: d\n    message: m\n",
      3,
      /has no `require`/,
    );
  });

  it("refuses an unknown rule key and a bad awaits", () => {
    assertLoadFails(rule("true", "    requires: x\n"), 7, /unknown rule key "requires"/);
    assertLoadFails(
      rule("true", "    awaits: forever\n"),
      7,
      /`awaits` must be null, signoffs or time/,
    );
  });
});

describe("policySet and loadPolicies", () => {
  it("loads the default policy from the path beside the package", async () => {
    assert.ok(
      DEFAULT_POLICY_FILE.endsWith(path.join("packages", "hub", "policy", "default.yaml")),
      DEFAULT_POLICY_FILE,
    );
    const set = await loadPolicies([DEFAULT_POLICY_FILE]);
    assert.ok(set.rules.length >= 10);
    assert.match(set.hash, /^[0-9a-f]{64}$/);
  });

  it("gives the same hash for the same rules written differently, and another when a rule changes", () => {
    const a = policySet([loadPolicyText(rule("licence != null"), "a.yaml")]);
    const b = policySet([loadPolicyText(`# a comment\n${rule("'licence != null'")}`, "b.yaml")]);
    const c = policySet([loadPolicyText(rule("licence == null"), "a.yaml")]);
    assert.equal(a.hash, b.hash);
    assert.notEqual(a.hash, c.hash);
  });

  it("refuses a rule id used in two files, naming both places", () => {
    const a = loadPolicyText(rule("true"), "a.yaml");
    const b = loadPolicyText(rule("true").replace("policy: test", "policy: other"), "b.yaml");
    assert.throws(
      () => policySet([a, b]),
      /^PolicyLoadError: b\.yaml:5: rule id 'r1' is already used at a\.yaml:5$/,
    );
  });

  it("loads a folder's YAML files by name, after the files listed before it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "policy-"));
    try {
      await writeFile(
        path.join(dir, "b.yaml"),
        rule("true").replace("r1", "b1").replace("test", "b"),
      );
      await writeFile(
        path.join(dir, "a.yaml"),
        rule("true").replace("r1", "a1").replace("test", "a"),
      );
      await writeFile(path.join(dir, "notes.txt"), "not a policy");
      const set = await loadPolicies([DEFAULT_POLICY_FILE, dir]);
      assert.deepEqual(
        set.policies.map((p) => p.name),
        ["default", "a", "b"],
      );
      assert.deepEqual(
        set.rules.slice(-2).map((r) => r.id),
        ["a1", "b1"],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TierFacts } from "../../src/limits/index.js";
import { PolicyLoadError, loadPolicyText, policySet } from "../../src/release/load-policy.js";

const HEAD = "policy: usage\nrules: []\n";

/** Checks that loading `text` fails at `line` of the file, for the reason `why`. */
function assertLoadFails(text: string, line: number, why: RegExp): void {
  assert.throws(
    () => loadPolicyText(text, "usage.yaml"),
    (err: unknown) => {
      assert.ok(err instanceof PolicyLoadError, String(err));
      assert.ok(err.message.startsWith(`usage.yaml:${line}: `), err.message);
      assert.match(err.message, why);
      return true;
    },
  );
}

const facts = (age: number, calls: number, errors: number): TierFacts => ({
  account: { kind: "org", name: "acme", age_days: age },
  usage: {
    calls_7d: calls,
    calls_30d: calls,
    errors_30d: errors,
    error_rate_30d: calls === 0 ? 0 : errors / calls,
  },
});

describe("the tiers: and limits: sections of a policy file", () => {
  it("loads tiers lowest first, with their qualify rules, limits and weights", () => {
    const p = loadPolicyText(
      `${HEAD}tiers:
  - name: free
    qualify: "true"
    limits: { requests: { perMinute: 10 } }
  - name: trusted
    description: a month old, and calls that mostly work
    qualify: account.age_days >= 30 && usage.calls_30d - usage.errors_30d >= 100 && usage.error_rate_30d < 0.05
    limits: { requests: { perMinute: 100 }, concurrency: 8 }
    weight: 2.5
  - name: partner
    weight: 10
`,
      "usage.yaml",
    );
    assert.deepEqual(
      p.tiers.map((t) => [t.name, t.rank, t.weight, t.limits, t.source]),
      [
        ["free", 0, 1, { requests: { perMinute: 10 } }, "usage.yaml:4"],
        ["trusted", 1, 2.5, { requests: { perMinute: 100 }, concurrency: 8 }, "usage.yaml:7"],
        ["partner", 2, 10, null, "usage.yaml:12"],
      ],
    );
    const [free, trusted, partner] = p.tiers.map((t) => t.qualifies);
    assert.ok(free && trusted);
    assert.equal(free(facts(0, 0, 0)), true);
    assert.equal(trusted(facts(30, 120, 2)), true);
    assert.equal(trusted(facts(29, 120, 2)), false);
    assert.equal(trusted(facts(30, 120, 30)), false, "too many errors");
    assert.equal(trusted(facts(30, 101, 2)), false, "too few calls that worked");
    assert.equal(partner, null, "reached by approval only");
  });

  it("loads limits for the default, users, organisations and versions", () => {
    const set = policySet([
      loadPolicyText(
        `${HEAD}limits:
  default: { requests: { perHour: 1000 } }
  users:
    kai: { concurrency: 1 }
  orgs:
    acme: { computeSeconds: { perDay: 60 } }
  versions:
    acme/iris@v1: { requests: { perSecond: 5 } }
`,
        "usage.yaml",
      ),
    ]);
    assert.deepEqual(set.limits.default, {
      spec: { requests: { perHour: 1000 } },
      file: "usage.yaml",
    });
    assert.deepEqual(set.limits.users.get("kai")?.spec, { concurrency: 1 });
    assert.deepEqual(set.limits.orgs.get("acme")?.spec, { computeSeconds: { perDay: 60 } });
    assert.deepEqual(set.limits.versions.get("acme/iris@v1")?.spec, {
      requests: { perSecond: 5 },
    });
    assert.deepEqual(set.tiers, []);
  });

  it("refuses a bad section naming the file, the line and the field", () => {
    assertLoadFails(`${HEAD}tiers:\n  - name: Free\n`, 4, /tiers\[\]\.name/);
    assertLoadFails(
      `${HEAD}tiers:\n  - name: free\n    qualify: account.age >= 3\n`,
      5,
      /tiers\.free\.qualify.*age/,
    );
    assertLoadFails(
      `${HEAD}tiers:\n  - name: free\n    qualify: usage.calls_30d\n`,
      5,
      /must be true or false/,
    );
    assertLoadFails(
      `${HEAD}tiers:\n  - name: free\n    limits: { requests: { perMinute: 0 } }\n`,
      5,
      /`tiers\.free\.limits\.requests\.perMinute` must be >= 1/,
    );
    assertLoadFails(`${HEAD}tiers:\n  - name: free\n    weight: 0\n`, 5, /tiers\.free\.weight/);
    assertLoadFails(`${HEAD}tiers:\n  - name: free\n    price: 3\n`, 5, /unknown tier key "price"/);
    assertLoadFails(
      `${HEAD}tiers:\n  - name: free\n  - name: free\n`,
      5,
      /tier 'free' is defined twice/,
    );
    assertLoadFails(
      `${HEAD}limits:\n  users:\n    kai: { requests: { perMinut: 5 } }\n`,
      5,
      /`limits\.users\.kai\.requests` has unknown field "perMinut"/,
    );
    assertLoadFails(
      `${HEAD}limits:\n  versions:\n    acme/iris: { concurrency: 1 }\n`,
      5,
      /namespace\/name@version/,
    );
    assertLoadFails(
      `${HEAD}limits:\n  default: { hours: { from: "08:00", to: "08:00", timeZone: UTC } }\n`,
      4,
      /`limits\.default`: hours\.from and hours\.to are both 08:00/,
    );
    assertLoadFails(`${HEAD}limits:\n  tokens: {}\n`, 4, /unknown key "tokens" in `limits:`/);
  });

  it("refuses tiers in two files and a scope's limits set twice", () => {
    const tiers = (file: string) =>
      loadPolicyText(`policy: ${file}\nrules: []\ntiers:\n  - name: free\n`, `${file}.yaml`);
    assert.throws(
      () => policySet([tiers("a"), tiers("b")]),
      /^PolicyLoadError: b\.yaml:4: tiers are already defined in a\.yaml/,
    );
    const limits = (file: string) =>
      loadPolicyText(
        `policy: ${file}\nrules: []\nlimits:\n  users:\n    kai: { concurrency: 1 }\n`,
        `${file}.yaml`,
      );
    assert.throws(
      () => policySet([limits("a"), limits("b")]),
      /b\.yaml:1: limits\.users\.kai is already set in a\.yaml/,
    );
  });
});

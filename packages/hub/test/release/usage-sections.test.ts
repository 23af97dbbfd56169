import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decideSignalAction, type SignalFacts, type TierFacts } from "../../src/limits/index.js";
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

const signalFacts = (over: Partial<SignalFacts["signal"]> = {}, stage = "api"): SignalFacts => ({
  signal: {
    kind: "spike",
    subject: "token",
    count: 300,
    trips: 1,
    details: { calls: 300 },
    ...over,
  },
  model: { name: "acme/iris", namespace: "acme" },
  version: { name: "v1", stage },
  caller: { user: "kai", tier: "free" },
});

describe("the signals: section of a policy file", () => {
  it("loads rules that read the signal, the version called and the caller, and decides the strongest action", () => {
    const p = loadPolicyText(
      `${HEAD}signals:
  - id: throttle-spikes
    description: bursts far above a key's baseline
    when: signal.kind == "spike" && signal.details.calls > 200
    action: throttle
  - id: suspend-repeat
    when: signal.trips >= 2 && version != null && version.stage == "api" && caller.tier == "free"
    action: suspend
  - id: tell-us
    when: "true"
    action: notify
`,
      "usage.yaml",
    );
    assert.deepEqual(
      p.signalRules.map((r) => [r.id, r.action, r.description, r.source]),
      [
        ["throttle-spikes", "throttle", "bursts far above a key's baseline", "usage.yaml:4"],
        ["suspend-repeat", "suspend", "", "usage.yaml:8"],
        ["tell-us", "notify", "", "usage.yaml:11"],
      ],
    );
    const errors: string[] = [];
    const decide = (facts: SignalFacts) =>
      decideSignalAction(p.signalRules, facts, (rule) => errors.push(rule.id));
    assert.deepEqual(decide(signalFacts()), { action: "throttle", rules: ["throttle-spikes"] });
    assert.deepEqual(decide(signalFacts({ details: { calls: 150 } })), {
      action: "notify",
      rules: ["tell-us"],
    });
    assert.deepEqual(decide(signalFacts({ trips: 2 })), {
      action: "suspend",
      rules: ["suspend-repeat"],
    });
    assert.deepEqual(decide(signalFacts({ trips: 2 }, "open")), {
      action: "throttle",
      rules: ["throttle-spikes"],
    });
    // A suspension needs a token: a user is throttled instead, an address only notified.
    assert.deepEqual(decide(signalFacts({ trips: 2, subject: "user" })), {
      action: "throttle",
      rules: ["suspend-repeat"],
    });
    assert.deepEqual(decide(signalFacts({ subject: "address" })), {
      action: "notify",
      rules: ["throttle-spikes"],
    });
    assert.deepEqual(errors, []);
    // A detail another kind reports is missing here: that rule does not hold, and is reported.
    assert.deepEqual(decide(signalFacts({ kind: "spike", details: { baseline: 2 } })), {
      action: "notify",
      rules: ["tell-us"],
    });
    assert.deepEqual(errors, ["throttle-spikes"]);
  });

  it("refuses a bad signal rule naming the file, the line and the field", () => {
    assertLoadFails(
      `${HEAD}signals:\n  - id: a\n    when: signal.kind == "spikes"\n    action: notify\n`,
      5,
      /signals\.a\.when.*spikes/,
    );
    assertLoadFails(
      `${HEAD}signals:\n  - id: a\n    when: signal.kind == "spike"\n    action: ban\n`,
      6,
      /`signals\.a\.action` must be one of notify, throttle, suspend/,
    );
    assertLoadFails(
      `${HEAD}signals:\n  - id: a\n    when: signal.calls > 3\n    action: notify\n`,
      5,
      /signals\.a\.when.*calls/,
    );
    assertLoadFails(`${HEAD}signals:\n  - id: a\n    action: notify\n`, 4, /signals\.a\.when/);
    assertLoadFails(
      `${HEAD}signals:\n  - id: a\n    when: "true"\n    action: notify\n    then: suspend\n`,
      7,
      /unknown signal rule key "then"/,
    );
    assertLoadFails(`${HEAD}signals:\n  kind: spike\n`, 4, /`signals:` must be a list/);
    assertLoadFails(
      `${HEAD}signals:\n  - id: a\n    when: "true"\n    action: notify\n  - id: a\n    when: "true"\n    action: notify\n`,
      7,
      /signal rule 'a' is defined twice/,
    );
    const file = (name: string) =>
      loadPolicyText(
        `policy: ${name}\nrules: []\nsignals:\n  - id: same\n    when: "true"\n    action: notify\n`,
        `${name}.yaml`,
      );
    assert.throws(
      () => policySet([file("a"), file("b")]),
      /^PolicyLoadError: b\.yaml:4: signal rule 'same' is already defined at a\.yaml:4/,
    );
  });

  it("loads the example of docs/signals.md, which decides as the page says", () => {
    const doc = readFileSync(new URL("../../../../docs/signals.md", import.meta.url), "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(yaml !== undefined, "docs/signals.md has a policy example");
    const { signalRules } = policySet([loadPolicyText(yaml, "docs/signals.md")]);
    const decide = (facts: SignalFacts) =>
      decideSignalAction(signalRules, facts, (rule, err) => {
        throw new Error(`${rule.id}: ${String(err)}`);
      });
    assert.deepEqual(decide(signalFacts({ kind: "near_duplicates", details: {} })), {
      action: "suspend",
      rules: ["suspend-extraction"],
    });
    assert.deepEqual(decide(signalFacts({ kind: "probing", details: {} })), {
      action: "throttle",
      rules: ["throttle-probes"],
    });
    assert.deepEqual(decide(signalFacts({ kind: "probing", trips: 2, details: {} })), {
      action: "suspend",
      rules: ["suspend-persistent-probes"],
    });
    assert.deepEqual(decide(signalFacts({ details: { calls: 1001 } })), {
      action: "throttle",
      rules: ["throttle-free-tier-spikes"],
    });
    assert.deepEqual(decide(signalFacts({ details: { calls: 1000 } })), {
      action: "notify",
      rules: [],
    });
  });
});

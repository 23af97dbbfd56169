import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promoteTiers } from "../../src/limits/index.js";
import { PolicyLoadError } from "../../src/release/load-policy.js";
import { expectError, expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";

const INFER = "/v2/models/acme--iris/versions/v1/infer";
const DAY_S = 86_400;

const POLICY = `policy: usage
rules: []
tiers:
  - name: starter
    qualify: "true"
    limits: { requests: { perMinute: 2 } }
  - name: established
    qualify: account.age_days >= 30
    limits: { requests: { perMinute: 4 } }
    weight: 2
  - name: busy
    qualify: account.kind == 'user' && usage.calls_30d >= 6 && usage.error_rate_30d < 0.5
    limits: { requests: { perMinute: 6 } }
    weight: 3
  - name: partner
    limits: { requests: { perMinute: 10 } }
    weight: 4
limits:
  default: { requests: { perHour: 500 } }
  users:
    fred: { requests: { perMinute: 1 } }
  versions:
    acme/iris@v1: { concurrency: 5 }
`;

interface TierEvent {
  readonly actor_id: string | null;
  readonly resource: string;
  readonly details: { from: string | null; to: string | null; by: string };
}

for (const dialect of DIALECTS) {
  describe(`usage tiers and policy-file limits on hosted inference (${dialect})`, () => {
    let hub: TestHub;
    let clock: ManualClock;
    let policyDir: string;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    const tokens: Record<string, string> = {};
    const call = (who: string) =>
      hub.request("POST", INFER, {
        token: tokens[who] ?? "",
        json: irisRequest(IRIS_ROWS.slice(0, 1)),
      });
    const idOf = async (name: string) =>
      (
        await hub.built.ctx.db
          .selectFrom("namespaces")
          .select("id")
          .where("name", "=", name)
          .executeTakeFirstOrThrow()
      ).id;
    const tierEvents = async (name: string): Promise<TierEvent[]> => {
      const id = await idOf(name);
      const rows = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["actor_id", "resource", "details"])
        .where("action", "=", "limits.tier")
        .where("resource", "=", `user:${id}`)
        .orderBy("seq")
        .execute();
      return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as TierEvent["details"] }));
    };
    const tierPolicy = (res: Response) =>
      (res.headers.get("ratelimit-policy") ?? "")
        .split(", ")
        .find((p) => p.startsWith('"tier-per-minute"'));
    const promote = async () => {
      await hub.built.ctx.usage.flush();
      return promoteTiers(hub.built.ctx);
    };

    before(async () => {
      clock = new ManualClock("2026-12-02T10:00:30.000Z");
      iris = await trainIris();
      policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-policy-"));
      await writeFile(path.join(policyDir, "usage.yaml"), POLICY);
      hub = await startHub(dialect, { GATEHOUSE_POLICY_DIR: policyDir }, { clock });
      tokens.olivia = await hub.createUser("olivia");
      for (const name of ["carl", "erin", "dana", "fred"]) {
        tokens[name] = await hub.createUser(name, ["read"]);
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: tokens.olivia, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, tokens.olivia, "acme/iris", "api", "v1", {
        "model.onnx": iris.bytes,
      });
      await enable(hub, tokens.olivia, "acme/iris", "v1");
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
      await rm(policyDir, { recursive: true, force: true });
    });

    it("gives a caller the tier whose rule holds on their first call, limits them at its quota and records it", async () => {
      const first = await expectStatus(call("carl"), 200);
      assert.equal(tierPolicy(first), '"tier-per-minute";q=2;w=60');
      await expectStatus(call("carl"), 200);
      const refused = await expectError(call("carl"), 429, "QUOTA_EXCEEDED");
      assert.match(refused.error, /the usage limit tier-per-minute is spent/);
      assert.deepEqual(
        (await tierEvents("carl")).map((e) => [e.actor_id, e.details]),
        [[null, { from: null, to: "starter", by: "rule" }]],
      );
      const listed = (await (
        await expectStatus(hub.request("GET", "/api/limits/tiers", { token: hub.adminToken }), 200)
      ).json()) as {
        tiers: { name: string; weight: number }[];
        accounts: { account: string; tier: string | null; pinned: boolean }[];
      };
      assert.deepEqual(
        listed.tiers.map((t) => [t.name, t.weight]),
        [
          ["starter", 1],
          ["established", 2],
          ["busy", 3],
          ["partner", 4],
        ],
      );
      assert.deepEqual(
        listed.accounts.find((a) => a.account === "carl"),
        {
          account: "carl",
          kind: "user",
          tier: "starter",
          pinned: false,
          since: "2026-12-02T10:00:30.000Z",
        },
      );
    });

    it("promotes a caller by usage history, raising the quota in place of the lower one", async () => {
      for (let i = 0; i < 6; i += 1) {
        await expectStatus(call("erin"), 200);
        if (i % 2 === 1) {
          clock.advance(60);
        }
      }
      const changes = await promote();
      const erin = await idOf("erin");
      assert.ok(
        changes.some(
          (c) => c.account === `user:${erin}` && c.from === "starter" && c.to === "busy",
        ),
        JSON.stringify(changes),
      );
      // Carl's three calls, one refused, fall short of the rule.
      const carl = await idOf("carl");
      assert.ok(!changes.some((c) => c.account === `user:${carl}`), JSON.stringify(changes));
      const res = await expectStatus(call("erin"), 200);
      assert.equal(tierPolicy(res), '"tier-per-minute";q=6;w=60');
      assert.equal(
        (res.headers.get("ratelimit-policy") ?? "")
          .split(", ")
          .filter((p) => p.startsWith('"tier-')).length,
        1,
        "the higher tier replaces the lower, it does not add a scope",
      );
    });

    it("promotes by account age and demotes a caller whose usage fell out of the window", async () => {
      clock.advance(31 * DAY_S);
      await promote();
      assert.deepEqual(
        (await tierEvents("carl")).map((e) => e.details),
        [
          { from: null, to: "starter", by: "rule" },
          { from: "starter", to: "established", by: "rule" },
        ],
      );
      assert.deepEqual((await tierEvents("erin")).map((e) => e.details).slice(-1), [
        { from: "busy", to: "established", by: "rule" },
      ]);
      for (let i = 0; i < 4; i += 1) {
        const res = await expectStatus(call("carl"), 200);
        assert.equal(tierPolicy(res), '"tier-per-minute";q=4;w=60');
      }
      await expectError(call("carl"), 429, "QUOTA_EXCEEDED");
      // A pass that finds nothing to change records nothing.
      const before = (await tierEvents("carl")).length;
      await promote();
      assert.equal((await tierEvents("carl")).length, before);
    });

    it("lets an administrator approve an account for a tier, pinned until released", async () => {
      await expectStatus(call("dana"), 200);
      const approved = (await (
        await expectStatus(
          hub.request("PUT", "/api/limits/tiers/dana", {
            token: hub.adminToken,
            json: { tier: "partner" },
          }),
          200,
        )
      ).json()) as { tier: string; pinned: boolean };
      assert.deepEqual([approved.tier, approved.pinned], ["partner", true]);
      assert.equal(
        tierPolicy(await expectStatus(call("dana"), 200)),
        '"tier-per-minute";q=10;w=60',
      );
      clock.advance(DAY_S);
      await promote();
      assert.equal(
        tierPolicy(await expectStatus(call("dana"), 200)),
        '"tier-per-minute";q=10;w=60',
      );
      const released = (await (
        await expectStatus(
          hub.request("DELETE", "/api/limits/tiers/dana", { token: hub.adminToken }),
          200,
        )
      ).json()) as { tier: string; pinned: boolean };
      assert.deepEqual([released.tier, released.pinned], ["established", false]);
      assert.equal(tierPolicy(await expectStatus(call("dana"), 200)), '"tier-per-minute";q=4;w=60');
      const admin = await hub.built.ctx.db
        .selectFrom("users")
        .select("id")
        .where("is_admin", "=", 1)
        .executeTakeFirstOrThrow();
      const events = await tierEvents("dana");
      assert.deepEqual(
        events.map((e) => [e.actor_id === null ? "rule" : "admin", e.details]),
        [
          ["rule", { from: null, to: "starter", by: "rule" }],
          ["rule", { from: "starter", to: "established", by: "rule" }],
          ["admin", { from: "established", to: "partner", by: "approval" }],
          ["admin", { from: "partner", to: "partner", by: "unpin" }],
          ["rule", { from: "partner", to: "established", by: "rule" }],
        ],
      );
      assert.ok(events.slice(2, 4).every((e) => e.actor_id === admin.id));

      await expectError(
        hub.request("PUT", "/api/limits/tiers/dana", {
          token: hub.adminToken,
          json: { tier: "platinum" },
        }),
        400,
        "BAD_REQUEST",
      );
      await expectError(
        hub.request("PUT", "/api/limits/tiers/nobody", {
          token: hub.adminToken,
          json: { tier: "partner" },
        }),
        404,
        "NOT_FOUND",
      );
      await expectError(
        hub.request("DELETE", "/api/limits/tiers/dana", { token: hub.adminToken }),
        404,
        "NOT_FOUND",
      );
    });

    it("enforces the policy files' limits beside the tier's and shows them with their file", async () => {
      const res = await expectStatus(call("fred"), 200);
      const policies = (res.headers.get("ratelimit-policy") ?? "").split(", ");
      assert.ok(policies.includes('"policy-user-per-minute";q=1;w=60'), policies.join(", "));
      assert.ok(policies.includes('"policy-default-per-hour";q=500;w=3600'), policies.join(", "));
      const refused = await expectError(call("fred"), 429, "QUOTA_EXCEEDED");
      assert.match(refused.error, /policy-user-per-minute/);
      const file = path.join(policyDir, "usage.yaml");
      const listed = (await (
        await expectStatus(hub.request("GET", "/api/limits", { token: hub.adminToken }), 200)
      ).json()) as { scope: string; source: string; file?: string }[];
      assert.deepEqual(
        listed.filter((l) => l.source === "policy").map((l) => [l.scope, l.file]),
        [
          ["default", file],
          ["user:fred", file],
          ["acme/iris@v1", file],
        ],
      );
      const fred = await (
        await expectStatus(
          hub.request("GET", "/api/limits/users/fred", { token: hub.adminToken }),
          200,
        )
      ).json();
      assert.deepEqual(fred, {
        scope: "user fred",
        spec: null,
        setAt: null,
        policy: { spec: { requests: { perMinute: 1 } }, file },
      });
    });

    it("keeps the tier routes to administrators", async () => {
      await expectError(hub.request("GET", "/api/limits/tiers"), 401, "UNAUTHENTICATED");
      await expectError(
        hub.request("GET", "/api/limits/tiers", { token: tokens.carl ?? "" }),
        403,
        "FORBIDDEN",
      );
      for (const method of ["PUT", "DELETE"]) {
        await expectError(
          hub.request(method, "/api/limits/tiers/carl", {
            token: tokens.olivia ?? "",
            ...(method === "PUT" ? { json: { tier: "partner" } } : {}),
          }),
          403,
          "FORBIDDEN",
        );
        await expectError(
          hub.request(method, "/api/limits/tiers/carl", {
            ...(method === "PUT" ? { json: { tier: "partner" } } : {}),
          }),
          401,
          "UNAUTHENTICATED",
        );
      }
      await expectError(
        hub.request("PUT", "/api/limits/tiers/carl", { token: hub.adminToken, json: {} }),
        400,
        "BAD_REQUEST",
      );
    });
  });
}

describe("a policy file with bad tiers or limits", () => {
  it("stops start-up, naming the file, the line and the field", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-policy-"));
    try {
      const file = path.join(dir, "usage.yaml");
      await writeFile(
        file,
        "policy: usage\nrules: []\nlimits:\n  orgs:\n    acme: { concurrency: -1 }\n",
      );
      await assert.rejects(startHub("sqlite", { GATEHOUSE_POLICY_DIR: dir }), (err: unknown) => {
        assert.ok(err instanceof PolicyLoadError);
        assert.equal(err.message, `${file}:5: \`limits.orgs.acme.concurrency\` must be >= 1`);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

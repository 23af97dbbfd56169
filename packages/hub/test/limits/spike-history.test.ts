import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { settleUsage } from "./usage-support.js";

const INFER = "/v2/models/acme--iris/versions/v1/infer";
const HOUR_MS = 3_600_000;

/** A spike is at least 10 calls in five minutes and more than twice the key's baseline. */
const ENV = {
  GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS: "10",
  GATEHOUSE_SIGNAL_SPIKE_FACTOR: "2",
};

interface Signal {
  kind: string;
  subject: { kind: string; id: string | null };
  count: number;
  details: Record<string, unknown>;
}

for (const dialect of DIALECTS) {
  describe(`spike baselines seeded from the usage history after a restart (${dialect})`, () => {
    // Two minutes into an hour: the clock stands still, so every call falls in one window.
    const clock = new ManualClock("2026-03-01T12:02:00.000Z");
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    const tokens: Record<string, string> = {};
    const tokenIds: Record<string, string> = {};
    let calls = 0;

    const infer = async (name: string) => {
      calls += 1;
      const res = await hub.request("POST", INFER, {
        token: tokens[name] ?? "",
        json: irisRequest(IRIS_ROWS),
      });
      assert.equal(res.status, 200, await res.text());
    };
    const spikes = async (): Promise<Signal[]> => {
      await settleUsage(hub, calls);
      await hub.built.ctx.signals.settle();
      const res = await hub.request("GET", "/api/usage/signals?kind=spike", {
        token: hub.adminToken,
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { signals: Signal[] }).signals;
    };

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect, ENV, { clock });
      const owner = await hub.createUser("olivia");
      for (const name of ["hana", "nico"]) {
        tokens[name] = await hub.createUser(name);
        tokenIds[name] = (
          await hub.built.ctx.db
            .selectFrom("tokens as t")
            .innerJoin("namespaces as n", "n.id", "t.user_id")
            .select("t.id")
            .where("n.name", "=", name)
            .executeTakeFirstOrThrow()
        ).id;
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      // hana's token made 144 calls an hour, 12 every five minutes, for the week before
      // this hour, as the hourly totals of the hubs sharing this database hold them.
      const version = await hub.built.ctx.db
        .selectFrom("versions")
        .select("id")
        .executeTakeFirstOrThrow();
      const hanaUser = await hub.built.ctx.db
        .selectFrom("tokens")
        .select("user_id")
        .where("id", "=", tokenIds.hana ?? "")
        .executeTakeFirstOrThrow();
      const hour = Date.parse("2026-03-01T12:00:00.000Z");
      await hub.built.ctx.db
        .insertInto("usage_rollups")
        .values(
          Array.from({ length: 7 * 24 }, (_, i) => ({
            period: "hour" as const,
            bucket: new Date(hour - (i + 1) * HOUR_MS).toISOString(),
            version_id: version.id,
            token_id: tokenIds.hana ?? "",
            user_id: hanaUser.user_id,
            org_id: "",
            requests: 144,
            errors: 0,
            batch_rows: 144 * IRIS_ROWS.length,
            latency_sum_ms: 144,
            latency_max_ms: 1,
            prompt_tokens: 0,
            completion_tokens: 0,
          })),
        )
        .execute();
      // A new process knows no key: every baseline it has comes from the totals.
      hub = await hub.restart();
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("opens no spike for a token calling at its usual rate, and one for a token without history at the same rate", async () => {
      for (let i = 0; i < 12; i += 1) {
        await infer("hana");
        await infer("nico");
      }
      const found = await spikes();
      assert.deepEqual(
        found.map((s) => [s.subject, s.count, s.details.calls, s.details.baseline]),
        [[{ kind: "token", id: tokenIds.nico }, 10, 10, 0]],
      );
      assert.deepEqual(
        [hub.built.ctx.signals.stats().seeds, hub.built.ctx.signals.stats().seedFailures],
        [2, 0],
      );
    });

    it("opens a spike for the token with history once it passes twice its seeded baseline", async () => {
      // Its baseline is 12 × (1 − 2^−7) = 11.90625: the 24th call of the window is more
      // than twice that, the 23rd is not.
      for (let i = 0; i < 11; i += 1) {
        await infer("hana");
      }
      assert.equal((await spikes()).length, 1);
      await infer("hana");
      const hana = (await spikes()).find((s) => s.subject.id === tokenIds.hana);
      assert.deepEqual([hana?.count, hana?.details.calls, hana?.details.baseline], [24, 24, 11.91]);
    });
  });
}

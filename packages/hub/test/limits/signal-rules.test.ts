import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { settleUsage } from "./usage-support.js";

/**
 * Probing throttles at once; a second trip of the same signal suspends. The
 * third rule reads a version, which probes of unknown models have none of.
 */
const POLICY = `policy: abuse
rules: []
signals:
  - id: throttle-probes
    when: signal.kind == "probing"
    action: throttle
  - id: suspend-persistent-probes
    description: still probing after a throttle
    when: signal.kind == "probing" && signal.trips >= 2
    action: suspend
  - id: suspend-probes-of-open-models
    when: signal.kind == "probing" && version.stage == "open"
    action: suspend
`;

interface Signal {
  id: string;
  kind: string;
  count: number;
  trips: number;
  action: string;
  rules: string[];
}

for (const dialect of DIALECTS) {
  describe(`signal rules of the policy acting on abuse signals (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let policyDir: string;
    let clock: ManualClock;
    let calls = 0;

    const call = async (token: string, model: string) => {
      calls += 1;
      const res = await hub.request("POST", `/v2/models/${model}/versions/v1/infer`, {
        token,
        json: irisRequest(IRIS_ROWS),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const settle = async () => {
      await settleUsage(hub, calls);
      await hub.built.ctx.signals.settle();
    };
    const probingSignals = async (): Promise<Signal[]> => {
      const res = await hub.request("GET", "/api/usage/signals?kind=probing&state=all", {
        token: hub.adminToken,
      });
      return ((await res.json()) as { signals: Signal[] }).signals;
    };

    before(async () => {
      iris = await trainIris();
      policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-signal-rules-"));
      await writeFile(path.join(policyDir, "abuse.yaml"), POLICY);
      // Probing windows are ten minutes of the hub's clock: start at the beginning of one.
      clock = new ManualClock("2026-12-03T10:00:00.000Z");
      hub = await startHub(
        dialect,
        {
          GATEHOUSE_POLICY_DIR: policyDir,
          GATEHOUSE_SIGNAL_PROBING_FAILURES: "3",
          GATEHOUSE_SIGNAL_THROTTLE_PER_MINUTE: "1",
        },
        { clock },
      );
      const owner = await hub.createUser("olivia");
      await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "olivia/iris", "v1");
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
      await rm(policyDir, { recursive: true, force: true });
    });

    it("throttles a token at its first trip, escalates to a suspension at its second, and closing lifts both", async () => {
      const pat = await hub.createUser("pat");
      const patId = (
        await hub.built.ctx.db
          .selectFrom("tokens as t")
          .innerJoin("namespaces as n", "n.id", "t.user_id")
          .select("t.id")
          .where("n.name", "=", "pat")
          .executeTakeFirstOrThrow()
      ).id;
      for (let i = 0; i < 3; i += 1) {
        assert.equal(await call(pat, "olivia--nothing"), 404);
      }
      await settle();
      const [opened] = await probingSignals();
      assert.ok(opened);
      assert.deepEqual(
        [opened.count, opened.trips, opened.action, opened.rules],
        [3, 1, "throttle", ["throttle-probes"]],
      );
      // Held to one call a minute: the second is refused.
      assert.deepEqual(
        [await call(pat, "olivia--iris"), await call(pat, "olivia--iris")],
        [200, 429],
      );

      // The next ten minutes: the same key probes again, and the signal still open trips again.
      clock.advance(600);
      for (let i = 0; i < 3; i += 1) {
        assert.equal(await call(pat, "olivia--nothing"), 404);
      }
      await settle();
      const signals = await probingSignals();
      assert.equal(signals.length, 1, "one signal per kind and subject while it is open");
      const [escalated] = signals;
      assert.ok(escalated);
      assert.deepEqual(
        [escalated.id, escalated.count, escalated.trips, escalated.action, escalated.rules],
        [opened.id, 6, 2, "suspend", ["suspend-persistent-probes"]],
      );
      const refused = await hub.request("POST", "/v2/models/olivia--iris/versions/v1/infer", {
        token: pat,
        json: irisRequest(IRIS_ROWS),
      });
      calls += 1;
      assert.equal(refused.status, 403);
      assert.match(
        ((await refused.json()) as { error: string }).error,
        new RegExp(`suspended by abuse signal ${opened.id}`),
      );
      const audited = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "details"])
        .where("resource", "=", `signal:${opened.id}`)
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        audited.map((e) => {
          const d = JSON.parse(e.details) as { action?: string; from?: string; rules?: string[] };
          return [e.action, d.from ?? null, d.action, d.rules];
        }),
        [
          ["signal.open", null, "throttle", ["throttle-probes"]],
          ["signal.escalate", "throttle", "suspend", ["suspend-persistent-probes"]],
        ],
      );

      await expectStatus(
        hub.request("POST", `/api/usage/signals/${opened.id}/close`, {
          token: hub.adminToken,
          json: { reason: "our own test client" },
        }),
        200,
      );
      const limits = await hub.built.ctx.db
        .selectFrom("usage_limits")
        .select("spec")
        .where("scope", "=", `token:${patId}`)
        .executeTakeFirst();
      assert.equal(limits, undefined, "the throttle is lifted with the suspension");
      clock.advance(60);
      assert.deepEqual(
        [await call(pat, "olivia--iris"), await call(pat, "olivia--iris")],
        [200, 200],
      );
      await settle();
    });

    it("treats a rule that cannot be evaluated for a signal as not holding", async () => {
      // suspend-probes-of-open-models reads version.stage; a probe of an unknown model has no
      // version, so only throttle-probes holds for this token's signal.
      const quinn = await hub.createUser("quinn");
      clock.advance(600);
      for (let i = 0; i < 3; i += 1) {
        assert.equal(await call(quinn, "olivia--missing"), 404);
      }
      await settle();
      const open = (await probingSignals()).filter((s) => s.trips === 1 && s.count === 3);
      assert.deepEqual(
        open.map((s) => [s.action, s.rules]),
        [["throttle", ["throttle-probes"]]],
      );
    });
  });
}

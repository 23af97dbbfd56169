import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  enqueueEvent,
  MAX_ATTEMPTS,
  retryDelaySeconds,
  runWebhookDeliveries,
} from "../../src/events/index.js";
import { createDraft, expectError, expectStatus } from "../security/support.js";
import { cleanCard } from "../release/clean-card.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { Receiver } from "./receiver.js";

/** A hub whose background loop stays out of the way: each test runs the loop itself. */
const ENV = {
  GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
  GATEHOUSE_WEBHOOK_TIMEOUT: "1",
  GATEHOUSE_WEBHOOK_DISABLE_AFTER: "5",
  GATEHOUSE_WEBHOOK_INTERVAL: "86400",
};

interface Created {
  readonly id: string;
  readonly secret: string;
}

interface Delivery {
  readonly id: string;
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly redeliveryOf: string | null;
  readonly event: { id: string; type: string };
  readonly log: readonly {
    attempt: number;
    at: string;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
  }[];
}

/** The documented example body of each event type, from docs/webhooks.md. */
async function documentedExamples(): Promise<Map<string, { data: Record<string, unknown> }>> {
  const doc = await readFile(new URL("../../../../docs/webhooks.md", import.meta.url), "utf8");
  const examples = new Map<string, { data: Record<string, unknown> }>();
  for (const [, json] of doc.matchAll(/```json\n(\{\n {2}"type"[\s\S]*?)\n```/g)) {
    const body = JSON.parse(json ?? "") as { type: string; data: Record<string, unknown> };
    examples.set(body.type, body);
  }
  return examples;
}

async function publish(hub: TestHub, token: string, model: string, version: string) {
  await createDraft(hub, token, model, version, {
    "README.md": cleanCard({ license: "apache-2.0" }),
    "model.bin": `weights of ${version}`,
  });
  return expectStatus(
    hub.request("POST", `/api/models/${model}/versions/${version}/publish`, { token }),
    200,
  );
}

for (const dialect of DIALECTS) {
  describe(`webhook deliveries retry with backoff until the receiver takes them (${dialect})`, () => {
    let hub: TestHub;
    let receiver: Receiver;
    let hook: Created;
    // The attempt that succeeds comes after the whole backoff below; the clock starts that far
    // in the past so that attempt is signed at about the real time, which Webhook.verify checks.
    const backoff = [1, 2, 3, 4].reduce((sum, failed) => sum + retryDelaySeconds(failed), 0);
    const clock = new ManualClock(new Date(Date.now() - backoff * 1000).toISOString());

    before(async () => {
      hub = await startHub(dialect, ENV, { clock });
      receiver = await Receiver.start();
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: hub.adminToken,
          json: { id: "admin/m", visibility: "private" },
        }),
        201,
      );
      const res = await expectStatus(
        hub.request("POST", "/api/models/admin/m/webhooks", {
          token: hub.adminToken,
          json: { url: receiver.url, events: ["version.published"] },
        }),
        201,
      );
      hook = (await res.json()) as Created;
    });
    after(async () => {
      await receiver.close();
      await hub.close();
    });

    const deliveries = async (): Promise<Delivery[]> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/admin/m/webhooks/${hook.id}/deliveries`, {
          token: hub.adminToken,
        }),
        200,
      );
      return (await res.json()) as Delivery[];
    };

    it("delivers after two 500s, a timeout and a dropped connection, each retry on the schedule, and the receiver verifies the signature", async () => {
      assert.deepEqual(
        [1, 2, 3, 4].map(retryDelaySeconds),
        [10, 40, 160, 640],
        "the documented schedule",
      );
      receiver.willAnswer(500, 500, "hang", "close");
      await publish(hub, hub.adminToken, "admin/m", "v1");
      const first = await runWebhookDeliveries(hub.built.ctx);
      assert.deepEqual(first, { queued: 1, attempted: 1, delivered: 0 });
      for (const failed of [1, 2, 3, 4]) {
        const wait = retryDelaySeconds(failed);
        clock.advance(wait - 1);
        assert.equal(
          (await runWebhookDeliveries(hub.built.ctx)).attempted,
          0,
          `nothing is retried before ${wait} s`,
        );
        clock.advance(1);
        const run = await runWebhookDeliveries(hub.built.ctx);
        assert.equal(run.attempted, 1, `retry ${failed} runs after ${wait} s`);
        assert.equal(run.delivered, failed === 4 ? 1 : 0);
      }
      assert.deepEqual(
        receiver.received.map((r) => r.answer),
        [500, 500, "hang", "close", 200],
      );
      const ids = new Set(receiver.received.map((r) => r.headers["webhook-id"]));
      assert.equal(ids.size, 1, "every attempt carries the event's id");
      const last = receiver.received.at(-1);
      assert.ok(last !== undefined);
      const verified = Receiver.verify(hook.secret, last) as {
        type: string;
        data: { model: { name: string }; version: { name: string } };
      };
      assert.equal(verified.type, "version.published");
      assert.equal(verified.data.model.name, "admin/m");
      assert.equal(verified.data.version.name, "v1");
      assert.throws(
        () => Receiver.verify(`whsec_${Buffer.alloc(32, 1).toString("base64")}`, last),
        /No matching signature/,
        "another secret does not verify",
      );
      assert.equal(
        await runWebhookDeliveries(hub.built.ctx).then((r) => r.attempted),
        0,
        "a delivered event is not sent again",
      );
    });

    it("logs every attempt with its status code, duration, error and time", async () => {
      const [delivery] = await deliveries();
      assert.ok(delivery !== undefined);
      assert.equal(delivery.status, "delivered");
      assert.equal(delivery.attempts, 5);
      assert.equal(delivery.nextAttemptAt, null);
      assert.deepEqual(
        delivery.log.map((a) => [a.attempt, a.statusCode]),
        [
          [1, 500],
          [2, 500],
          [3, null],
          [4, null],
          [5, 200],
        ],
      );
      assert.match(delivery.log[0]?.error ?? "", /answered 500/);
      assert.match(delivery.log[2]?.error ?? "", /timed out: no answer within 1 s/);
      assert.ok((delivery.log[2]?.durationMs ?? 0) >= 900, "the timeout took its second");
      assert.match(delivery.log[3]?.error ?? "", /connection failed/);
      assert.equal(delivery.log[4]?.error, null);
      const times = delivery.log.map((a) => Date.parse(a.at));
      assert.deepEqual(
        times.slice(1).map((t, i) => (t - (times[i] ?? 0)) / 1000),
        [10, 40, 160, 640],
      );
    });

    it("redelivers by hand as a new delivery with the same webhook-id, which verifies", async () => {
      const [original] = await deliveries();
      assert.ok(original !== undefined);
      const res = await expectStatus(
        hub.request(
          "POST",
          `/api/models/admin/m/webhooks/${hook.id}/deliveries/${original.id}/redeliver`,
          { token: hub.adminToken },
        ),
        202,
      );
      const queued = (await res.json()) as Delivery;
      assert.equal(queued.status, "pending");
      assert.equal(queued.redeliveryOf, original.id);
      assert.equal(queued.event.id, original.event.id);
      const run = await runWebhookDeliveries(hub.built.ctx);
      assert.deepEqual(run, { queued: 0, attempted: 1, delivered: 1 });
      const again = receiver.received.at(-1);
      assert.ok(again !== undefined);
      assert.equal(again.headers["webhook-id"], original.event.id);
      Receiver.verify(hook.secret, again);
      const audit = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "webhook.redeliver")
        .execute();
      assert.equal(audit.length, 1);
      await expectError(
        hub.request(
          "POST",
          `/api/models/admin/m/webhooks/${hook.id}/deliveries/whd_nothing/redeliver`,
          { token: hub.adminToken },
        ),
        404,
        "NOT_FOUND",
      );
    });

    it("gives a delivery up after its last attempt", async () => {
      receiver.willAnswer(...Array<number>(MAX_ATTEMPTS).fill(503));
      clock.advance(1);
      await publish(hub, hub.adminToken, "admin/m", "v2");
      await runWebhookDeliveries(hub.built.ctx);
      for (let failed = 1; failed < MAX_ATTEMPTS; failed += 1) {
        // Reset by hand, so that the subscription's run of failures does not disable it first.
        if (failed === 4) {
          await hub.built.ctx.db
            .updateTable("webhook_subscriptions")
            .set({ consecutive_failures: 0 })
            .execute();
        }
        clock.advance(retryDelaySeconds(failed));
        await runWebhookDeliveries(hub.built.ctx);
      }
      const [given] = await deliveries();
      assert.equal(given?.status, "failed");
      assert.equal(given.attempts, MAX_ATTEMPTS);
      assert.equal(given.nextAttemptAt, null);
      clock.advance(86_400);
      assert.equal((await runWebhookDeliveries(hub.built.ctx)).attempted, 0);
    });
  });

  describe(`webhook events carry their payloads, from the outbox written with each change (${dialect})`, () => {
    let hub: TestHub;
    let receiver: Receiver;
    let alice: string;
    let rita: string;
    let orgHook: Created;
    const clock = new ManualClock(new Date().toISOString());

    before(async () => {
      hub = await startHub(dialect, { ...ENV, GATEHOUSE_DEFAULT_POLICY: "true" }, { clock });
      receiver = await Receiver.start();
      alice = await hub.createUser("alice");
      rita = await hub.createUser("rita");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/rita", {
          token: alice,
          json: { role: "reviewer" },
        }),
        200,
      );
      const res = await expectStatus(
        hub.request("POST", "/api/namespaces/acme/webhooks", {
          token: alice,
          json: {
            url: receiver.url,
            events: [
              "version.published",
              "release.transitioned",
              "release.pending_signoff",
              "version.withdrawn",
            ],
            description: "every release event of acme",
          },
        }),
        201,
      );
      orgHook = (await res.json()) as Created;
    });
    after(async () => {
      await receiver.close();
      await hub.close();
    });

    const transition = (token: string, body: Record<string, unknown>) =>
      hub.request("POST", "/api/models/acme/m/versions/v1/transitions", { token, json: body });

    it("sends publication, stage change, withdrawal and pending sign-off, each signed and shaped as documented", async () => {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/m", visibility: "private" },
        }),
        201,
      );
      await publish(hub, alice, "acme/m", "v1");
      await expectStatus(transition(alice, { to: "internal", reason: "for colleagues" }), 200);
      await expectStatus(transition(alice, { to: "withdrawn", reason: "leaks data" }), 200);
      // Restoring needs an admin and a reviewer's sign-off: it waits.
      await expectStatus(transition(hub.adminToken, { to: "internal", reason: "fixed" }), 202);
      await expectStatus(
        hub.request("POST", "/api/models/acme/m/versions/v1/signoffs", {
          token: rita,
          json: { verdict: "approve", comment: "checked" },
        }),
        200,
      );
      const run = await runWebhookDeliveries(hub.built.ctx);
      assert.equal(run.delivered, 6, JSON.stringify(run));
      for (const received of receiver.received) {
        Receiver.verify(orgHook.secret, received);
      }
      const bodies = receiver.accepted();
      const [alicesId, ritasId, adminsId] = await Promise.all(
        ["alice", "rita", "admin"].map(async (name) => {
          const row = await hub.built.ctx.db
            .selectFrom("namespaces")
            .select("id")
            .where("name", "=", name)
            .executeTakeFirstOrThrow();
          return row.id;
        }),
      );
      const model = await hub.built.ctx.db
        .selectFrom("models")
        .select("id")
        .executeTakeFirstOrThrow();
      const version = await hub.built.ctx.db
        .selectFrom("versions")
        .select(["id", "commit_id"])
        .executeTakeFirstOrThrow();
      const ref = {
        model: { id: model.id, name: "acme/m" },
        version: { id: version.id, name: "v1" },
      };
      assert.deepEqual(bodies.map((b) => b.type).sort(), [
        "release.pending_signoff",
        "release.transitioned",
        "release.transitioned",
        "release.transitioned",
        "version.published",
        "version.withdrawn",
      ]);
      const of = (type: string) => bodies.filter((b) => b.type === type);
      assert.deepEqual(of("version.published")[0]?.data, {
        model: ref.model,
        version: { ...ref.version, commit: version.commit_id },
        publishedBy: alicesId,
      });
      const moves = of("release.transitioned").map((b) => b.data);
      // Deliveries run side by side, so they may arrive in any order.
      assert.deepEqual(
        moves
          .map(
            (m) => `${String(m.from)} → ${String(m.to)}: ${String(m.reason)} by ${String(m.actor)}`,
          )
          .sort(),
        [
          `private → internal: for colleagues by ${alicesId}`,
          `internal → withdrawn: leaks data by ${alicesId}`,
          `withdrawn → internal: fixed by ${ritasId}`,
        ].sort(),
      );
      assert.deepEqual(
        { ...of("version.withdrawn")[0]?.data, transition: "" },
        { ...ref, transition: "", from: "internal", reason: "leaks data", actor: alicesId },
      );
      const pending = of("release.pending_signoff")[0]?.data as
        { requestedBy: string; from: string; to: string; rules: { id: string }[] } | undefined;
      assert.ok(pending !== undefined);
      assert.equal(pending.requestedBy, adminsId);
      assert.deepEqual([pending.from, pending.to], ["withdrawn", "internal"]);
      assert.ok(pending.rules.length > 0, "names the rules awaiting sign-offs");
      const examples = await documentedExamples();
      for (const body of bodies) {
        const example = examples.get(body.type);
        assert.ok(example !== undefined, `docs/webhooks.md shows an example of ${body.type}`);
        assert.deepEqual(
          Object.keys(body.data).sort(),
          Object.keys(example.data).sort(),
          `${body.type} has the documented fields`,
        );
      }
    });

    it("writes no event for a change that rolls back", async () => {
      const count = async () => {
        const row = await hub.built.ctx.db
          .selectFrom("webhook_events")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      const before = await count();
      const model = await hub.built.ctx.db
        .selectFrom("models")
        .innerJoin("namespaces", "namespaces.id", "models.namespace_id")
        .select(["models.id", "models.namespace_id", "models.updated_at"])
        .executeTakeFirstOrThrow();
      await assert.rejects(
        hub.built.ctx.db.transaction().execute(async (trx) => {
          await trx
            .updateTable("models")
            .set({ updated_at: "2030-01-01T00:00:00.000Z" })
            .where("id", "=", model.id)
            .execute();
          const id = await enqueueEvent(trx, {
            type: "version.published",
            namespaceId: model.namespace_id,
            at: clock.now(),
            data: {
              model: { id: model.id, name: "acme/m" },
              version: { id: "v_gone", name: "gone", commit: "0".repeat(40) },
              publishedBy: null,
            },
          });
          assert.ok(id !== null, "the event was written inside the transaction");
          throw new Error("the change failed after its event was written");
        }),
        /the change failed/,
      );
      assert.equal(await count(), before);
      const after = await hub.built.ctx.db
        .selectFrom("models")
        .select("updated_at")
        .where("id", "=", model.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.updated_at, model.updated_at);
      const sent = receiver.received.length;
      assert.deepEqual(await runWebhookDeliveries(hub.built.ctx), {
        queued: 0,
        attempted: 0,
        delivered: 0,
      });
      assert.equal(receiver.received.length, sent);
    });

    it("disables a subscription after its run of failures, gives up its deliveries, and takes it back when enabled", async () => {
      receiver.willAnswer(...Array<number>(5).fill(500));
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/n", visibility: "private" },
        }),
        201,
      );
      await publish(hub, alice, "acme/n", "v1");
      await runWebhookDeliveries(hub.built.ctx);
      for (const failed of [1, 2, 3, 4]) {
        clock.advance(retryDelaySeconds(failed));
        await runWebhookDeliveries(hub.built.ctx);
      }
      const show = async () => {
        const res = await expectStatus(
          hub.request("GET", `/api/namespaces/acme/webhooks/${orgHook.id}`, { token: alice }),
          200,
        );
        return (await res.json()) as {
          enabled: boolean;
          disabledReason: string | null;
          consecutiveFailures: number;
        };
      };
      const disabled = await show();
      assert.equal(disabled.enabled, false);
      assert.equal(disabled.consecutiveFailures, 5);
      assert.match(disabled.disabledReason ?? "", /5 delivery attempts in a row failed/);
      const list = (await (
        await expectStatus(
          hub.request("GET", `/api/namespaces/acme/webhooks/${orgHook.id}/deliveries`, {
            token: alice,
          }),
          200,
        )
      ).json()) as Delivery[];
      const given = list.filter((d) => d.status === "failed");
      assert.equal(given.length, 1, "its pending delivery was given up");
      const audited = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["actor_id", "resource"])
        .where("action", "=", "webhook.disable")
        .execute();
      assert.deepEqual(audited, [{ actor_id: null, resource: `webhook:${orgHook.id}` }]);
      // Disabled: new events are not queued for it, and nothing is attempted.
      await publish(hub, alice, "acme/n", "v2");
      clock.advance(86_400);
      assert.equal((await runWebhookDeliveries(hub.built.ctx)).attempted, 0);
      const redeliver = `/api/namespaces/acme/webhooks/${orgHook.id}/deliveries/${given[0]?.id ?? ""}/redeliver`;
      const refused = await expectError(
        hub.request("POST", redeliver, { token: alice }),
        409,
        "CONFLICT",
      );
      assert.match(refused.error, /disabled .*enable it first/);
      await expectStatus(
        hub.request("PATCH", `/api/namespaces/acme/webhooks/${orgHook.id}`, {
          token: alice,
          json: { enabled: true },
        }),
        200,
      );
      const enabled = await show();
      assert.deepEqual(
        [enabled.enabled, enabled.disabledReason, enabled.consecutiveFailures],
        [true, null, 0],
      );
      await expectStatus(hub.request("POST", redeliver, { token: alice }), 202);
      const sent = receiver.received.length;
      assert.equal((await runWebhookDeliveries(hub.built.ctx)).delivered, 1);
      assert.equal(receiver.received.length, sent + 1);
      assert.equal(receiver.received.at(-1)?.answer, 200);
    });

    it("disables a subscription at once when the receiver answers 410 Gone", async () => {
      const leaving = await Receiver.start("/leaving");
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/gone", visibility: "private" },
        }),
        201,
      );
      const res = await expectStatus(
        hub.request("POST", "/api/models/acme/gone/webhooks", {
          token: alice,
          json: { url: receiver.url, events: ["version.published"] },
        }),
        201,
      );
      const gone = (await res.json()) as Created;
      // Its own receiver: the namespace's subscription gets the same event.
      await expectStatus(
        hub.request("PATCH", `/api/models/acme/gone/webhooks/${gone.id}`, {
          token: alice,
          json: { url: leaving.url },
        }),
        200,
      );
      leaving.willAnswer(410);
      await publish(hub, alice, "acme/gone", "v1");
      await runWebhookDeliveries(hub.built.ctx);
      assert.equal(leaving.received.length, 1);
      const shown = (await (
        await expectStatus(
          hub.request("GET", `/api/models/acme/gone/webhooks/${gone.id}`, { token: alice }),
          200,
        )
      ).json()) as { enabled: boolean; disabledReason: string };
      assert.equal(shown.enabled, false);
      assert.match(shown.disabledReason, /410 Gone/);
      await leaving.close();
    });
  });
}

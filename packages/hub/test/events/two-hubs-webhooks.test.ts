import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildApp, type BuiltApp } from "../../src/app.js";
import { retryDelaySeconds, runWebhookDeliveries } from "../../src/events/index.js";
import { createDraft, expectStatus } from "../security/support.js";
import { POSTGRES_URL, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { Receiver } from "./receiver.js";

const ENV = {
  GATEHOUSE_DEFAULT_POLICY: "false",
  GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
  GATEHOUSE_WEBHOOK_TIMEOUT: "2",
  GATEHOUSE_WEBHOOK_INTERVAL: "86400",
};

describe(
  "each webhook attempt is made once with two hubs on one PostgreSQL",
  {
    skip: POSTGRES_URL === undefined ? "GATEHOUSE_TEST_POSTGRES_URL is not set" : false,
  },
  () => {
    const VERSIONS = 10;
    const clock = new ManualClock(new Date().toISOString());
    let first: TestHub;
    let second: BuiltApp;
    let receiver: Receiver;

    before(async () => {
      first = await startHub("postgres", ENV, { clock });
      // A second hub on the same schema, with its own connections: it contends as another process would.
      second = await buildApp({ config: first.config, clock });
      receiver = await Receiver.start();
    });
    after(async () => {
      await second.close();
      await first.close();
      await receiver.close();
    });

    it(`fans out and attempts each of ${VERSIONS} events once, however many runs race, and retries once each`, async () => {
      const token = first.adminToken;
      await expectStatus(
        first.request("POST", "/api/models", { token, json: { id: "admin/many" } }),
        201,
      );
      await expectStatus(
        first.request("POST", "/api/models/admin/many/webhooks", {
          token,
          json: { url: receiver.url, events: ["version.published"] },
        }),
        201,
      );
      for (let i = 0; i < VERSIONS; i += 1) {
        await createDraft(first, token, "admin/many", `v${i}`, { "w.bin": `weights ${i}` });
        await expectStatus(
          first.request("POST", `/api/models/admin/many/versions/v${i}/publish`, { token }),
          200,
        );
      }
      // Every first attempt fails, so each is retried once on the schedule.
      receiver.willAnswer(...Array<number>(VERSIONS).fill(500));
      const race = () =>
        Promise.all([
          runWebhookDeliveries(first.built.ctx),
          runWebhookDeliveries(second.ctx),
          runWebhookDeliveries(first.built.ctx),
          runWebhookDeliveries(second.ctx),
        ]);
      const runs = await race();
      assert.equal(
        runs.reduce((n, r) => n + r.queued, 0),
        VERSIONS,
        "each event fanned out once",
      );
      assert.equal(
        runs.reduce((n, r) => n + r.attempted, 0),
        VERSIONS,
        "each first attempt made once",
      );
      clock.advance(retryDelaySeconds(1));
      const retries = await race();
      assert.equal(
        retries.reduce((n, r) => n + r.delivered, 0),
        VERSIONS,
        "each retry made once",
      );
      const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
      assert.equal(ids.length, 2 * VERSIONS);
      assert.equal(new Set(ids).size, VERSIONS);
      const deliveries = await first.built.ctx.db
        .selectFrom("webhook_deliveries")
        .select(["status", "attempts"])
        .execute();
      assert.equal(deliveries.length, VERSIONS);
      assert.ok(deliveries.every((d) => d.status === "delivered" && d.attempts === 2));
      const log = await first.built.ctx.db
        .selectFrom("webhook_attempts")
        .select("attempt")
        .execute();
      assert.equal(log.length, 2 * VERSIONS);
    });
  },
);

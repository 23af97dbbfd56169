import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createDraft, expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { Receiver } from "./receiver.js";

describe("the webhook settings", () => {
  it("default to a 5 s interval, a 15 s timeout, 30 failures and no internal addresses", () => {
    const config = loadConfig({});
    assert.deepEqual(
      [
        config.webhookIntervalMs,
        config.webhookTimeoutMs,
        config.webhookDisableAfter,
        config.webhookAllowPrivate,
      ],
      [5000, 15_000, 30, false],
    );
  });

  it("refuse values they cannot use, naming the variable", () => {
    for (const [variable, value] of [
      ["GATEHOUSE_WEBHOOK_ALLOW_PRIVATE", "maybe"],
      ["GATEHOUSE_WEBHOOK_TIMEOUT", "61"],
      ["GATEHOUSE_WEBHOOK_DISABLE_AFTER", "0"],
      ["GATEHOUSE_WEBHOOK_INTERVAL", "soon"],
    ] as const) {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (err: unknown) => err instanceof ConfigError && err.variable === variable,
        variable,
      );
    }
  });
});

describe("the delivery loop the hub starts", () => {
  let hub: TestHub;
  let receiver: Receiver;

  before(async () => {
    hub = await startHub("sqlite", {
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
      GATEHOUSE_WEBHOOK_INTERVAL: "1",
    });
    receiver = await Receiver.start();
  });
  after(async () => {
    await hub.close();
    await receiver.close();
  });

  it("delivers a publication on its own within a few intervals", async () => {
    const token = hub.adminToken;
    await expectStatus(hub.request("POST", "/api/models", { token, json: { id: "admin/m" } }), 201);
    const res = await expectStatus(
      hub.request("POST", "/api/models/admin/m/webhooks", {
        token,
        json: { url: receiver.url, events: ["version.published"] },
      }),
      201,
    );
    const { secret } = (await res.json()) as { secret: string };
    await createDraft(hub, token, "admin/m", "v1", { "w.bin": "weights" });
    await expectStatus(
      hub.request("POST", "/api/models/admin/m/versions/v1/publish", { token }),
      200,
    );
    for (let i = 0; i < 100 && receiver.received.length === 0; i += 1) {
      await sleep(100);
    }
    const [received] = receiver.received;
    assert.ok(received !== undefined, "the loop delivered the event");
    assert.equal((Receiver.verify(secret, received) as { type: string }).type, "version.published");
  });
});

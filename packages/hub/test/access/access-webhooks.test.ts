import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runWebhookDeliveries } from "../../src/events/index.js";
import { Receiver } from "../events/receiver.js";
import { expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { askAccess, gatedCard, publishGated } from "./gate-support.js";

const ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true", GATEHOUSE_WEBHOOK_INTERVAL: "86400" };

interface Event {
  readonly type: string;
  readonly data: {
    model: { name: string };
    version: { name: string } | null;
    subject: { kind: string; id: string };
    request: string | null;
    expiresAt: string | null;
  };
}

for (const dialect of DIALECTS) {
  describe(`access webhooks: requested, granted and revoked, signed (${dialect})`, () => {
    let hub: TestHub;
    let receiver: Receiver;
    let alice: string;
    let bob: string;

    before(async () => {
      hub = await startHub(dialect, ENV);
      receiver = await Receiver.start();
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
    });
    after(async () => {
      await receiver.close();
      await hub.close();
    });

    it("sends access.requested, access.granted and access.revoked for a model's access, each verified by the receiver", async () => {
      await publishGated(hub, alice, "alice/llm", "v1", {
        "README.md": gatedCard({ grant_duration: "30d" }),
        "weights.bin": "weights",
      });
      const created = await expectStatus(
        hub.request("POST", "/api/models/alice/llm/webhooks", {
          token: alice,
          json: {
            url: receiver.url,
            events: ["access.requested", "access.granted", "access.revoked"],
          },
        }),
        201,
      );
      const { secret } = (await created.json()) as { secret: string };
      const asked = (await (await expectStatus(askAccess(hub, bob, "alice/llm"), 202)).json()) as {
        id: string;
      };
      await expectStatus(
        hub.request("POST", "/api/models/alice/llm/user-access-request/handle", {
          token: alice,
          json: { user: "bob", status: "accepted" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models/alice/llm/access/revoke", {
          token: alice,
          json: { user: "bob", reason: "project over" },
        }),
        200,
      );
      await runWebhookDeliveries(hub.built.ctx);
      assert.equal(receiver.received.length, 3);
      for (const got of receiver.received) {
        assert.doesNotThrow(() => Receiver.verify(secret, got));
      }
      const events = receiver.accepted() as unknown as Event[];
      const bobId = events[0]?.data.subject.id;
      assert.deepEqual(
        events
          .map((e) => [
            e.type,
            e.data.model.name,
            e.data.version?.name ?? null,
            e.data.subject.kind,
            e.data.request,
          ])
          .sort(),
        [
          ["access.granted", "alice/llm", null, "user", asked.id],
          ["access.requested", "alice/llm", "v1", "user", asked.id],
          ["access.revoked", "alice/llm", null, "user", asked.id],
        ],
      );
      assert.ok(events.every((e) => e.data.subject.id === bobId));
      const granted = events.find((e) => e.type === "access.granted");
      assert.ok(granted?.data.expiresAt !== null && granted?.data.expiresAt !== undefined);
    });
  });
}

import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { runWebhookDeliveries } from "../../src/events/index.js";
import { Receiver } from "../events/receiver.js";
import { createDraft, expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse webhook", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let receiver: Receiver;
  let alice: string;
  let sam: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });

  before(async () => {
    hub = await startHub("sqlite", {
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
      GATEHOUSE_WEBHOOK_INTERVAL: "86400",
    });
    home = await tempHome();
    receiver = await Receiver.start();
    alice = await hub.createUser("alice");
    sam = await hub.createUser("sam");
    assert.equal((await gatehouse(["org", "create", "acme"], as(alice))).code, 0);
    assert.equal((await gatehouse(["model", "create", "acme/bert"], as(alice))).code, 0);
  });
  after(async () => {
    await receiver.close();
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
  });

  it("adds, lists, shows, updates, delivers, redelivers and removes a subscription", async () => {
    const added = await gatehouse(
      [
        "webhook",
        "add",
        "acme/bert",
        "--url",
        receiver.url,
        "--events",
        "version.published, release.transitioned",
        "--description",
        "release bot",
      ],
      as(alice),
    );
    assert.equal(added.code, 0, added.stderr);
    const id = /^(wh_[0-9a-f]+)\tenabled/m.exec(added.stdout)?.[1] ?? "";
    assert.notEqual(id, "");
    assert.match(added.stdout, /^secret: whsec_\S+$/m);
    assert.match(added.stdout, /not shown again/);

    const listed = await gatehouse(["webhook", "list", "acme/bert"], as(alice));
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\tenabled\\t${receiver.url}`));
    assert.match(listed.stdout, /events: version\.published, release\.transitioned/);
    assert.equal(listed.stdout.includes("whsec_"), false);

    const json = await gatehouse(["--json", "webhook", "show", "acme/bert", id], as(alice));
    assert.equal(json.code, 0, json.stderr);
    const shown = JSON.parse(json.stdout) as { description: string; secret?: string };
    assert.equal(shown.description, "release bot");
    assert.equal(shown.secret, undefined);

    const disabled = await gatehouse(
      ["webhook", "update", "acme/bert", id, "--disable"],
      as(alice),
    );
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /disabled \(disabled by a user\)/);
    const enabled = await gatehouse(
      ["webhook", "update", "acme/bert", id, "--enable", "--events", "version.published"],
      as(alice),
    );
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(enabled.stdout, /enabled/);
    assert.match(enabled.stdout, /events: version\.published$/m);

    await createDraft(hub, alice, "acme/bert", "v1", { "w.bin": "weights" });
    await expectStatus(
      hub.request("POST", "/api/models/acme/bert/versions/v1/publish", { token: alice }),
      200,
    );
    receiver.willAnswer(500);
    await runWebhookDeliveries(hub.built.ctx);
    const deliveries = await gatehouse(["webhook", "deliveries", "acme/bert", id], as(alice));
    assert.equal(deliveries.code, 0, deliveries.stderr);
    assert.match(deliveries.stdout, /version\.published\tpending, 1 attempt, next at /);
    assert.match(deliveries.stdout, /#1 \S+ 500 \d+ ms: the receiver answered 500/);
    const delivery = /^(whd_[0-9a-f]+)\t/m.exec(deliveries.stdout)?.[1] ?? "";

    const redelivered = await gatehouse(
      ["webhook", "redeliver", "acme/bert", id, delivery],
      as(alice),
    );
    assert.equal(redelivered.code, 0, redelivered.stderr);
    assert.match(redelivered.stdout, new RegExp(`pending, 0 attempts, .*redelivers ${delivery}`));

    const removed = await gatehouse(["webhook", "remove", "acme/bert", id], as(alice));
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`removed webhook subscription ${id}`));
    const gone = await gatehouse(["webhook", "show", "acme/bert", id], as(alice));
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`error: acme/bert has no webhook subscription ${id}`));
  });

  it("manages a namespace's subscriptions", async () => {
    const added = await gatehouse(
      ["webhook", "add", "acme", "--url", receiver.url, "--events", "version.withdrawn"],
      as(alice),
    );
    assert.equal(added.code, 0, added.stderr);
    const listed = await gatehouse(["--json", "webhook", "list", "acme"], as(alice));
    const list = JSON.parse(listed.stdout) as { model: string | null; namespace: string }[];
    assert.deepEqual(
      list.map((s) => [s.model, s.namespace]),
      [[null, "acme"]],
    );
  });

  it("exits non-zero with the hub's message on a refusal", async () => {
    const unknown = await gatehouse(
      ["webhook", "add", "acme/bert", "--url", receiver.url, "--events", "model.exploded"],
      as(alice),
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error: unknown event type "model\.exploded".*\(BAD_REQUEST\)/);
    const scheme = await gatehouse(
      [
        "webhook",
        "add",
        "acme/bert",
        "--url",
        "file:///etc/passwd",
        "--events",
        "version.published",
      ],
      as(alice),
    );
    assert.equal(scheme.code, 1);
    assert.match(scheme.stderr, /error: url must be http:\/\/ or https:\/\//);
    const stranger = await gatehouse(["webhook", "list", "acme"], as(sam));
    assert.equal(stranger.code, 1);
    assert.match(
      stranger.stderr,
      /only owners and maintainers of "acme" may manage its webhooks \(FORBIDDEN\)/,
    );
    const usage = await gatehouse(["webhook", "update", "acme/bert", "wh_x"], as(alice));
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /say what to change/);
  });
});

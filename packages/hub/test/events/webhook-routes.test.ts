import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { auditCount, createModel, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

/** A public address that needs no name resolution; nothing is delivered in these tests. */
const PUBLIC_URL = "https://203.0.113.10/gatehouse";
/** Without GATEHOUSE_WEBHOOK_ALLOW_PRIVATE, and with the delivery loop out of the way. */
const ENV = { GATEHOUSE_WEBHOOK_INTERVAL: "86400" };
const EVENTS = ["version.published"];

interface View {
  readonly id: string;
  readonly secret?: string;
  readonly url: string;
  readonly events: string[];
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly description: string;
  readonly model: string | null;
  readonly namespace: string;
}

for (const dialect of DIALECTS) {
  describe(`webhook subscription routes (${dialect})`, () => {
    let hub: TestHub;
    const tokens: Record<string, string> = {};

    before(async () => {
      hub = await startHub(dialect, ENV);
      for (const name of ["alice", "mia", "rita", "mem", "sam"]) {
        tokens[name] = await hub.createUser(name);
      }
      const alice = tokens.alice ?? "";
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of [
        ["mia", "maintainer"],
        ["rita", "reviewer"],
        ["mem", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: alice, json: { role } }),
          200,
        );
      }
      await createModel(hub, alice, "acme/secret", "private");
    });
    after(() => hub.close());

    const subscriptionCount = async (): Promise<number> => {
      const row = await hub.built.ctx.db
        .selectFrom("webhook_subscriptions")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const create = (path: string, token: string | undefined, json: unknown) =>
      hub.request("POST", path, { ...(token === undefined ? {} : { token }), json });

    it("lets owners and maintainers manage, refuses reviewers, and hides a private model from the rest", async () => {
      const cases: [string, string | undefined, number, string | null][] = [
        ["owner", tokens.alice, 201, null],
        ["org maintainer", tokens.mia, 201, null],
        ["reviewer", tokens.rita, 403, "FORBIDDEN"],
        ["member", tokens.mem, 404, "REPO_NOT_FOUND"],
        ["stranger", tokens.sam, 404, "REPO_NOT_FOUND"],
        ["anonymous", undefined, 401, "REPO_NOT_FOUND"],
      ];
      for (const [who, token, status, code] of cases) {
        const body = { url: PUBLIC_URL, events: EVENTS };
        const routes = [
          () => create("/api/models/acme/secret/webhooks", token, body),
          () =>
            hub.request("GET", "/api/models/acme/secret/webhooks", {
              ...(token === undefined ? {} : { token }),
            }),
        ];
        for (const [i, route] of routes.entries()) {
          const expected = i === 1 && status === 201 ? 200 : status;
          if (code === null) {
            await expectStatus(route(), expected);
          } else {
            const refused = await expectError(route(), expected, code);
            if (code === "REPO_NOT_FOUND") {
              assert.match(refused.error, /Repository not found: acme\/secret/, who);
            }
          }
        }
      }
    });

    it("lets owners and maintainers manage a namespace's subscriptions, and nobody else", async () => {
      const cases: [string, string | undefined, number, string | null][] = [
        ["owner", tokens.alice, 201, null],
        ["org maintainer", tokens.mia, 201, null],
        ["reviewer", tokens.rita, 403, "FORBIDDEN"],
        ["member", tokens.mem, 403, "FORBIDDEN"],
        ["stranger", tokens.sam, 403, "FORBIDDEN"],
        ["anonymous", undefined, 401, "UNAUTHENTICATED"],
      ];
      for (const [who, token, status, code] of cases) {
        const res = create("/api/namespaces/acme/webhooks", token, {
          url: PUBLIC_URL,
          events: EVENTS,
        });
        if (code === null) {
          await expectStatus(res, status);
        } else {
          const refused = await expectError(res, status, code);
          if (code === "FORBIDDEN") {
            assert.match(refused.error, /only owners and maintainers of "acme"/, who);
          }
        }
      }
      await expectStatus(
        create("/api/namespaces/sam/webhooks", tokens.sam, { url: PUBLIC_URL, events: EVENTS }),
        201,
      );
      await expectError(
        create("/api/namespaces/sam/webhooks", tokens.alice, { url: PUBLIC_URL, events: EVENTS }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        create("/api/namespaces/nobody/webhooks", tokens.alice, {
          url: PUBLIC_URL,
          events: EVENTS,
        }),
        404,
        "NOT_FOUND",
      );
    });

    it("answers a stranger about a private model's webhooks exactly as about a missing model", async () => {
      for (const [method, suffix] of [
        ["GET", ""],
        ["GET", "/wh_0"],
        ["PATCH", "/wh_0"],
        ["DELETE", "/wh_0"],
        ["GET", "/wh_0/deliveries"],
        ["POST", "/wh_0/deliveries/whd_0/redeliver"],
      ] as const) {
        const answer = async (model: string) => {
          const res = await hub.request(method, `/api/models/${model}/webhooks${suffix}`, {
            token: tokens.sam ?? "",
            headers: { "x-request-id": "same" },
            ...(method === "PATCH" ? { json: { enabled: false } } : {}),
          });
          return { status: res.status, text: await res.text() };
        };
        const hidden = await answer("acme/secret");
        const missing = await answer("acme/nothing");
        assert.equal(hidden.status, 404, `${method} ${suffix}`);
        assert.equal(hidden.text.replaceAll("acme/secret", "acme/nothing"), missing.text);
      }
    });

    it("refuses bad input with a clear 400 and changes nothing", async () => {
      const alice = tokens.alice ?? "";
      const before = { audit: await auditCount(hub), subscriptions: await subscriptionCount() };
      const refusals: [unknown, RegExp][] = [
        [{ url: "ftp://203.0.113.10/x", events: EVENTS }, /url must be http:\/\/ or https:\/\//],
        [{ url: "not a url", events: EVENTS }, /url "not a url" is not an absolute URL/],
        [
          { url: "http://127.0.0.1:9000/hook", events: EVENTS },
          /url host "127\.0\.0\.1" is a loopback address; .*GATEHOUSE_WEBHOOK_ALLOW_PRIVATE/,
        ],
        [{ url: "http://10.0.0.8/hook", events: EVENTS }, /is a private address/],
        [{ url: "http://[fd00::1]/hook", events: EVENTS }, /is a unique-local address/],
        [{ url: "http://169.254.169.254/latest", events: EVENTS }, /is a link-local address/],
        [
          { url: "http://localhost:9000/hook", events: EVENTS },
          /url host "localhost" resolves to (127\.0\.0\.1|::1), a loopback address/,
        ],
        [
          { url: PUBLIC_URL, events: ["version.published", "model.exploded"] },
          /unknown event type "model\.exploded"; the event types are access\.requested, /,
        ],
        [{ url: PUBLIC_URL, events: [] }, /events/],
        [{ url: PUBLIC_URL, events: EVENTS, secret: "mine" }, /secret/],
        [{ url: "https://user:pw@203.0.113.10/x", events: EVENTS }, /user name or password/],
      ];
      for (const [body, message] of refusals) {
        const refused = await expectError(
          create("/api/models/acme/secret/webhooks", alice, body),
          400,
          "BAD_REQUEST",
        );
        assert.match(refused.error, message, JSON.stringify(body));
      }
      const created = (await (
        await expectStatus(
          create("/api/models/acme/secret/webhooks", alice, { url: PUBLIC_URL, events: EVENTS }),
          201,
        )
      ).json()) as View;
      const afterCreate = {
        audit: await auditCount(hub),
        subscriptions: await subscriptionCount(),
      };
      assert.deepEqual(afterCreate, {
        audit: before.audit + 1,
        subscriptions: before.subscriptions + 1,
      });
      const path = `/api/models/acme/secret/webhooks/${created.id}`;
      for (const [json, message] of [
        [{ url: "gopher://203.0.113.10/" }, /url must be http/],
        [{ events: ["nothing.happened"] }, /unknown event type "nothing\.happened"/],
        [{ url: "http://192.168.0.1/" }, /private address/],
      ] as const) {
        const refused = await expectError(
          hub.request("PATCH", path, { token: alice, json }),
          400,
          "BAD_REQUEST",
        );
        assert.match(refused.error, message);
      }
      await expectError(
        hub.request("GET", "/api/models/acme/secret/webhooks/wh_nothing", { token: alice }),
        404,
        "NOT_FOUND",
      );
      // A namespace's subscription is not reached through a model's URL, nor the other way.
      const nsHook = (await (
        await expectStatus(
          create("/api/namespaces/acme/webhooks", alice, { url: PUBLIC_URL, events: EVENTS }),
          201,
        )
      ).json()) as View;
      await expectError(
        hub.request("GET", `/api/models/acme/secret/webhooks/${nsHook.id}`, { token: alice }),
        404,
        "NOT_FOUND",
      );
      await expectError(
        hub.request("DELETE", `/api/namespaces/acme/webhooks/${created.id}`, { token: alice }),
        404,
        "NOT_FOUND",
      );
      assert.equal(await subscriptionCount(), afterCreate.subscriptions + 1);
    });

    it("shows the secret once, in the Standard Webhooks form, and never again nor in the audit log", async () => {
      const alice = tokens.alice ?? "";
      const url = "https://203.0.113.10/hooks/T0KEN-IN-PATH?key=abc";
      const res = await expectStatus(
        create("/api/models/acme/secret/webhooks", alice, {
          url,
          events: ["version.published", "version.withdrawn"],
          description: "release bot",
        }),
        201,
      );
      const created = (await res.json()) as View;
      assert.match(created.secret ?? "", /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(Buffer.from((created.secret ?? "").slice(6), "base64").length, 32);
      const shown = (await (
        await expectStatus(
          hub.request("GET", `/api/models/acme/secret/webhooks/${created.id}`, { token: alice }),
          200,
        )
      ).json()) as View;
      assert.equal(shown.secret, undefined);
      assert.deepEqual(
        [shown.url, shown.events, shown.description, shown.model, shown.namespace],
        [url, ["version.published", "version.withdrawn"], "release bot", "acme/secret", "acme"],
      );
      const listed = await (
        await expectStatus(
          hub.request("GET", "/api/models/acme/secret/webhooks", { token: alice }),
          200,
        )
      ).text();
      assert.equal(listed.includes("whsec_"), false);
      const audit = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["details"])
        .where("resource", "=", `webhook:${created.id}`)
        .execute();
      assert.equal(audit.length, 1);
      const details = audit[0]?.details ?? "";
      assert.equal(details.includes("whsec_"), false);
      assert.equal(details.includes(created.secret ?? "?"), false);
      assert.equal(details.includes("T0KEN"), false, "the URL is audited by its origin only");
      assert.match(details, /"url":"https:\/\/203\.0\.113\.10"/);
    });

    it("updates, disables, enables and deletes a subscription, each change audited", async () => {
      const mia = tokens.mia ?? "";
      const created = (await (
        await expectStatus(
          create("/api/models/acme/secret/webhooks", mia, { url: PUBLIC_URL, events: EVENTS }),
          201,
        )
      ).json()) as View;
      const path = `/api/models/acme/secret/webhooks/${created.id}`;
      const patch = async (json: unknown) =>
        (await (
          await expectStatus(hub.request("PATCH", path, { token: mia, json }), 200)
        ).json()) as View;
      const changed = await patch({
        url: "https://203.0.113.11/other",
        events: ["release.transitioned", "version.published"],
      });
      assert.equal(changed.url, "https://203.0.113.11/other");
      assert.deepEqual(changed.events, ["version.published", "release.transitioned"]);
      const disabled = await patch({ enabled: false });
      assert.deepEqual([disabled.enabled, disabled.disabledReason], [false, "disabled by a user"]);
      const enabled = await patch({ enabled: true });
      assert.deepEqual([enabled.enabled, enabled.disabledReason], [true, null]);
      await expectStatus(hub.request("DELETE", path, { token: mia }), 204);
      await expectError(hub.request("GET", path, { token: mia }), 404, "NOT_FOUND");
      const actions = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select("action")
        .where("resource", "=", `webhook:${created.id}`)
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ["webhook.create", "webhook.update", "webhook.update", "webhook.update", "webhook.delete"],
      );
      const verify = await expectStatus(
        hub.request("GET", "/api/audit/verify", { token: hub.adminToken }),
        200,
      );
      assert.equal(((await verify.json()) as { ok: boolean }).ok, true);
    });
  });
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { eventsAfter, expectStatus, lastSeq, sha256, verify } from "./audit-support.js";

const PERSON = {
  name: "zebulon-quist",
  email: "zebulon.quist@example.org",
  fullname: "Zebulon Quistgaard",
};
const AGENT = "QuistBrowser/7.3 (audit test)";
const OPAQUE_ID = /^[a-z]+_[0-9a-f]{20}$/;

for (const dialect of DIALECTS) {
  describe(`audit events (${dialect})`, () => {
    let hub: TestHub;
    let token: string;
    let userId: string;
    /** Sends a request as the person, with a user agent the test can look for. */
    const as = (
      method: string,
      urlPath: string,
      init: { json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
    ): Promise<Response> =>
      hub.request(method, urlPath, {
        token,
        ...init,
        headers: { "user-agent": AGENT, ...(init.headers ?? {}) },
      });

    /** Runs `change` and asserts that it wrote exactly one event, with `action`. */
    async function expectOneEvent(
      action: string,
      change: () => Promise<unknown>,
    ): Promise<{ seq: number; actor: string | null; details: Record<string, unknown> }> {
      const before = await lastSeq(hub);
      await change();
      const events = await eventsAfter(hub, before);
      assert.deepEqual(
        events.map((e) => e.action),
        [action],
      );
      const [event] = events;
      assert.ok(event !== undefined);
      return event;
    }

    async function expectNoEvent(change: () => Promise<unknown>): Promise<void> {
      const before = await lastSeq(hub);
      await change();
      assert.deepEqual(await eventsAfter(hub, before), []);
    }

    before(async () => {
      hub = await startHub(dialect);
      const created = await expectStatus(
        hub.request("POST", "/api/users", {
          token: hub.adminToken,
          json: PERSON,
          headers: { "user-agent": AGENT },
        }),
        201,
      );
      userId = ((await created.json()) as { id: string }).id;
      const issued = await expectStatus(
        hub.request("POST", "/api/tokens", {
          token: hub.adminToken,
          json: { user: PERSON.name, scopes: ["read", "write"] },
        }),
        201,
      );
      token = ((await issued.json()) as { token: string }).token;
    });
    after(() => hub.close());

    it("records every state change and every download of a non-open file", async () => {
      const newcomer = await expectOneEvent("user.create", () =>
        expectStatus(
          hub.request("POST", "/api/users", {
            token: hub.adminToken,
            json: { name: "yolanda-vex", email: "yolanda.vex@example.org" },
          }),
          201,
        ),
      );
      assert.match(newcomer.actor ?? "", OPAQUE_ID);

      let tokenId = "";
      const tokenEvent = await expectOneEvent("token.create", async () => {
        const res = await expectStatus(
          as("POST", "/api/tokens", { json: { scopes: ["read"] } }),
          201,
        );
        tokenId = ((await res.json()) as { id: string }).id;
      });
      assert.equal(tokenEvent.actor, userId);

      await expectOneEvent("org.create", () =>
        expectStatus(as("POST", "/api/orgs", { json: { name: "quist-labs" } }), 201),
      );
      await expectOneEvent("org.member.set", () =>
        expectStatus(
          as("PUT", "/api/orgs/quist-labs/members/yolanda-vex", { json: { role: "member" } }),
          200,
        ),
      );
      await expectOneEvent("model.create", () =>
        expectStatus(
          as("POST", "/api/models", {
            json: { id: `${PERSON.name}/secret-net`, visibility: "private" },
          }),
          201,
        ),
      );
      const base = `/api/models/${PERSON.name}/secret-net/versions`;
      await expectOneEvent("version.create", () =>
        expectStatus(as("POST", base, { json: { name: "v1" } }), 201),
      );
      const weights = Buffer.from("weights of a private model");
      const upload = await expectOneEvent("file.add", () =>
        expectStatus(
          as("PUT", `${base}/v1/files/model.bin`, {
            body: weights,
            headers: { "x-gatehouse-sha256": sha256(weights) },
          }),
          201,
        ),
      );
      assert.equal(upload.details.how, "upload");
      const attach = await expectOneEvent("file.add", () =>
        expectStatus(
          as("POST", `${base}/v1/files`, {
            json: { files: [{ path: "copy.bin", sha256: sha256(weights), size: weights.length }] },
          }),
          200,
        ),
      );
      assert.equal(attach.details.how, "attach");
      await expectOneEvent("file.remove", () =>
        expectStatus(as("DELETE", `${base}/v1/files/copy.bin`), 204),
      );
      await expectOneEvent("version.publish", () =>
        expectStatus(as("POST", `${base}/v1/publish`), 200),
      );
      const download = await expectOneEvent("file.download", async () => {
        const res = await expectStatus(
          as("GET", `/${PERSON.name}/secret-net/resolve/v1/model.bin`),
          200,
        );
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), weights);
      });
      assert.equal(download.actor, userId);
      assert.equal(download.details.sha256, sha256(weights));

      await expectOneEvent("token.revoke", () =>
        expectStatus(as("DELETE", `/api/tokens/${tokenId}`), 200),
      );
      const verdict = await verify(hub);
      assert.equal(verdict.ok, true, verdict.reason);
    });

    it("records no event for an anonymous download of an open file", async () => {
      await expectStatus(
        as("POST", "/api/models", { json: { id: `${PERSON.name}/open-net`, visibility: "open" } }),
        201,
      );
      const base = `/api/models/${PERSON.name}/open-net/versions`;
      await expectStatus(as("POST", base, { json: { name: "v1" } }), 201);
      const weights = Buffer.from("weights anyone may fetch");
      await expectStatus(as("PUT", `${base}/v1/files/model.bin`, { body: weights }), 201);
      await expectStatus(as("POST", `${base}/v1/publish`), 200);
      await expectNoEvent(async () => {
        const res = await expectStatus(
          hub.request("GET", `/${PERSON.name}/open-net/resolve/v1/model.bin`),
          200,
        );
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), weights);
      });
    });

    it("records no event for a change that is refused", async () => {
      await expectNoEvent(() =>
        expectStatus(
          as("POST", "/api/models", {
            json: { id: `${PERSON.name}/secret-net`, visibility: "open" },
          }),
          409,
        ),
      );
      await expectNoEvent(async () => {
        const res = await as(
          "PUT",
          `/api/models/${PERSON.name}/secret-net/versions/v1/files/late.bin`,
          { body: Buffer.from("too late") },
        );
        assert.equal(res.status, 409);
      });
    });

    it("rolls the change back when its event cannot be written", async () => {
      // A row squatting on the next sequence number makes the event's insert fail; were
      // the event written outside the change's transaction, the model would remain.
      const next = (await lastSeq(hub)) + 1;
      const db = hub.built.ctx.db;
      await sql`insert into audit_events (seq, at, actor_id, action, resource, details, prev_hash, hash)
        values (${next}, 'x', null, 'squat', 'x', '{}', 'x', 'x')`.execute(db);
      try {
        const res = await as("POST", "/api/models", {
          json: { id: `${PERSON.name}/half-made`, visibility: "private" },
        });
        assert.equal(res.status, 500);
      } finally {
        await sql`delete from audit_events where seq = ${next}`.execute(db);
      }
      const model = await db
        .selectFrom("models")
        .select("id")
        .where("name", "=", "half-made")
        .executeTakeFirst();
      assert.equal(model, undefined);
      assert.equal(await lastSeq(hub), next - 1);
      assert.equal((await verify(hub)).ok, true);
    });

    it("names people only by opaque ids, keeping addresses and agents apart", async () => {
      const db = hub.built.ctx.db;
      const rows = await db.selectFrom("audit_events").selectAll().execute();
      assert.ok(rows.length > 10);
      const text = JSON.stringify(rows);
      for (const secret of [
        PERSON.name,
        PERSON.email,
        PERSON.fullname,
        "yolanda",
        "yolanda.vex@example.org",
        "127.0.0.1",
        AGENT,
      ]) {
        assert.ok(!text.includes(secret), `audit_events holds "${secret}"`);
      }
      for (const row of rows) {
        if (row.actor_id !== null) {
          assert.match(row.actor_id, OPAQUE_ID);
        }
      }
      const origins = await db.selectFrom("audit_origins").selectAll().execute();
      assert.ok(origins.some((o) => o.user_agent === AGENT));
      assert.ok(origins.some((o) => o.address !== null && o.address.includes("127.0.0.1")));
    });

    it("still verifies after names, e-mail addresses and origins are erased", async () => {
      const db = hub.built.ctx.db;
      await sql`update audit_origins set address = null, user_agent = null`.execute(db);
      await sql`update users set email = null, fullname = null`.execute(db);
      const verdict = await verify(hub);
      assert.equal(verdict.ok, true, verdict.reason);
      assert.equal(verdict.events, await lastSeq(hub));
    });
  });
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { publishVersion } from "../compat/private-model.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { expectStatus } from "./audit-support.js";

interface Listed {
  readonly seq: number;
  readonly at: string;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly action: string;
  readonly resource: string;
  readonly resourceName: string | null;
}

for (const dialect of DIALECTS) {
  describe(`reading the audit log with filters (${dialect})`, () => {
    let hub: TestHub;
    let ritaToken: string;

    async function list(query: string): Promise<Listed[]> {
      const res = await expectStatus(
        hub.request("GET", `/api/audit?${query}`, { token: hub.adminToken }),
        200,
      );
      return ((await res.json()) as { events: Listed[] }).events;
    }

    async function refused(query: string): Promise<string> {
      const res = await expectStatus(
        hub.request("GET", `/api/audit?${query}`, { token: hub.adminToken }),
        400,
      );
      const body = (await res.json()) as { error: string; code: string };
      assert.equal(body.code, "BAD_REQUEST");
      return body.error;
    }

    before(async () => {
      hub = await startHub(dialect);
      ritaToken = await hub.createUser("rita");
      await hub.createUser("sam");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: ritaToken, json: { name: "acme" } }),
        201,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/sam", {
          token: ritaToken,
          json: { role: "reviewer" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: ritaToken,
          json: { id: "acme/bert", visibility: "open" },
        }),
        201,
      );
      await publishVersion(hub, ritaToken, "acme/bert", "v1", { "config.json": Buffer.from("{}") });
    });
    after(() => hub.close());

    it("filters by action, and names each event's actor and resource as they are called now", async () => {
      const events = await list("action=org.member.set");
      assert.equal(events.length, 1);
      const event = events[0];
      assert.ok(event !== undefined);
      assert.equal(event.actorName, "rita");
      assert.equal(event.resourceName, "acme");
      assert.match(event.resource, /^org:o_/);
    });

    it("filters by actor, by name or by id", async () => {
      const byName = await list("actor=rita");
      assert.ok(byName.length >= 4);
      assert.ok(byName.every((e) => e.actorName === "rita"));
      const byId = await list(`actor=${byName[0]?.actor ?? ""}`);
      assert.deepEqual(
        byId.map((e) => e.seq),
        byName.map((e) => e.seq),
      );
    });

    it("filters by resource: a model with its versions, one version, an organisation, or as the log writes it", async () => {
      const model = await list("resource=acme/bert");
      const actions = model.map((e) => e.action);
      assert.ok(actions.includes("model.create"), actions.join());
      assert.ok(actions.includes("version.publish"), actions.join());
      assert.ok(actions.every((a) => !a.startsWith("org.")));
      const version = await list("resource=acme/bert@v1");
      assert.ok(version.length >= 1);
      assert.ok(version.every((e) => e.resourceName === "acme/bert@v1"));
      const org = await list("resource=ACME");
      assert.deepEqual(
        org.map((e) => e.action),
        ["org.create", "org.member.set"],
      );
      const exact = await list(`resource=${encodeURIComponent(org[0]?.resource ?? "")}`);
      assert.deepEqual(exact, org);
    });

    it("filters by time, and pages back from the newest with before", async () => {
      const all = await list("limit=1000");
      const middle = all[Math.floor(all.length / 2)];
      assert.ok(middle !== undefined);
      const since = await list(`since=${encodeURIComponent(middle.at)}&limit=1000`);
      assert.ok(since.every((e) => e.at >= middle.at));
      assert.ok(since.some((e) => e.seq === middle.seq));
      const until = await list(`until=${encodeURIComponent(middle.at)}&limit=1000`);
      assert.ok(until.every((e) => e.at < middle.at));
      assert.equal(since.length + until.length, all.length);

      const newest = await list("tail=3");
      assert.deepEqual(
        newest.map((e) => e.seq),
        all.slice(-3).map((e) => e.seq),
      );
      const older = await list(`before=${newest[0]?.seq ?? 0}&limit=3`);
      assert.deepEqual(
        older.map((e) => e.seq),
        all.slice(-6, -3).map((e) => e.seq),
      );
      const newer = await list(`after=${older[2]?.seq ?? 0}&limit=3`);
      assert.deepEqual(newer, newest);
      const filtered = await list("tail=1&actor=rita");
      assert.equal(filtered.length, 1);
      assert.equal(filtered[0]?.actorName, "rita");
    });

    it("answers a filter it cannot use with a 400 that says what to give", async () => {
      assert.match(
        await refused("action=org.explode"),
        /unknown action "org\.explode".*org\.create/,
      );
      assert.match(await refused("actor=nobody-here"), /actor "nobody-here" names no user/);
      assert.match(await refused("resource=acme/nothing"), /resource "acme\/nothing" names no/);
      assert.match(await refused("resource=acme/bert@v9"), /names no user, organisation, model/);
      assert.match(await refused("resource=acme/bert@v1@v2"), /names no user, organisation, model/);
      assert.match(await refused("resource=acme@v1"), /names no user, organisation, model/);
      assert.match(await refused("tail=5&before=3"), /tail reads the newest events/);
      assert.match(await refused("tail=5&limit=3"), /give tail or limit/);
      assert.match(await refused("after=5&before=6"), /no event lies after 5 and before 6/);
      assert.match(
        await refused("since=2027-01-02T00:00:00Z&until=2027-01-01T00:00:00Z"),
        /until .* must come after since/,
      );
      await refused("since=yesterday");
      await refused("limit=0");
    });

    it("refuses the log to anyone but an administrator", async () => {
      await expectStatus(hub.request("GET", "/api/audit?tail=1", { token: ritaToken }), 403);
      await expectStatus(hub.request("GET", "/api/audit?tail=1"), 401);
    });
  });
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { expectStatus } from "./support.js";

const PARALLEL = 8;

/**
 * The same change sent many times at once: one wins, the others are told of
 * the conflict (409), none gets a 500, and what a rule forbids never happens
 * in between. On PostgreSQL the requests run side by side on the pool, so the
 * checks race for real.
 */
for (const dialect of DIALECTS) {
  describe(`the same change at the same moment (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
    });
    after(() => hub.close());

    /** Sends `make` PARALLEL times at once; exactly one must succeed with `created`. */
    const race = async (make: () => Promise<Response>, created: number): Promise<void> => {
      const answers = await Promise.all(Array.from({ length: PARALLEL }, make));
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === created).length, 1, statuses.join(", "));
      for (const answer of answers.filter((a) => a.status !== created)) {
        const text = await answer.text();
        assert.equal(answer.status, 409, text);
        assert.match((JSON.parse(text) as { code: string }).code, /^(ALREADY_EXISTS|CONFLICT)$/);
      }
    };

    it("creates one model of a name asked for many times at once", async () => {
      await race(
        () => hub.request("POST", "/api/models", { token: alice, json: { id: "alice/twin" } }),
        201,
      );
      const rows = await hub.built.ctx.db
        .selectFrom("models")
        .select("id")
        .where("name_key", "=", "twin")
        .execute();
      assert.equal(rows.length, 1);
    });

    it("creates one version of a name asked for many times at once", async () => {
      await race(
        () =>
          hub.request("POST", "/api/models/alice/twin/versions", {
            token: alice,
            json: { name: "v1" },
          }),
        201,
      );
    });

    it("creates one organisation of a name asked for many times at once", async () => {
      await race(
        () => hub.request("POST", "/api/orgs", { token: alice, json: { name: "twins" } }),
        201,
      );
    });

    it("never leaves an organisation without an owner when two owners demote each other at once", async () => {
      const bob = await hub.createUser("bob");
      for (let round = 0; round < 5; round += 1) {
        const org = `pair-${round}`;
        await expectStatus(
          hub.request("POST", "/api/orgs", { token: alice, json: { name: org } }),
          201,
        );
        await expectStatus(
          hub.request("PUT", `/api/orgs/${org}/members/bob`, {
            token: alice,
            json: { role: "owner" },
          }),
          200,
        );
        const answers = await Promise.all([
          hub.request("PUT", `/api/orgs/${org}/members/bob`, {
            token: alice,
            json: { role: "member" },
          }),
          hub.request("PUT", `/api/orgs/${org}/members/alice`, {
            token: bob,
            json: { role: "member" },
          }),
        ]);
        const statuses = answers.map((a) => a.status).sort();
        // The second to run finds its caller demoted (403) or no other owner left (409).
        assert.equal(statuses[0], 200, statuses.join(", "));
        assert.ok([403, 409].includes(statuses[1] ?? 0), statuses.join(", "));
        const members = await expectStatus(
          hub.request("GET", `/api/orgs/${org}/members`, { token: hub.adminToken }),
          200,
        );
        const roles = ((await members.json()) as { members: { role: string }[] }).members;
        assert.equal(roles.filter((m) => m.role === "owner").length, 1, JSON.stringify(roles));
      }
    });
  });
}

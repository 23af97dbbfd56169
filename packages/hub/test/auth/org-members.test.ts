import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../audit/audit-support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

interface Member {
  readonly user: string;
  readonly role: string;
  readonly signoffRoles: string[];
}

for (const dialect of DIALECTS) {
  describe(`an organisation's members and their sign-off roles (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let reviewer: string;
    let outsider: string;

    async function members(token: string): Promise<Member[]> {
      const res = await expectStatus(hub.request("GET", "/api/orgs/acme/members", { token }), 200);
      return ((await res.json()) as { members: Member[] }).members;
    }

    const setRoles = (token: string, user: string, roles: unknown) =>
      hub.request("PUT", `/api/orgs/acme/members/${user}/signoff-roles`, {
        token,
        json: { roles },
      });

    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("olga");
      reviewer = await hub.createUser("rolf");
      outsider = await hub.createUser("xena");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/rolf", {
          token: owner,
          json: { role: "reviewer" },
        }),
        200,
      );
    });
    after(() => hub.close());

    it("lists each member with their role and sign-off roles, to every member", async () => {
      await expectStatus(setRoles(owner, "rolf", ["safety-lead", "ceo", "ceo"]), 200);
      const expected = [
        { user: "olga", role: "owner", signoffRoles: [] },
        { user: "rolf", role: "reviewer", signoffRoles: ["ceo", "safety-lead"] },
      ];
      assert.deepEqual(await members(owner), expected);
      assert.deepEqual(await members(reviewer), expected);
    });

    it("takes a member's sign-off roles away when they leave, so they come back without them", async () => {
      await expectStatus(setRoles(owner, "rolf", ["ceo"]), 200);
      await expectStatus(
        hub.request("DELETE", "/api/orgs/acme/members/rolf", { token: owner }),
        204,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/rolf", {
          token: owner,
          json: { role: "reviewer" },
        }),
        200,
      );
      assert.deepEqual(
        (await members(owner)).find((m) => m.user === "rolf"),
        { user: "rolf", role: "reviewer", signoffRoles: [] },
      );
    });

    it("refuses the list to a non-member and answers an unknown organisation as missing", async () => {
      const refused = await expectStatus(
        hub.request("GET", "/api/orgs/acme/members", { token: outsider }),
        403,
      );
      assert.match(
        ((await refused.json()) as { error: string }).error,
        /only members of "acme" may list its members/,
      );
      const missing = await expectStatus(
        hub.request("GET", "/api/orgs/nowhere/members", { token: outsider }),
        404,
      );
      assert.match(((await missing.json()) as { error: string }).error, /"nowhere" does not exist/);
    });

    it("lets only owners give sign-off roles, spelled as policies name them", async () => {
      const byReviewer = await expectStatus(setRoles(reviewer, "rolf", ["ceo"]), 403);
      assert.match(
        ((await byReviewer.json()) as { error: string }).error,
        /only an owner of "acme" gives sign-off roles/,
      );
      const badSpelling = await expectStatus(setRoles(owner, "rolf", ["Chief Officer"]), 400);
      assert.match(
        ((await badSpelling.json()) as { error: string }).error,
        /"Chief Officer" must be lower-case letters, digits and hyphens/,
      );
      await expectStatus(setRoles(owner, "xena", ["ceo"]), 404);
      assert.deepEqual(
        (await members(owner)).map((m) => m.signoffRoles),
        [[], []],
      );
    });
  });
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { nextLink } from "../../src/cli/hub-client.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { createModel, createToken, expectStatus } from "../security/support.js";

const ALL = [
  "acme/internal",
  "acme/open",
  "acme/private",
  "nick/internal",
  "nick/open",
  "nick/private",
  "olivia/internal",
  "olivia/open",
  "olivia/private",
];

/**
 * The exact set of models each caller finds in `GET /api/models`, written out
 * by hand from the stage table: private models to the namespace's
 * reviewers, maintainers and owners, internal ones to every member of the organisation
 * (and, in a personal namespace, its owner), open ones to everyone.
 */
const EXPECTED: Record<string, readonly string[]> = {
  anonymous: ["acme/open", "nick/open", "olivia/open"],
  "nick, in no organisation": [
    "acme/open",
    "nick/internal",
    "nick/open",
    "nick/private",
    "olivia/open",
  ],
  "mona, a member of acme": ["acme/internal", "acme/open", "nick/open", "olivia/open"],
  "rita, a reviewer of acme": [
    "acme/internal",
    "acme/open",
    "acme/private",
    "nick/open",
    "olivia/open",
  ],
  "max, a maintainer of acme": [
    "acme/internal",
    "acme/open",
    "acme/private",
    "nick/open",
    "olivia/open",
  ],
  "olivia, an owner of acme": [
    "acme/internal",
    "acme/open",
    "acme/private",
    "nick/open",
    "olivia/internal",
    "olivia/open",
    "olivia/private",
  ],
  "olivia's read-only token": [
    "acme/internal",
    "acme/open",
    "acme/private",
    "nick/open",
    "olivia/internal",
    "olivia/open",
    "olivia/private",
  ],
  "olivia's token restricted to acme/private": [
    "acme/open",
    "acme/private",
    "nick/open",
    "olivia/open",
  ],
  "an administrator": ALL,
};

for (const dialect of DIALECTS) {
  describe(`which models each caller lists (${dialect})`, () => {
    let hub: TestHub;
    const tokens: Record<string, string | undefined> = {};

    before(async () => {
      hub = await startHub(dialect);
      const olivia = await hub.createUser("olivia");
      const nick = await hub.createUser("nick");
      const roles = { mona: "member", rita: "reviewer", max: "maintainer" } as const;
      const members: Record<string, string> = {};
      for (const user of Object.keys(roles)) {
        members[user] = await hub.createUser(user);
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: olivia, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of Object.entries(roles)) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: olivia, json: { role } }),
          200,
        );
      }
      for (const visibility of ["private", "internal", "open"] as const) {
        await createModel(hub, olivia, `acme/${visibility}`, visibility);
        await createModel(hub, olivia, `olivia/${visibility}`, visibility);
        await createModel(hub, nick, `nick/${visibility}`, visibility);
      }
      Object.assign(tokens, {
        anonymous: undefined,
        "nick, in no organisation": nick,
        "mona, a member of acme": members.mona,
        "rita, a reviewer of acme": members.rita,
        "max, a maintainer of acme": members.max,
        "olivia, an owner of acme": olivia,
        "olivia's read-only token": (await createToken(hub, olivia, { scopes: ["read"] })).token,
        "olivia's token restricted to acme/private": (
          await createToken(hub, olivia, { scopes: ["read"], model: "acme/private" })
        ).token,
        "an administrator": hub.adminToken,
      });
    });
    after(() => hub.close());

    /** Every page of the list, two models a page, following the Link header. */
    const listAll = async (token: string | undefined): Promise<string[]> => {
      const ids: string[] = [];
      let next: string | null = `${hub.url}/api/models?limit=2`;
      while (next !== null) {
        const res: Response = await fetch(next, {
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 200);
        ids.push(...((await res.json()) as { id: string }[]).map((m) => m.id));
        next = nextLink(res.headers.get("link"));
      }
      return ids;
    };

    for (const [caller, expected] of Object.entries(EXPECTED)) {
      it(`lists exactly what ${caller} may see, in order, across pages`, async () => {
        assert.deepEqual(await listAll(tokens[caller]), expected);
      });

      it(`lists for ${caller} exactly the models that answer them directly`, async () => {
        const answering: string[] = [];
        for (const id of ALL) {
          const token = tokens[caller];
          const res = await hub.request(
            "GET",
            `/api/models/${id}`,
            token === undefined ? {} : { token },
          );
          await res.arrayBuffer();
          if (res.status === 200) {
            answering.push(id);
          }
        }
        assert.deepEqual(answering, expected);
      });
    }
  });
}

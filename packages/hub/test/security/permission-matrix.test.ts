import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  auditCount,
  createDraft,
  createModel,
  createToken,
  expectStatus,
  sha256,
} from "./support.js";

/**
 * The permission matrix over HTTP: every caller × visibility × action is a real
 * request against a real hub, answered either with success or with the exact
 * refusal. Written out literally, not derived from the permission table.
 */
type Caller =
  | "anonymous"
  | "readOnly"
  | "restricted"
  | "nonMember"
  | "member"
  | "maintainer"
  | "owner"
  | "admin";
type Visibility = "private" | "internal" | "open";
type Action = "see" | "download" | "create" | "upload" | "publish" | "delete" | "manage";

const ACTIONS: readonly Action[] = [
  "see",
  "download",
  "create",
  "upload",
  "publish",
  "delete",
  "manage",
];

const CALLER_NAMES: Record<Caller, string> = {
  anonymous: "an anonymous caller",
  readOnly: "the owner's read-only token",
  restricted: "the owner's token restricted to another model",
  nonMember: "a non-member",
  member: "a member",
  maintainer: "a maintainer",
  owner: "an owner",
  admin: "an administrator",
};

const ACTION_NAMES: Record<Action, string> = {
  see: "see",
  download: "download a file of",
  create: "create a version of",
  upload: "upload to",
  publish: "publish a version of",
  delete: "delete",
  manage: "manage the members of the org owning",
};

/** "ok" is a 2xx; a refusal is its status and code. */
type Answer =
  | "ok"
  | "401 REPO_NOT_FOUND"
  | "401 UNAUTHENTICATED"
  | "403 INSUFFICIENT_SCOPE"
  | "403 FORBIDDEN"
  | "404 REPO_NOT_FOUND";
const OK = "ok";
/** Anonymous, and the model is not visible: the same 401 as for a model that does not exist. */
const GONE401 = "401 REPO_NOT_FOUND";
/** Anonymous, and the model is visible: sign in to do this. */
const SIGNIN = "401 UNAUTHENTICATED";
const SCOPE = "403 INSUFFICIENT_SCOPE";
const FORBID = "403 FORBIDDEN";
/** Signed in, and the model is not visible: the same 404 as for a model that does not exist. */
const GONE404 = "404 REPO_NOT_FOUND";

type Row = readonly [Answer, Answer, Answer, Answer, Answer, Answer, Answer];

// Columns: see, download, create version, upload, publish, delete, manage members.
// prettier-ignore
const EXPECTED: Record<Caller, Record<Visibility, Row>> = {
  anonymous: {
    private:  [GONE401, GONE401, GONE401, GONE401, GONE401, GONE401, SIGNIN],
    internal: [GONE401, GONE401, GONE401, GONE401, GONE401, GONE401, SIGNIN],
    open:     [OK,      OK,      SIGNIN,  SIGNIN,  SIGNIN,  SIGNIN,  SIGNIN],
  },
  readOnly: {
    private:  [OK, OK, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE],
    internal: [OK, OK, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE],
    open:     [OK, OK, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE],
  },
  restricted: {
    private:  [GONE404, GONE404, GONE404, GONE404, GONE404, GONE404, FORBID],
    internal: [GONE404, GONE404, GONE404, GONE404, GONE404, GONE404, FORBID],
    open:     [OK,      OK,      FORBID,  FORBID,  FORBID,  FORBID,  FORBID],
  },
  nonMember: {
    private:  [GONE404, GONE404, GONE404, GONE404, GONE404, GONE404, FORBID],
    internal: [GONE404, GONE404, GONE404, GONE404, GONE404, GONE404, FORBID],
    open:     [OK,      OK,      FORBID,  FORBID,  FORBID,  FORBID,  FORBID],
  },
  member: {
    private:  [GONE404, GONE404, GONE404, GONE404, GONE404, GONE404, FORBID],
    internal: [OK,      OK,      FORBID,  FORBID,  FORBID,  FORBID,  FORBID],
    open:     [OK,      OK,      FORBID,  FORBID,  FORBID,  FORBID,  FORBID],
  },
  maintainer: {
    private:  [OK, OK, OK, OK, OK, FORBID, FORBID],
    internal: [OK, OK, OK, OK, OK, FORBID, FORBID],
    open:     [OK, OK, OK, OK, OK, FORBID, FORBID],
  },
  owner: {
    private:  [OK, OK, OK, OK, OK, OK, OK],
    internal: [OK, OK, OK, OK, OK, OK, OK],
    open:     [OK, OK, OK, OK, OK, OK, OK],
  },
  admin: {
    private:  [OK, OK, OK, OK, OK, OK, OK],
    internal: [OK, OK, OK, OK, OK, OK, OK],
    open:     [OK, OK, OK, OK, OK, OK, OK],
  },
};

const CALLERS = Object.keys(EXPECTED) as Caller[];
const VISIBILITIES: readonly Visibility[] = ["private", "internal", "open"];

interface Fixture {
  readonly tokens: Record<Caller, string | undefined>;
}

/**
 * Org acme with one user per role; acme/{private,internal,open}-m each hold a
 * published v1 with `file`, a draft to upload to, and one draft with a file per
 * caller to publish; plus one throwaway model per caller and visibility to delete.
 */
async function buildFixture(hub: TestHub): Promise<Fixture> {
  const owner = await hub.createUser("olivia");
  const maintainer = await hub.createUser("max");
  const member = await hub.createUser("mona");
  const nonMember = await hub.createUser("nick");
  await hub.createUser("bystander");
  await expectStatus(
    hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
    201,
  );
  for (const [user, role] of [
    ["max", "maintainer"],
    ["mona", "member"],
  ] as const) {
    await expectStatus(
      hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: owner, json: { role } }),
      200,
    );
  }
  await createModel(hub, owner, "acme/other-m", "private");
  const readOnly = (await createToken(hub, owner, { scopes: ["read"] })).token;
  const restricted = (
    await createToken(hub, owner, { scopes: ["read", "write"], model: "acme/other-m" })
  ).token;
  for (const visibility of VISIBILITIES) {
    const id = `acme/${visibility}-m`;
    await createModel(hub, owner, id, visibility);
    await createDraft(hub, owner, id, "d-upload");
    for (const caller of CALLERS) {
      await createDraft(hub, owner, id, `p-${caller}`, { [`f-${caller}`]: caller });
      await createModel(hub, owner, `acme/del-${visibility}-${caller}`, visibility, {});
    }
  }
  return {
    tokens: {
      anonymous: undefined,
      readOnly,
      restricted,
      nonMember,
      member,
      maintainer,
      owner,
      admin: hub.adminToken,
    },
  };
}

function requestFor(
  hub: TestHub,
  token: string | undefined,
  caller: Caller,
  visibility: Visibility,
  action: Action,
): Promise<Response> {
  const auth = token === undefined ? {} : { token };
  const id = `acme/${visibility}-m`;
  switch (action) {
    case "see":
      return hub.request("GET", `/api/models/${id}`, auth);
    case "download":
      // v1 by name: `main` moves as the matrix publishes versions.
      return hub.request("GET", `/${id}/resolve/v1/file`, auth);
    case "create":
      return hub.request("POST", `/api/models/${id}/versions`, {
        ...auth,
        json: { name: `c-${caller}` },
      });
    case "upload":
      return hub.request("PUT", `/api/models/${id}/versions/d-upload/files/x-${caller}`, {
        ...auth,
        body: `uploaded by ${caller}`,
      });
    case "publish":
      return hub.request("POST", `/api/models/${id}/versions/p-${caller}/publish`, auth);
    case "delete":
      return hub.request("DELETE", `/api/models/acme/del-${visibility}-${caller}`, auth);
    case "manage":
      return hub.request("PUT", "/api/orgs/acme/members/bystander", {
        ...auth,
        json: { role: "member" },
      });
  }
}

/** A version of a matrix model as its owner's view lists it, or undefined when it does not exist. */
async function versionOf(
  hub: TestHub,
  visibility: Visibility,
  name: string,
): Promise<{ state: string; files: { path: string; sha256: string }[] } | undefined> {
  const res = await hub.request("GET", `/api/models/acme/${visibility}-m/versions/${name}`, {
    token: hub.adminToken,
  });
  const text = await res.text();
  if (res.status === 404) {
    return undefined;
  }
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as { state: string; files: { path: string; sha256: string }[] };
}

/** Checks that an allowed action did what it says, from what it answered and what is stored. */
async function assertDone(
  hub: TestHub,
  caller: Caller,
  visibility: Visibility,
  action: Action,
  answer: string,
): Promise<void> {
  const id = `acme/${visibility}-m`;
  switch (action) {
    case "see":
      assert.equal((JSON.parse(answer) as { id: string }).id, id);
      return;
    case "download":
      assert.equal(answer, `content of ${id}`);
      return;
    case "create":
      assert.equal((await versionOf(hub, visibility, `c-${caller}`))?.state, "draft");
      return;
    case "upload": {
      const draft = await versionOf(hub, visibility, "d-upload");
      assert.deepEqual(
        draft?.files.find((f) => f.path === `x-${caller}`)?.sha256,
        sha256(`uploaded by ${caller}`),
      );
      return;
    }
    case "publish":
      assert.equal((await versionOf(hub, visibility, `p-${caller}`))?.state, "published");
      return;
    case "delete":
      // Checked for every caller at once by the test after the matrix.
      return;
    case "manage": {
      const res = await expectStatus(
        hub.request("GET", "/api/orgs/acme/members", { token: hub.adminToken }),
        200,
      );
      const { members } = (await res.json()) as {
        members: { user: string; role: string; signoffRoles: string[] }[];
      };
      assert.deepEqual(
        members.find((m) => m.user === "bystander"),
        { user: "bystander", role: "member", signoffRoles: [] },
      );
      return;
    }
  }
}

/** Checks that a refused action left no trace of itself where it would have acted. */
async function assertNotDone(
  hub: TestHub,
  caller: Caller,
  visibility: Visibility,
  action: Action,
): Promise<void> {
  switch (action) {
    case "create":
      assert.equal(await versionOf(hub, visibility, `c-${caller}`), undefined);
      return;
    case "upload": {
      const draft = await versionOf(hub, visibility, "d-upload");
      assert.equal(
        draft?.files.some((f) => f.path === `x-${caller}`),
        false,
      );
      return;
    }
    case "publish":
      assert.equal((await versionOf(hub, visibility, `p-${caller}`))?.state, "draft");
      return;
    default:
      return;
  }
}

for (const dialect of DIALECTS) {
  describe(`permission matrix over HTTP (${dialect})`, () => {
    let hub: TestHub;
    let fixture: Fixture;
    before(async () => {
      hub = await startHub(dialect);
      fixture = await buildFixture(hub);
    });
    after(() => hub.close());

    for (const caller of CALLERS) {
      for (const visibility of VISIBILITIES) {
        ACTIONS.forEach((action, i) => {
          const expected = EXPECTED[caller][visibility][i] ?? assert.fail("the table lacks a cell");
          const verdict = expected === OK ? "may" : `may not (${expected})`;
          it(`${CALLER_NAMES[caller]} ${verdict} ${ACTION_NAMES[action]} ${visibility === "internal" ? "an" : "a"} ${visibility} model`, async () => {
            const eventsBefore = await auditCount(hub);
            const res = await requestFor(hub, fixture.tokens[caller], caller, visibility, action);
            const text = await res.text();
            if (expected === OK) {
              assert.ok(res.status >= 200 && res.status < 300, `${res.status}: ${text}`);
              await assertDone(hub, caller, visibility, action, text);
              return;
            }
            const [status, code] = expected.split(" ");
            assert.equal(res.status, Number(status), text);
            assert.equal((JSON.parse(text) as { code: string }).code, code, text);
            assert.equal(await auditCount(hub), eventsBefore, "a refusal changed nothing");
            await assertNotDone(hub, caller, visibility, action);
          });
        });
      }
    }

    it("really deleted the models whose deletion was allowed, and kept the others", async () => {
      for (const caller of CALLERS) {
        for (const visibility of VISIBILITIES) {
          const res = await hub.request("GET", `/api/models/acme/del-${visibility}-${caller}`, {
            token: hub.adminToken,
          });
          const allowed = EXPECTED[caller][visibility][ACTIONS.indexOf("delete")] === OK;
          assert.equal(res.status, allowed ? 404 : 200, `${caller} on ${visibility}`);
        }
      }
    });
  });
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ANONYMOUS,
  PERMISSIONS,
  authorize,
  type Action,
  type Actor,
  type Relation,
  type Scope,
} from "../../src/auth/index.js";
import { ALL_STAGES, STAGES, type Stage } from "../../src/stages/index.js";

/**
 * The stage table, written out cell by cell rather than derived from
 * PERMISSIONS, so that any change to it shows up here as a failure. One
 * letter per action, in the order of ACTIONS: A allowed, H hidden (answered
 * as missing), U unauthenticated, F forbidden, S the token lacks the scope,
 * T the token is restricted to another model.
 *
 * Private versions are seen by reviewers, maintainers, owners and admins; internal ones
 * by every org member; staged ones also by the model's trusted testers; api,
 * gated and open ones by everyone. Weights: api only for maintainers and up,
 * gated also for holders of a grant, open for everyone. Hosted inference: api
 * and open for any signed-in caller, gated for maintainers and grant holders.
 * Access requests and grants are managed by reviewers, maintainers and owners. A withdrawn version is seen (as a tombstone) by whoever
 * saw it before; nobody downloads or calls it. Writing needs the maintainer
 * role and the write scope; reviewing the reviewer role; restoring an admin.
 * Webhook subscriptions, of a model or of a whole namespace, are managed by
 * its maintainers, owners and admins.
 */
type Outcome = "allow" | "hidden" | "unauthenticated" | "forbidden" | "scope" | "token-model";

const ACTIONS = [
  "version.see",
  "version.download",
  "version.infer",
  "version.create",
  "version.upload",
  "version.publish",
  "version.release",
  "version.review",
  "version.restore",
  "model.delete",
  "org.manage-members",
  "model.create",
  "model.manage-access",
  "model.manage-webhooks",
  "namespace.manage-webhooks",
] as const satisfies readonly Action[];

/** Namespace-level actions: no model, so nothing is hidden. */
const NAMESPACE_ACTIONS: ReadonlySet<Action> = new Set([
  "org.manage-members",
  "model.create",
  "namespace.manage-webhooks",
]);

type Caller =
  | "anonymous"
  | "read-only token of the owner"
  | "owner's token restricted to another model"
  | "non-member"
  | "trusted tester"
  | "grant holder"
  | "grant holder's token restricted to another model"
  | "member"
  | "reviewer"
  | "maintainer"
  | "owner"
  | "admin";

const LETTERS: Record<string, Outcome> = {
  A: "allow",
  H: "hidden",
  U: "unauthenticated",
  F: "forbidden",
  S: "scope",
  T: "token-model",
};

// Columns: see, download, infer, create, upload, publish, release, review, restore, delete,
// manage members, create model, manage access (requests and grants), manage a model's webhooks,
// manage a namespace's webhooks.
// prettier-ignore
const EXPECTED: Record<Caller, Record<Stage, string>> = {
  anonymous: {
    private: "UUUUUUUUUUUUUUU", internal: "UUUUUUUUUUUUUUU", staged: "UUUUUUUUUUUUUUU",
    api: "AUUUUUUUUUUUUUU", gated: "AUUUUUUUUUUUUUU", open: "AAUUUUUUUUUUUUU", withdrawn: "UUUUUUUUUUUUUUU",
  },
  "read-only token of the owner": {
    private: "AAASSSSSFSSSSSS", internal: "AAASSSSSFSSSSSS", staged: "AAASSSSSFSSSSSS",
    api: "AAASSSSSFSSSSSS", gated: "AAASSSSSFSSSSSS", open: "AAASSSSSFSSSSSS", withdrawn: "AFFSSSSSFSSSSSS",
  },
  "owner's token restricted to another model": {
    private: "HHHHHHHHHHTTHHT", internal: "HHHHHHHHHHTTHHT", staged: "HHHHHHHHHHTTHHT",
    api: "ATTTTTTTTTTTTTT", gated: "ATTTTTTTTTTTTTT", open: "AATTTTTTTTTTTTT", withdrawn: "HHHHHHHHHHTTHHT",
  },
  "non-member": {
    private: "HHHHHHHHHHFFHHF", internal: "HHHHHHHHHHFFHHF", staged: "HHHHHHHHHHFFHHF",
    api: "AFAFFFFFFFFFFFF", gated: "AFFFFFFFFFFFFFF", open: "AAAFFFFFFFFFFFF", withdrawn: "HHHHHHHHHHFFHHF",
  },
  "trusted tester": {
    private: "HHHHHHHHHHFFHHF", internal: "HHHHHHHHHHFFHHF", staged: "AAAFFFFFFFFFFFF",
    api: "AFAFFFFFFFFFFFF", gated: "AFFFFFFFFFFFFFF", open: "AAAFFFFFFFFFFFF", withdrawn: "HHHHHHHHHHFFHHF",
  },
  member: {
    private: "HHHHHHHHHHFFHHF", internal: "AAAFFFFFFFFFFFF", staged: "AAAFFFFFFFFFFFF",
    api: "AFAFFFFFFFFFFFF", gated: "AFFFFFFFFFFFFFF", open: "AAAFFFFFFFFFFFF", withdrawn: "HHHHHHHHHHFFHHF",
  },
  reviewer: {
    private: "AAAFFFFAFFFFAFF", internal: "AAAFFFFAFFFFAFF", staged: "AAAFFFFAFFFFAFF",
    api: "AFAFFFFAFFFFAFF", gated: "AFFFFFFAFFFFAFF", open: "AAAFFFFAFFFFAFF", withdrawn: "AFFFFFFAFFFFAFF",
  },
  maintainer: {
    private: "AAAAAAAFFFFAAAA", internal: "AAAAAAAFFFFAAAA", staged: "AAAAAAAFFFFAAAA",
    api: "AAAAAAAFFFFAAAA", gated: "AAAAAAAFFFFAAAA", open: "AAAAAAAFFFFAAAA", withdrawn: "AFFAAAAFFFFAAAA",
  },
  owner: {
    private: "AAAAAAAAFAAAAAA", internal: "AAAAAAAAFAAAAAA", staged: "AAAAAAAAFAAAAAA",
    api: "AAAAAAAAFAAAAAA", gated: "AAAAAAAAFAAAAAA", open: "AAAAAAAAFAAAAAA", withdrawn: "AFFAAAAAFAAAAAA",
  },
  admin: {
    private: "AAAAAAAAAAAAAAA", internal: "AAAAAAAAAAAAAAA", staged: "AAAAAAAAAAAAAAA",
    api: "AAAAAAAAAAAAAAA", gated: "AAAAAAAAAAAAAAA", open: "AAAAAAAAAAAAAAA", withdrawn: "AFFAAAAAAAAAAAA",
  },
  "grant holder": {
    private: "HHHHHHHHHHFFHHF", internal: "HHHHHHHHHHFFHHF", staged: "HHHHHHHHHHFFHHF",
    api: "AFAFFFFFFFFFFFF", gated: "AAAFFFFFFFFFFFF", open: "AAAFFFFFFFFFFFF", withdrawn: "HHHHHHHHHHFFHHF",
  },
  "grant holder's token restricted to another model": {
    private: "HHHHHHHHHHTTHHT", internal: "HHHHHHHHHHTTHHT", staged: "HHHHHHHHHHTTHHT",
    api: "ATTTTTTTTTTTTTT", gated: "ATTTTTTTTTTTTTT", open: "AATTTTTTTTTTTTT", withdrawn: "HHHHHHHHHHTTHHT",
  },
};

/** Every action that changes something; each needs the write scope. */
const WRITE_ACTIONS = [
  "version.create",
  "version.upload",
  "version.publish",
  "version.release",
  "version.review",
  "model.delete",
  "model.create",
  "org.manage-members",
  "model.manage-access",
  "model.manage-webhooks",
  "namespace.manage-webhooks",
] as const satisfies readonly Action[];

const MODEL_ID = "m_target";
const OTHER_MODEL_ID = "m_other";

function user(scopes: Scope[], opts: { admin?: boolean; modelId?: string } = {}): Actor {
  return {
    kind: "user",
    userId: "u_caller",
    name: "caller",
    isAdmin: opts.admin ?? false,
    token: {
      id: "t_caller",
      name: "test",
      scopes,
      modelId: opts.modelId ?? null,
      createdAt: "2026-01-01T00:00:00.000Z",
      expiresAt: null,
    },
  };
}

/** Each caller as authorize sees it: an actor and their standing in the model's namespace. */
const CALLERS: Record<
  Caller,
  { actor: Actor; relation: Relation; tester?: boolean; grantee?: boolean }
> = {
  anonymous: { actor: ANONYMOUS, relation: "anonymous" },
  "read-only token of the owner": { actor: user(["read"]), relation: "owner" },
  "owner's token restricted to another model": {
    actor: user(["read", "write"], { modelId: OTHER_MODEL_ID }),
    relation: "owner",
  },
  "non-member": { actor: user(["read", "write"]), relation: "none" },
  "trusted tester": { actor: user(["read", "write"]), relation: "none", tester: true },
  "grant holder": { actor: user(["read", "write"]), relation: "none", grantee: true },
  "grant holder's token restricted to another model": {
    actor: user(["read", "write"], { modelId: OTHER_MODEL_ID }),
    relation: "none",
    grantee: true,
  },
  member: { actor: user(["read", "write"]), relation: "member" },
  reviewer: { actor: user(["read", "write"]), relation: "reviewer" },
  maintainer: { actor: user(["read", "write"]), relation: "maintainer" },
  owner: { actor: user(["read", "write"]), relation: "owner" },
  admin: { actor: user(["read", "write", "admin"], { admin: true }), relation: "admin" },
};

const outcomeOf = (decision: ReturnType<typeof authorize>): Outcome =>
  decision.allowed ? "allow" : decision.reason;

describe("authorize: the stage table, cell by cell", () => {
  for (const [caller, byStage] of Object.entries(EXPECTED) as [Caller, Record<Stage, string>][]) {
    for (const stage of ALL_STAGES) {
      ACTIONS.forEach((action, i) => {
        const expected = LETTERS[byStage[stage].charAt(i)];
        it(`${caller} on a ${stage} version: ${action} is ${expected === "allow" ? "allowed" : `denied (${expected})`}`, () => {
          const { actor, relation, tester = false, grantee = false } = CALLERS[caller];
          const modelId = NAMESPACE_ACTIONS.has(action) ? null : MODEL_ID;
          assert.equal(
            outcomeOf(authorize(actor, action, { modelId, stage, relation, tester, grantee })),
            expected,
          );
        });
      });
    }
  }
});

describe("authorize: the table's extent", () => {
  it("has exactly the actions and stages this matrix covers, so neither can go untested", () => {
    assert.deepEqual(Object.keys(PERMISSIONS).sort(), [...ACTIONS].sort());
    for (const rule of Object.values(PERMISSIONS)) {
      assert.deepEqual(Object.keys(rule.allow).sort(), [...ALL_STAGES].sort());
    }
    for (const byStage of Object.values(EXPECTED)) {
      for (const row of Object.values(byStage)) {
        assert.equal(row.length, ACTIONS.length);
      }
    }
  });
});

describe("authorize: a withdrawn version's tombstone", () => {
  it("is seen by whoever saw the version at the stage it was withdrawn from, and nobody downloads it", () => {
    const withdrawn = { modelId: MODEL_ID, stage: "withdrawn" as const, tester: false };
    assert.equal(
      outcomeOf(
        authorize(ANONYMOUS, "version.see", {
          ...withdrawn,
          withdrawnFrom: "open",
          relation: "anonymous",
        }),
      ),
      "allow",
    );
    assert.equal(
      outcomeOf(
        authorize(ANONYMOUS, "version.download", {
          ...withdrawn,
          withdrawnFrom: "open",
          relation: "anonymous",
        }),
      ),
      "unauthenticated",
    );
    const member = CALLERS.member;
    assert.equal(
      outcomeOf(
        authorize(member.actor, "version.see", {
          ...withdrawn,
          withdrawnFrom: "internal",
          relation: "member",
        }),
      ),
      "allow",
    );
    assert.equal(
      outcomeOf(
        authorize(CALLERS["non-member"].actor, "version.see", {
          ...withdrawn,
          withdrawnFrom: "internal",
          relation: "none",
        }),
      ),
      "hidden",
    );
  });
});

describe("authorize: tokens restricted to a model", () => {
  it("lets a token restricted to a model act on that model as its user would", () => {
    const restricted = user(["read", "write"], { modelId: MODEL_ID });
    for (const stage of STAGES) {
      for (const action of ACTIONS.filter(
        (a) => a !== "org.manage-members" && a !== "version.restore",
      )) {
        assert.equal(
          outcomeOf(
            authorize(restricted, action, {
              modelId: MODEL_ID,
              stage,
              relation: "owner",
              tester: false,
            }),
          ),
          "allow",
          `${action} on a ${stage} version`,
        );
      }
    }
  });

  it("gives a restricted token no more than an anonymous caller on any other model, whatever its user's role", () => {
    const restricted = user(["read", "write", "admin"], { admin: true, modelId: OTHER_MODEL_ID });
    for (const stage of ALL_STAGES) {
      for (const action of ACTIONS) {
        const modelId = NAMESPACE_ACTIONS.has(action) ? null : MODEL_ID;
        const decision = authorize(restricted, action, {
          modelId,
          stage,
          relation: "admin",
          tester: true,
        });
        const anonymous = authorize(ANONYMOUS, action, {
          modelId,
          stage,
          relation: "anonymous",
          tester: false,
        });
        assert.equal(decision.allowed, anonymous.allowed, `${action} on a ${stage} version`);
      }
    }
  });
});

describe("authorize: scopes", () => {
  it("lets a write token read, and an admin-scoped token write", () => {
    for (const scopes of [["write"], ["admin"]] as Scope[][]) {
      const actor = user(scopes);
      for (const action of ACTIONS.filter((a) => a !== "version.restore")) {
        const modelId = NAMESPACE_ACTIONS.has(action) ? null : MODEL_ID;
        assert.equal(
          outcomeOf(
            authorize(actor, action, {
              modelId,
              stage: "private",
              relation: "owner",
              tester: false,
            }),
          ),
          "allow",
          `${scopes.join(",")}: ${action}`,
        );
      }
    }
  });

  it("lets an admin restore a withdrawn version only with the admin scope", () => {
    const resource = {
      modelId: MODEL_ID,
      stage: "withdrawn" as const,
      relation: "admin" as const,
      tester: false,
    };
    assert.equal(
      outcomeOf(authorize(user(["read", "write"], { admin: true }), "version.restore", resource)),
      "scope",
    );
    assert.equal(
      outcomeOf(authorize(user(["admin"], { admin: true }), "version.restore", resource)),
      "allow",
    );
  });

  it("refuses an admin whose token lacks the write scope any change", () => {
    const actor = user(["read"], { admin: true });
    for (const action of WRITE_ACTIONS) {
      for (const stage of ALL_STAGES) {
        assert.equal(
          outcomeOf(
            authorize(actor, action, {
              modelId: NAMESPACE_ACTIONS.has(action) ? null : MODEL_ID,
              stage,
              relation: "admin",
              tester: false,
            }),
          ),
          "scope",
          `${action} on a ${stage} version`,
        );
      }
    }
  });

  it("lists every action that needs the write scope, so a new one cannot escape the check above", () => {
    const needingWrite = (Object.keys(PERMISSIONS) as Action[]).filter(
      (a) => PERMISSIONS[a].scope === "write",
    );
    assert.deepEqual(needingWrite.sort(), [...WRITE_ACTIONS].sort());
  });
});

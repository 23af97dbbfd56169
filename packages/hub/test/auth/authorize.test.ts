import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ANONYMOUS,
  PERMISSIONS,
  authorize,
  type Actor,
  type ModelAction,
  type Relation,
  type Scope,
  type Visibility,
} from "../../src/auth/index.js";

/**
 * The permission matrix, written out cell by cell rather than derived from
 * PERMISSIONS, so that any change to the table shows up here as a failure.
 * Private models are seen by maintainers, owners and admins; internal ones by
 * every org member; open ones by everyone. Writing needs the maintainer role
 * and the write scope; deleting and managing members need the owner role.
 */
type Outcome = "allow" | "hidden" | "unauthenticated" | "forbidden" | "scope" | "token-model";

const ACTIONS = [
  "model.see",
  "model.download",
  "version.create",
  "version.upload",
  "version.publish",
  "model.delete",
  "org.manage-members",
] as const satisfies readonly ModelAction[];

type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

type Caller =
  | "anonymous"
  | "read-only token of the owner"
  | "owner's token restricted to another model"
  | "non-member"
  | "member"
  | "reviewer"
  | "maintainer"
  | "owner"
  | "admin";

// Columns: see, download, create version, upload, publish, delete, manage members.
// prettier-ignore
const EXPECTED: Record<Caller, Record<Visibility, Row>> = {
  anonymous: {
    private: ["unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated"],
    internal: ["unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated"],
    open: ["allow", "allow", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated"],
  },
  "read-only token of the owner": {
    private: ["allow", "allow", "scope", "scope", "scope", "scope", "scope"],
    internal: ["allow", "allow", "scope", "scope", "scope", "scope", "scope"],
    open: ["allow", "allow", "scope", "scope", "scope", "scope", "scope"],
  },
  "owner's token restricted to another model": {
    private: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "token-model"],
    internal: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "token-model"],
    open: ["allow", "allow", "token-model", "token-model", "token-model", "token-model", "token-model"],
  },
  "non-member": {
    private: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "forbidden"],
    internal: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "forbidden"],
    open: ["allow", "allow", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
  },
  member: {
    private: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "forbidden"],
    internal: ["allow", "allow", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    open: ["allow", "allow", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
  },
  reviewer: {
    private: ["hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "forbidden"],
    internal: ["allow", "allow", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    open: ["allow", "allow", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
  },
  maintainer: {
    private: ["allow", "allow", "allow", "allow", "allow", "forbidden", "forbidden"],
    internal: ["allow", "allow", "allow", "allow", "allow", "forbidden", "forbidden"],
    open: ["allow", "allow", "allow", "allow", "allow", "forbidden", "forbidden"],
  },
  owner: {
    private: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
    internal: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
    open: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
  },
  admin: {
    private: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
    internal: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
    open: ["allow", "allow", "allow", "allow", "allow", "allow", "allow"],
  },
};

/** Every action that changes something; each needs the write scope. */
const WRITE_ACTIONS = [
  "version.create",
  "version.upload",
  "version.publish",
  "model.delete",
  "model.create",
  "org.manage-members",
] as const satisfies readonly ModelAction[];

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
const CALLERS: Record<Caller, { actor: Actor; relation: Relation }> = {
  anonymous: { actor: ANONYMOUS, relation: "anonymous" },
  "read-only token of the owner": { actor: user(["read"]), relation: "owner" },
  "owner's token restricted to another model": {
    actor: user(["read", "write"], { modelId: OTHER_MODEL_ID }),
    relation: "owner",
  },
  "non-member": { actor: user(["read", "write"]), relation: "none" },
  member: { actor: user(["read", "write"]), relation: "member" },
  reviewer: { actor: user(["read", "write"]), relation: "reviewer" },
  maintainer: { actor: user(["read", "write"]), relation: "maintainer" },
  owner: { actor: user(["read", "write"]), relation: "owner" },
  admin: { actor: user(["read", "write", "admin"], { admin: true }), relation: "admin" },
};

const outcomeOf = (decision: ReturnType<typeof authorize>): Outcome =>
  decision.allowed ? "allow" : decision.reason;

describe("authorize: the permission matrix, cell by cell", () => {
  for (const [caller, byVisibility] of Object.entries(EXPECTED) as [
    Caller,
    Record<Visibility, Row>,
  ][]) {
    for (const [visibility, row] of Object.entries(byVisibility) as [Visibility, Row][]) {
      ACTIONS.forEach((action, i) => {
        const expected = row[i];
        it(`${caller} on a ${visibility} model: ${action} is ${expected === "allow" ? "allowed" : `denied (${expected})`}`, () => {
          const { actor, relation } = CALLERS[caller];
          // Managing members concerns the namespace, not one model.
          const modelId = action === "org.manage-members" ? null : MODEL_ID;
          assert.equal(
            outcomeOf(authorize(actor, action, { modelId, visibility, relation })),
            expected,
          );
        });
      });
    }
  }
});

describe("authorize: the table's extent", () => {
  it("has exactly the actions this matrix covers, so a new action cannot go untested", () => {
    assert.deepEqual(Object.keys(PERMISSIONS).sort(), [...ACTIONS, "model.create"].sort());
  });
});

describe("authorize: creating a model in a namespace", () => {
  // Namespace-level, so the same whatever visibility the new model will have.
  const EXPECTED_CREATE: Record<Caller, Outcome> = {
    anonymous: "unauthenticated",
    "read-only token of the owner": "scope",
    "owner's token restricted to another model": "token-model",
    "non-member": "forbidden",
    member: "forbidden",
    reviewer: "forbidden",
    maintainer: "allow",
    owner: "allow",
    admin: "allow",
  };
  for (const [caller, expected] of Object.entries(EXPECTED_CREATE) as [Caller, Outcome][]) {
    it(`${caller}: model.create is ${expected === "allow" ? "allowed" : `denied (${expected})`}`, () => {
      const { actor, relation } = CALLERS[caller];
      for (const visibility of ["private", "internal", "open"] as const) {
        assert.equal(
          outcomeOf(authorize(actor, "model.create", { modelId: null, visibility, relation })),
          expected,
        );
      }
    });
  }
});

describe("authorize: tokens restricted to a model", () => {
  it("lets a token restricted to a model act on that model as its user would", () => {
    const restricted = user(["read", "write"], { modelId: MODEL_ID });
    for (const visibility of ["private", "internal", "open"] as const) {
      for (const action of ACTIONS.filter((a) => a !== "org.manage-members")) {
        assert.equal(
          outcomeOf(
            authorize(restricted, action, { modelId: MODEL_ID, visibility, relation: "owner" }),
          ),
          "allow",
          `${action} on a ${visibility} model`,
        );
      }
    }
  });

  it("gives a restricted token no more than an anonymous caller on any other model, whatever its user's role", () => {
    const restricted = user(["read", "write", "admin"], { admin: true, modelId: OTHER_MODEL_ID });
    for (const visibility of ["private", "internal", "open"] as const) {
      for (const action of ACTIONS) {
        const modelId = action === "org.manage-members" ? null : MODEL_ID;
        const decision = authorize(restricted, action, { modelId, visibility, relation: "admin" });
        const anonymous = authorize(ANONYMOUS, action, {
          modelId,
          visibility,
          relation: "anonymous",
        });
        assert.equal(decision.allowed, anonymous.allowed, `${action} on a ${visibility} model`);
      }
    }
  });
});

describe("authorize: scopes", () => {
  it("lets a write token read, and an admin-scoped token write", () => {
    for (const scopes of [["write"], ["admin"]] as Scope[][]) {
      const actor = user(scopes);
      for (const action of ACTIONS) {
        const modelId = action === "org.manage-members" ? null : MODEL_ID;
        assert.equal(
          outcomeOf(
            authorize(actor, action, { modelId, visibility: "private", relation: "owner" }),
          ),
          "allow",
          `${scopes.join(",")}: ${action}`,
        );
      }
    }
  });

  it("refuses an admin whose token lacks the write scope any change", () => {
    const actor = user(["read"], { admin: true });
    for (const action of WRITE_ACTIONS) {
      const namespaceLevel = action === "model.create" || action === "org.manage-members";
      for (const visibility of ["private", "internal", "open"] as const) {
        assert.equal(
          outcomeOf(
            authorize(actor, action, {
              modelId: namespaceLevel ? null : MODEL_ID,
              visibility,
              relation: "admin",
            }),
          ),
          "scope",
          `${action} on a ${visibility} model`,
        );
      }
    }
  });

  it("lists every action that needs the write scope, so a new one cannot escape the check above", () => {
    const needingWrite = (Object.keys(PERMISSIONS) as ModelAction[]).filter(
      (a) => PERMISSIONS[a].scope === "write",
    );
    assert.deepEqual(needingWrite.sort(), [...WRITE_ACTIONS].sort());
  });
});

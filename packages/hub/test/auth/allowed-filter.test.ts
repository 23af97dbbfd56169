import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ANONYMOUS,
  PERMISSIONS,
  allowedFilter,
  authorize,
  relationFrom,
  type Actor,
  type ModelAction,
  type OrgRole,
  type Scope,
  type Visibility,
} from "../../src/auth/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema } from "../support/harness.js";

/**
 * The SQL filter that lists models must agree with authorize on every row: the
 * same caller, action and model give the same answer whichever way it is asked.
 * Checked over every kind of namespace (own, another user's, organisations
 * where the caller holds each role or none) × visibility × caller × action.
 */
const ME = "u_me";
const NAMESPACES: readonly { id: string; kind: "user" | "org"; myRole?: OrgRole }[] = [
  { id: ME, kind: "user" },
  { id: "u_other", kind: "user" },
  { id: "o_owner", kind: "org", myRole: "owner" },
  { id: "o_maintainer", kind: "org", myRole: "maintainer" },
  { id: "o_reviewer", kind: "org", myRole: "reviewer" },
  { id: "o_member", kind: "org", myRole: "member" },
  { id: "o_none", kind: "org" },
];
const VISIBILITIES: readonly Visibility[] = ["private", "internal", "open"];
const modelIdOf = (ns: string, v: Visibility): string => `m_${ns}_${v}`;

function caller(scopes: Scope[], opts: { admin?: boolean; modelId?: string } = {}): Actor {
  return {
    kind: "user",
    userId: ME,
    name: "me",
    isAdmin: opts.admin ?? false,
    token: {
      id: "t_me",
      name: "test",
      scopes,
      modelId: opts.modelId ?? null,
      createdAt: "2026-01-01T00:00:00.000Z",
      expiresAt: null,
    },
  };
}

const CALLERS: Record<string, Actor> = {
  anonymous: ANONYMOUS,
  "read token": caller(["read"]),
  "write token": caller(["read", "write"]),
  "token restricted to a private model of an org it maintains": caller(["read", "write"], {
    modelId: modelIdOf("o_maintainer", "private"),
  }),
  "token restricted to a private model of an org it is a member of": caller(["read", "write"], {
    modelId: modelIdOf("o_member", "private"),
  }),
  "token restricted to its own internal model": caller(["read"], {
    modelId: modelIdOf(ME, "internal"),
  }),
  administrator: caller(["read", "write", "admin"], { admin: true }),
  "administrator's read token": caller(["read"], { admin: true }),
  "administrator's restricted token": caller(["read", "write", "admin"], {
    admin: true,
    modelId: modelIdOf("u_other", "private"),
  }),
};

/** What authorize says of `actor` doing `action` on the model of `ns` with visibility `v`. */
function allows(
  actor: Actor,
  action: ModelAction,
  ns: (typeof NAMESPACES)[number],
  v: Visibility,
): boolean {
  return authorize(actor, action, {
    modelId: modelIdOf(ns.id, v),
    visibility: v,
    relation: relationFrom(actor, { id: ns.id, name: ns.id, kind: ns.kind }, ns.myRole),
  }).allowed;
}

/** The actions that concern one model; model.create and member management concern a namespace. */
const MODEL_ACTIONS = (Object.keys(PERMISSIONS) as ModelAction[]).filter(
  (a) => a !== "model.create" && a !== "org.manage-members",
);

for (const dialect of DIALECTS) {
  describe(`the SQL filter agrees with authorize on every row (${dialect})`, () => {
    let store: Store;
    let dataDir: string;
    let schema: string | null;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-filter-"));
      const target = databaseFor(dialect, dataDir);
      schema = target.schema;
      store = await openStore(target.database);
      const at = "2026-01-01T00:00:00.000Z";
      for (const ns of NAMESPACES) {
        await store.db
          .insertInto("namespaces")
          .values({ id: ns.id, name: ns.id, name_key: ns.id, kind: ns.kind, created_at: at })
          .execute();
        if (ns.kind === "user") {
          await store.db
            .insertInto("users")
            .values({ id: ns.id, email: null, fullname: null, is_admin: 0 })
            .execute();
        }
      }
      for (const ns of NAMESPACES) {
        if (ns.myRole !== undefined) {
          await store.db
            .insertInto("org_members")
            .values({ org_id: ns.id, user_id: ME, role: ns.myRole, created_at: at })
            .execute();
        }
        // Another member, so that "not a member" is not the same as "no members".
        if (ns.kind === "org") {
          await store.db
            .insertInto("org_members")
            .values({ org_id: ns.id, user_id: "u_other", role: "owner", created_at: at })
            .execute();
        }
        for (const v of VISIBILITIES) {
          const id = modelIdOf(ns.id, v);
          await store.db
            .insertInto("models")
            .values({
              id,
              namespace_id: ns.id,
              name: id,
              name_key: id,
              visibility: v,
              created_at: at,
              updated_at: at,
            })
            .execute();
        }
      }
    });
    after(async () => {
      await store.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    for (const [name, actor] of Object.entries(CALLERS)) {
      for (const action of MODEL_ACTIONS) {
        it(`${name}: ${action}`, async () => {
          const rows = await store.db
            .selectFrom("models as m")
            .innerJoin("namespaces as n", "n.id", "m.namespace_id")
            .select("m.id")
            .where(
              allowedFilter(actor, action, {
                modelId: "m.id",
                visibility: "m.visibility",
                namespaceId: "n.id",
                namespaceKind: "n.kind",
              }),
            )
            .execute();
          const expected = NAMESPACES.flatMap((ns) =>
            VISIBILITIES.filter((v) => allows(actor, action, ns, v)).map((v) =>
              modelIdOf(ns.id, v),
            ),
          );
          assert.deepEqual(rows.map((r) => r.id).sort(), expected.sort());
        });
      }
    }

    it("is not vacuous: some caller is allowed and some refused each action", () => {
      for (const action of MODEL_ACTIONS) {
        const answers = Object.values(CALLERS).flatMap((actor) =>
          NAMESPACES.flatMap((ns) => VISIBILITIES.map((v) => allows(actor, action, ns, v))),
        );
        assert.ok(answers.includes(true) && answers.includes(false), action);
      }
    });
  });
}

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { sql } from "kysely";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ANONYMOUS,
  PERMISSIONS,
  allowedFilter,
  authorize,
  relationFrom,
  type Action,
  type Actor,
  type OrgRole,
  type Scope,
} from "../../src/auth/index.js";
import { STAGES, type Stage } from "../../src/stages/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { DIALECTS, databaseFor, dropSchema } from "../support/harness.js";

/**
 * The SQL filter that lists models and versions must agree with authorize on
 * every row: the same caller, action and version give the same answer
 * whichever way it is asked. Checked over every kind of namespace (own,
 * another user's, organisations where the caller holds each role or none) ×
 * stage (withdrawn ones from several stages) × the model's allow-list (without
 * the caller, with them, with an organisation they belong to, with one they do
 * not) or its grants (to them, to their organisation or another, expired,
 * revoked, to another version) × caller × action.
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
/** A version's stage, and for a withdrawn one the stage it was withdrawn from. */
interface StageSpec {
  readonly stage: Stage;
  readonly from: Stage | null;
}
const STAGE_SPECS: readonly StageSpec[] = [
  ...STAGES.map((stage) => ({ stage, from: null })),
  { stage: "withdrawn", from: null },
  { stage: "withdrawn", from: "internal" },
  { stage: "withdrawn", from: "staged" },
  { stage: "withdrawn", from: "open" },
];
/**
 * Who the model lists: on its allow-list of trusted testers, or holding a
 * grant of access (live, expired, revoked, or to another version only).
 */
const TESTER_LISTS = [
  "nobody",
  "me",
  "my-org",
  "another-org",
  "grant-me",
  "grant-my-org",
  "grant-another-org",
  "grant-me-expired",
  "grant-me-revoked",
  "grant-me-other-version",
] as const;
type TesterList = (typeof TESTER_LISTS)[number];
/** The time grants are judged at; expired ones ended before it. */
const NOW = "2026-06-01T00:00:00.000Z";
/** The organisation `my-org` names: one where I am a plain member. */
const MY_ORG = "o_member";
const OTHER_ORG = "o_none";
const specName = (s: StageSpec): string =>
  s.from === null ? s.stage : `${s.stage}-from-${s.from}`;
const modelIdOf = (ns: string, s: StageSpec, t: TesterList): string =>
  `m_${ns}_${specName(s)}_${t}`;

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
    modelId: modelIdOf("o_maintainer", { stage: "private", from: null }, "nobody"),
  }),
  "token restricted to a private model of an org it is a member of": caller(["read", "write"], {
    modelId: modelIdOf("o_member", { stage: "private", from: null }, "nobody"),
  }),
  "token restricted to its own internal model": caller(["read"], {
    modelId: modelIdOf(ME, { stage: "internal", from: null }, "nobody"),
  }),
  "token restricted to a staged model it tests": caller(["read"], {
    modelId: modelIdOf("u_other", { stage: "staged", from: null }, "me"),
  }),
  administrator: caller(["read", "write", "admin"], { admin: true }),
  "administrator's read token": caller(["read"], { admin: true }),
  "administrator's restricted token": caller(["read", "write", "admin"], {
    admin: true,
    modelId: modelIdOf("u_other", { stage: "private", from: null }, "nobody"),
  }),
};

/** Whether I am on an allow-list, as the hub works it out from the store. */
const testing = (actor: Actor, t: TesterList): boolean =>
  actor.kind === "user" && (t === "me" || t === "my-org");

/** Whether I hold a live grant to the version, as the hub works it out from the store. */
const granted = (actor: Actor, t: TesterList): boolean =>
  actor.kind === "user" && (t === "grant-me" || t === "grant-my-org");

/** What authorize says of `actor` doing `action` on the version of `ns` at `s` with testers `t`. */
function allows(
  actor: Actor,
  action: Action,
  ns: (typeof NAMESPACES)[number],
  s: StageSpec,
  t: TesterList,
): boolean {
  return authorize(actor, action, {
    modelId: modelIdOf(ns.id, s, t),
    stage: s.stage,
    withdrawnFrom: s.from,
    relation: relationFrom(actor, { id: ns.id, name: ns.id, kind: ns.kind }, ns.myRole),
    tester: testing(actor, t),
    grantee: granted(actor, t),
  }).allowed;
}

/** The actions that concern one model; model.create and member management concern a namespace. */
const MODEL_ACTIONS = (Object.keys(PERMISSIONS) as Action[]).filter(
  (a) => a !== "model.create" && a !== "org.manage-members",
);

/** Every (namespace, stage, allow-list) the store holds a model and version for. */
const CASES = NAMESPACES.flatMap((ns) =>
  STAGE_SPECS.flatMap((s) => TESTER_LISTS.map((t) => ({ ns, s, t }))),
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
      }
      for (const { ns, s, t } of CASES) {
        const id = modelIdOf(ns.id, s, t);
        await store.db
          .insertInto("models")
          .values({
            id,
            namespace_id: ns.id,
            name: id,
            name_key: id,
            initial_stage: "private",
            created_at: at,
            updated_at: at,
          })
          .execute();
        await store.db
          .insertInto("versions")
          .values({
            id: `v_${id}`,
            model_id: id,
            name: "v1",
            state: "published",
            commit_id: null,
            card: null,
            created_at: at,
            published_at: at,
            stage: s.stage,
            stage_since: at,
            stage_reason: null,
            withdrawn_from: s.from,
          })
          .execute();
        const tester = ({ me: ME, "my-org": MY_ORG, "another-org": OTHER_ORG } as const)[
          t as "me"
        ] as string | undefined;
        if (tester !== undefined) {
          await store.db
            .insertInto("model_testers")
            .values({ model_id: id, namespace_id: tester, created_at: at })
            .execute();
        }
        if (t.startsWith("grant-")) {
          const grantee =
            t === "grant-my-org" ? MY_ORG : t === "grant-another-org" ? OTHER_ORG : ME;
          await store.db
            .insertInto("access_grants")
            .values({
              id: `g_${id}`,
              model_id: id,
              version_id: t === "grant-me-other-version" ? `v_other_${id}` : `v_${id}`,
              grantee_id: grantee,
              request_id: null,
              granted_by: null,
              granted_at: at,
              expires_at: t === "grant-me-expired" ? "2026-05-31T23:59:59.999Z" : null,
              revoked_at: t === "grant-me-revoked" ? at : null,
              revoked_by: null,
              revoke_reason: null,
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
            .selectFrom("versions as v")
            .innerJoin("models as m", "m.id", "v.model_id")
            .innerJoin("namespaces as n", "n.id", "m.namespace_id")
            .select("m.id")
            .where(
              allowedFilter(
                actor,
                action,
                {
                  modelId: "m.id",
                  versionId: "v.id",
                  stage: sql.ref("v.stage"),
                  withdrawnFrom: sql.ref("v.withdrawn_from"),
                  namespaceId: "n.id",
                  namespaceKind: "n.kind",
                },
                NOW,
              ),
            )
            .execute();
          const expected = CASES.filter(({ ns, s, t }) => allows(actor, action, ns, s, t)).map(
            ({ ns, s, t }) => modelIdOf(ns.id, s, t),
          );
          assert.deepEqual(rows.map((r) => r.id).sort(), expected.sort());
        });
      }
    }

    it("is not vacuous: some caller is allowed and some refused each action", () => {
      for (const action of MODEL_ACTIONS) {
        const answers = Object.values(CALLERS).flatMap((actor) =>
          CASES.map(({ ns, s, t }) => allows(actor, action, ns, s, t)),
        );
        assert.ok(answers.includes(true) && answers.includes(false), action);
      }
    });

    it("is not vacuous about testers: the allow-list alone decides some staged rows", () => {
      const actor = CALLERS["write token"];
      assert.ok(actor !== undefined);
      const staged = CASES.filter(({ s, ns }) => s.stage === "staged" && ns.id === "u_other");
      assert.deepEqual(
        staged.map(({ ns, s, t }) => [t, allows(actor, "version.download", ns, s, t)]),
        TESTER_LISTS.map((t) => [t, t === "me" || t === "my-org"]),
      );
    });

    it("is not vacuous about grants: a live grant alone decides some gated downloads", () => {
      const actor = CALLERS["write token"];
      assert.ok(actor !== undefined);
      const gated = CASES.filter(({ s, ns }) => s.stage === "gated" && ns.id === "u_other");
      assert.deepEqual(
        gated.map(({ ns, s, t }) => [t, allows(actor, "version.download", ns, s, t)]),
        TESTER_LISTS.map((t) => [t, t === "grant-me" || t === "grant-my-org"]),
      );
    });
  });
}

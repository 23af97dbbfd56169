import { requireUnrestricted, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { ModelRecord } from "../registry/index.js";
import type { AccessRequestStatus, Db } from "../store/index.js";
import { grantStatus, type GrantView } from "./grants.js";
import type { RequestView } from "./requests.js";

/** One entry of the Hub's `user-access-request` lists, with Gatehouse's additions beside it. */
export interface HfAccessRequest {
  readonly user: {
    readonly user: string;
    readonly fullname: string;
    readonly email?: string;
    readonly type: "user" | "org";
  };
  readonly status: AccessRequestStatus;
  readonly timestamp: string;
  readonly reviewedAt?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly gatehouse: {
    readonly id: string;
    readonly requester: string;
    readonly version: string | null;
    readonly rejectionReason: string | null;
    readonly reapplyAt: string | null;
  };
}

/** A page position: the last entry's time and id, so entries added meanwhile neither repeat nor vanish. */
const cursorOf = (createdAt: string, id: string): string =>
  Buffer.from(`${createdAt}|${id}`).toString("base64url");

function parseCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (createdAt === undefined || id === undefined || createdAt === "" || id === "") {
    throw new HubError(
      "BAD_REQUEST",
      "cursor: not a cursor this hub gave; follow the Link header's URL",
    );
  }
  return { createdAt, id };
}

/**
 * A model's requests in one status, oldest first, a page at a time: each
 * grantee's newest request only, as the Hub lists users, not requests.
 */
export async function listRequests(
  ctx: HubContext,
  model: ModelRecord,
  status: AccessRequestStatus,
  page: { limit: number; cursor?: string },
): Promise<{ items: HfAccessRequest[]; next: string | null }> {
  const after = page.cursor === undefined ? null : parseCursor(page.cursor);
  const rows = await ctx.db
    .selectFrom("access_requests as r")
    .innerJoin("namespaces as g", "g.id", "r.grantee_id")
    .innerJoin("namespaces as q", "q.id", "r.requester_id")
    .leftJoin("users as u", "u.id", "r.grantee_id")
    .leftJoin("versions as v", "v.id", "r.version_id")
    .select([
      "r.id",
      "r.status",
      "r.fields",
      "r.created_at",
      "r.decided_at",
      "r.rejection_reason",
      "r.reapply_at",
      "g.name as grantee",
      "g.kind as grantee_kind",
      "q.name as requester",
      "u.fullname",
      "u.email",
      "v.name as version",
    ])
    .where("r.model_id", "=", model.id)
    .where("r.status", "=", status)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("access_requests as later")
            .select("later.id")
            .whereRef("later.model_id", "=", "r.model_id")
            .whereRef("later.grantee_id", "=", "r.grantee_id")
            .where((l) =>
              l.or([
                l("later.created_at", ">", l.ref("r.created_at")),
                l.and([
                  l("later.created_at", "=", l.ref("r.created_at")),
                  l("later.id", ">", l.ref("r.id")),
                ]),
              ]),
            ),
        ),
      ),
    )
    .where((eb) =>
      after === null
        ? eb.and([])
        : eb.or([
            eb("r.created_at", ">", after.createdAt),
            eb.and([eb("r.created_at", "=", after.createdAt), eb("r.id", ">", after.id)]),
          ]),
    )
    .orderBy("r.created_at")
    .orderBy("r.id")
    .limit(page.limit + 1)
    .execute();
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map((r) => ({
      user: {
        user: r.grantee,
        fullname: r.fullname ?? r.grantee,
        ...(r.email === null ? {} : { email: r.email }),
        type: r.grantee_kind,
      },
      status: r.status,
      timestamp: r.created_at,
      ...(r.decided_at === null ? {} : { reviewedAt: r.decided_at }),
      fields: JSON.parse(r.fields) as Record<string, unknown>,
      gatehouse: {
        id: r.id,
        requester: r.requester,
        version: r.version,
        rejectionReason: r.rejection_reason,
        reapplyAt: r.reapply_at,
      },
    })),
    next:
      rows.length > page.limit && last !== undefined ? cursorOf(last.created_at, last.id) : null,
  };
}

/** The model's grants, newest first, live ones and past ones alike. */
export async function listGrants(ctx: HubContext, model: ModelRecord): Promise<GrantView[]> {
  return grantsWhere(ctx, (q) => q.where("a.model_id", "=", model.id));
}

type GrantQuery = ReturnType<typeof grantQuery>;

function grantQuery(ctx: HubContext) {
  return ctx.db
    .selectFrom("access_grants as a")
    .innerJoin("models as m", "m.id", "a.model_id")
    .innerJoin("namespaces as mn", "mn.id", "m.namespace_id")
    .innerJoin("namespaces as g", "g.id", "a.grantee_id")
    .leftJoin("versions as v", "v.id", "a.version_id")
    .select([
      "a.id",
      "mn.name as namespace",
      "m.name as model",
      "v.name as version",
      "g.name as grantee",
      "g.kind as grantee_kind",
      "a.granted_at",
      "a.expires_at",
      "a.revoked_at",
    ]);
}

/** Grants as owners and grantees see them, newest first, of those `filter` keeps. */
export async function grantsWhere(
  ctx: HubContext,
  filter: (q: GrantQuery) => GrantQuery,
): Promise<GrantView[]> {
  const at = ctx.clock.now().toISOString();
  const rows = await filter(grantQuery(ctx))
    .orderBy("a.granted_at", "desc")
    .orderBy("a.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    model: `${r.namespace}/${r.model}`,
    version: r.version,
    grantee: r.grantee,
    granteeKind: r.grantee_kind,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    status: grantStatus(r, at),
  }));
}

/**
 * The caller's own access: grants to them or to organisations they belong to,
 * and the requests they made, newest first. A token restricted to one model
 * may not list access to others.
 */
export async function listMine(
  ctx: HubContext,
  actor: Actor,
): Promise<{ grants: GrantView[]; requests: RequestView[] }> {
  const user = requireUnrestricted(actor, "list your access to every model");
  const grants = await grantsWhere(ctx, (q) =>
    q.where((eb) =>
      eb.or([
        eb("a.grantee_id", "=", user.userId),
        eb(
          "a.grantee_id",
          "in",
          eb.selectFrom("org_members").select("org_id").where("user_id", "=", user.userId),
        ),
      ]),
    ),
  );
  const requests = await requestViews(ctx.db, (q) => q.where("r.requester_id", "=", user.userId));
  return { grants, requests };
}

type RequestQuery = ReturnType<typeof requestQuery>;

function requestQuery(db: Db) {
  return db
    .selectFrom("access_requests as r")
    .innerJoin("models as m", "m.id", "r.model_id")
    .innerJoin("namespaces as mn", "mn.id", "m.namespace_id")
    .innerJoin("namespaces as g", "g.id", "r.grantee_id")
    .innerJoin("namespaces as q", "q.id", "r.requester_id")
    .leftJoin("versions as v", "v.id", "r.version_id")
    .selectAll("r")
    .select([
      "mn.name as namespace",
      "m.name as model",
      "g.name as grantee",
      "q.name as requester",
      "v.name as version",
    ]);
}

/** Requests as their requesters and the model's owners see them, newest first. */
export async function requestViews(
  db: Db,
  filter: (q: RequestQuery) => RequestQuery,
): Promise<RequestView[]> {
  const rows = await filter(requestQuery(db))
    .orderBy("r.created_at", "desc")
    .orderBy("r.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    model: `${r.namespace}/${r.model}`,
    version: r.version,
    requester: r.requester,
    grantee: r.grantee,
    status: r.status,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    rejectionReason: r.rejection_reason,
    reapplyAt: r.reapply_at,
  }));
}

import { sql } from "kysely";
import {
  findNamespace,
  hasScope,
  requireScope,
  requireUnrestricted,
  type Actor,
  type UserActor,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import type { Db, UsageSignalsTable } from "../store/index.js";
import type { SignalAction, SignalKind, SignalSubjectKind } from "./signal-kinds.js";

/** A signal as the API answers it. */
export interface UsageSignal {
  readonly id: string;
  readonly kind: SignalKind;
  readonly state: "open" | "closed";
  /** Whose calls; an address is shown to hub administrators only (null for others). */
  readonly subject: { readonly kind: SignalSubjectKind; readonly id: string | null };
  readonly tokenId: string | null;
  readonly userId: string | null;
  readonly orgId: string | null;
  /** The version last called, `namespace/name@version`; null when none. */
  readonly version: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  /** 1 when it opened, one more for each later trip. */
  readonly trips: number;
  readonly details: Readonly<Record<string, unknown>>;
  readonly action: SignalAction;
  /** The policy's signal rules that asked for the action; empty for a plain notify. */
  readonly rules: readonly string[];
  readonly closedBy: string | null;
  readonly closedAt: string | null;
  readonly closeReason: string | null;
}

export interface SignalQuery {
  readonly state: "open" | "closed" | "all";
  readonly kind?: SignalKind;
  /** Only signals whose version belongs to this model, `namespace/name`. */
  readonly model?: string;
  /** Only signals about calls to this organisation's models. */
  readonly org?: string;
  readonly limit: number;
}

/** Whether the caller reads every signal: a hub administrator with an admin-scoped token. */
function seesAll(user: UserActor): boolean {
  return user.isAdmin && hasScope(user.token.scopes, "admin");
}

/** The organisations whose signals a caller may read and close: those they own. */
export async function ownedOrgs(db: Db, user: UserActor): Promise<string[]> {
  const rows = await db
    .selectFrom("org_members")
    .select("org_id")
    .where("user_id", "=", user.userId)
    .where("role", "=", "owner")
    .execute();
  return rows.map((r) => r.org_id);
}

/**
 * Who may read or close signals: hub administrators all of them; an
 * organisation's owners those about calls to its models (null: all).
 * Anyone else is refused 403, as for the other administrators' routes.
 */
export async function signalReach(
  ctx: HubContext,
  actor: Actor,
  scope: "read" | "write",
  doing: string,
): Promise<{ user: UserActor; orgs: string[] | null }> {
  const user = requireUnrestricted(requireScope(actor, scope), doing);
  if (seesAll(user)) {
    return { user, orgs: null };
  }
  const orgs = await ownedOrgs(ctx.db, user);
  if (orgs.length === 0) {
    throw new HubError(
      "FORBIDDEN",
      `only a hub administrator or an organisation's owner may ${doing}`,
    );
  }
  return { user, orgs };
}

type SignalRow = UsageSignalsTable & { version_label: string | null };

/** The signals' rows with the label of their version. */
export function signalRows(db: Db) {
  return db
    .selectFrom("usage_signals as s")
    .leftJoin("versions as v", "v.id", "s.version_id")
    .leftJoin("models as m", "m.id", "v.model_id")
    .leftJoin("namespaces as n", "n.id", "m.namespace_id")
    .selectAll("s")
    .select(sql<string | null>`n.name || '/' || m.name || '@' || v.name`.as("version_label"));
}

/** A row as the API answers it; addresses for hub administrators only. */
export function signalOf(row: SignalRow, showAddress: boolean): UsageSignal {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    subject: {
      kind: row.subject_kind,
      id: row.subject_kind === "address" && !showAddress ? null : row.subject,
    },
    tokenId: row.token_id,
    userId: row.user_id,
    orgId: row.org_id,
    version: row.version_id === null ? null : row.version_label,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    trips: row.trips,
    details: JSON.parse(row.details) as Record<string, unknown>,
    action: row.action,
    rules: JSON.parse(row.rules) as string[],
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
  };
}

/**
 * The id of the namespace whose signals a query narrows to, when the caller
 * may read them; null for a namespace that does not exist (an administrator
 * then gets an empty list). Anyone else is refused 403 for a namespace that
 * is not an organisation they own, existing or not, so the answer tells
 * nothing of names the caller may not see.
 */
async function narrowedTo(
  ctx: HubContext,
  orgs: string[] | null,
  name: string,
  refusal: string,
): Promise<string | null> {
  const namespace = await findNamespace(ctx.db, name);
  if (orgs !== null && (namespace?.kind !== "org" || !orgs.includes(namespace.id))) {
    throw new HubError("FORBIDDEN", refusal);
  }
  return namespace?.id ?? null;
}

/**
 * The signals a caller may read, most recently seen first. `model` and `org`
 * narrow the list; for anyone but an administrator they must name an
 * organisation the caller owns, or a model of one, else the answer is 403.
 */
export async function listSignals(
  ctx: HubContext,
  actor: Actor,
  query: SignalQuery,
): Promise<UsageSignal[]> {
  const { orgs } = await signalReach(ctx, actor, "read", "read abuse signals");
  let q = signalRows(ctx.db);
  if (query.state !== "all") {
    q = q.where("s.state", "=", query.state);
  }
  if (query.kind !== undefined) {
    q = q.where("s.kind", "=", query.kind);
  }
  if (orgs !== null) {
    q = q.where("s.org_id", "in", orgs);
  }
  if (query.org !== undefined) {
    const orgId = await narrowedTo(
      ctx,
      orgs,
      query.org,
      `only a hub administrator or an owner of the organisation "${query.org}" may read abuse signals about its models`,
    );
    if (orgId === null) {
      return [];
    }
    q = q.where("s.org_id", "=", orgId);
  }
  if (query.model !== undefined) {
    const [namespace = "", name = ""] = query.model.split("/");
    const namespaceId = await narrowedTo(
      ctx,
      orgs,
      namespace,
      `only a hub administrator or an owner of the organisation "${namespace}" may read abuse signals about its model "${query.model}"`,
    );
    const modelKey = nameKey(name);
    if (namespaceId === null || modelKey === null) {
      return [];
    }
    q = q.where("m.namespace_id", "=", namespaceId).where("m.name_key", "=", modelKey);
  }
  const rows = await q.orderBy("s.last_seen", "desc").orderBy("s.id").limit(query.limit).execute();
  return rows.map((r) => signalOf(r, orgs === null));
}

import { sql, type Expression, type SqlBool } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";

export interface ModelListing {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly visibility: "private" | "internal" | "open";
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sha: string | null;
}

export interface ListQuery {
  readonly search?: string | undefined;
  readonly author?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

const encodeCursor = (key: string): string => Buffer.from(key, "utf8").toString("base64url");

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key.includes("/")) {
    throw new HubError(
      "BAD_REQUEST",
      "cursor is not one this hub gave out; start again without it",
    );
  }
  return key;
}

/**
 * The models the caller may see, ordered by `namespace/name`, a page at a
 * time. The visibility rule mirrors the permission table's `model.see` row,
 * expressed as SQL so that hidden models never leave the database.
 */
export async function listModels(
  ctx: HubContext,
  actor: Actor,
  query: ListQuery,
): Promise<{ models: ModelListing[]; nextCursor: string | null }> {
  const sortKey = sql<string>`n.name_key || '/' || m.name_key`;
  let q = ctx.db
    .selectFrom("models as m")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select([
      "m.id",
      "n.name as namespace",
      "m.name",
      "m.visibility",
      "m.created_at",
      "m.updated_at",
      sortKey.as("sort_key"),
    ])
    .select((eb) =>
      eb
        .selectFrom("versions as v")
        .select("v.commit_id")
        .whereRef("v.model_id", "=", "m.id")
        .where("v.state", "=", "published")
        .orderBy("v.published_at", "desc")
        .limit(1)
        .as("sha"),
    );
  if (!(actor.kind === "user" && actor.isAdmin && actor.token.modelId === null)) {
    q = q.where((eb) => {
      const visible: Expression<SqlBool>[] = [eb("m.visibility", "=", "open")];
      if (actor.kind === "user") {
        const own =
          actor.token.modelId === null
            ? eb("m.namespace_id", "=", actor.userId)
            : eb("m.id", "=", actor.token.modelId);
        visible.push(own);
        if (actor.token.modelId === null) {
          const memberships = eb
            .selectFrom("org_members as om")
            .select("om.org_id")
            .where("om.user_id", "=", actor.userId);
          const writers = memberships.where("om.role", "in", ["owner", "maintainer"]);
          visible.push(
            eb.and([eb("m.visibility", "=", "internal"), eb("m.namespace_id", "in", memberships)]),
            eb.and([eb("m.visibility", "=", "private"), eb("m.namespace_id", "in", writers)]),
          );
        }
      }
      return eb.or(visible);
    });
  }
  if (query.search !== undefined && query.search !== "") {
    const needle = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<SqlBool>`${sortKey} like ${needle} escape '\\'`);
  }
  if (query.author !== undefined && query.author !== "") {
    q = q.where("n.name_key", "=", query.author.toLowerCase());
  }
  if (query.cursor !== undefined && query.cursor !== "") {
    q = q.where(sql<SqlBool>`${sortKey} > ${decodeCursor(query.cursor)}`);
  }
  const rows = await q
    .orderBy(sortKey)
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    models: page.map((r) => ({
      id: r.id,
      namespace: r.namespace,
      name: r.name,
      visibility: r.visibility,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      sha: r.sha,
    })),
    nextCursor:
      rows.length > query.limit && last !== undefined ? encodeCursor(last.sort_key) : null,
  };
}

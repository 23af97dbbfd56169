import { sql, type SqlBool } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { asciiLower, nameKey } from "../names/index.js";
import type { LadderStage, Stage } from "../stages/index.js";
import { mainVersion, parseMain, seesVersion } from "./load-model.js";

export interface ModelListing {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The stage each version starts at. */
  readonly initialStage: LadderStage;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The commit and stage of what `main` means for the caller; null when they see no version. */
  readonly sha: string | null;
  readonly stage: Stage | null;
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
 * time. Which ones is decided by the permission table's `model.see` row in its
 * SQL form, so that hidden models never leave the database and the list shows
 * exactly what a direct request would.
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
      "m.initial_stage",
      "m.created_at",
      "m.updated_at",
      sortKey.as("sort_key"),
    ])
    .select(mainVersion(actor).as("main"));
  // Seen as loadModel sees a model: by the stage its versions start at, or through a version.
  q = q.where((eb) =>
    eb.or([
      seesVersion(actor, "model"),
      eb.exists(
        eb
          .selectFrom("versions as v")
          .select("v.id")
          .whereRef("v.model_id", "=", "m.id")
          .where("v.state", "=", "published")
          .where(seesVersion(actor)),
      ),
    ]),
  );
  if (query.search !== undefined && query.search !== "") {
    const needle = `%${asciiLower(query.search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<SqlBool>`${sortKey} like ${needle} escape '\\'`);
  }
  if (query.author !== undefined && query.author !== "") {
    q = q.where("n.name_key", "=", nameKey(query.author) ?? "");
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
    models: page.map((r) => {
      const main = parseMain(r.main);
      return {
        id: r.id,
        namespace: r.namespace,
        name: r.name,
        initialStage: r.initial_stage,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        sha: main?.commit ?? null,
        stage: main?.stage ?? null,
      };
    }),
    nextCursor:
      rows.length > query.limit && last !== undefined ? encodeCursor(last.sort_key) : null,
  };
}

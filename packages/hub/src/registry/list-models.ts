import { sql, type SqlBool } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { LadderStage, Stage } from "../stages/index.js";
import { cardSql } from "./card-sql.js";
import { recentSince } from "./download-stats.js";
import { filterModels, type ModelFilters, type RiskTier } from "./filter-models.js";
import { RISK_TIERS, type CardData } from "./model-card.js";

/** The orders a list comes in, by the Hugging Face Hub's names for them. */
export const MODEL_SORTS = ["id", "downloads", "lastModified", "createdAt"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

/** The version `main` means for the caller, as a list shows it. */
export interface ListedVersion {
  readonly id: string;
  readonly name: string;
  readonly stage: Stage;
  readonly commitId: string;
  readonly publishedAt: string;
  /** The card's front matter, as stored at publication; null when the version has none. */
  readonly card: CardData | null;
  readonly riskTier: RiskTier;
}

export interface ModelListing {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The stage each version starts at. */
  readonly initialStage: LadderStage;
  readonly createdAt: string;
  /** What `main` means for the caller; null when they see no version. */
  readonly version: ListedVersion | null;
}

export interface ListQuery extends ModelFilters {
  readonly sort: ModelSort;
  /** 1 ascending, -1 descending. */
  readonly direction: 1 | -1;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface ModelPage {
  readonly models: ModelListing[];
  readonly nextCursor: string | null;
  /** How many models match, over every page. */
  readonly total: number;
}

/**
 * Where a page ends: the sort and direction it was given for, and the last
 * model's sort value and `namespace/name` key, so that the next page starts
 * right after it however many models share its value.
 */
interface Cursor {
  readonly sort: ModelSort;
  readonly direction: 1 | -1;
  readonly value: string | number;
  readonly key: string;
}

const encodeCursor = (cursor: Cursor): string =>
  Buffer.from(
    JSON.stringify([cursor.sort, cursor.direction, cursor.value, cursor.key]),
    "utf8",
  ).toString("base64url");

function decodeCursor(text: string, sort: ModelSort, direction: 1 | -1): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const [givenSort, givenDirection, value, key] = Array.isArray(parsed)
    ? (parsed as unknown[])
    : [];
  const valueType = givenSort === "downloads" ? "number" : "string";
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    !MODEL_SORTS.some((s) => s === givenSort) ||
    (givenDirection !== 1 && givenDirection !== -1) ||
    typeof value !== valueType ||
    typeof key !== "string"
  ) {
    throw new HubError(
      "BAD_REQUEST",
      "cursor is not one this hub gave out; start again without it",
    );
  }
  if (givenSort !== sort || givenDirection !== direction) {
    throw new HubError(
      "BAD_REQUEST",
      `cursor was given for sort=${String(givenSort)}&direction=${String(givenDirection)}, not sort=${sort}&direction=${direction}; start again without it`,
    );
  }
  return { sort, direction, value: value as string | number, key };
}

/** The column a sort orders by, over `b` (the model) and `mv` (its `main` version). */
function sortValue(sort: ModelSort) {
  switch (sort) {
    case "id":
      return sql<string>`b.id_key`;
    case "createdAt":
      return sql<string>`b.created_at`;
    // A model's time is its newest visible version's: models.updated_at also
    // moves when a version the caller may not see is published.
    case "lastModified":
      return sql<string>`coalesce(mv.published_at, b.created_at)`;
    case "downloads":
      return sql<number | string>`b.recent_downloads`;
  }
}

/**
 * The models the caller may see, filtered, sorted and a page at a time, each
 * with the version `main` means for them. Which models and which version are
 * decided by the stage table's SQL form, so that hidden models and versions
 * never leave the database and the list shows exactly what a direct request
 * would; filters apply to that version, so none tells of one the caller may
 * not see. Ties in the sort are broken by `namespace/name`, and the cursor
 * holds both, so pages neither skip nor repeat a model.
 */
export async function listModels(
  ctx: HubContext,
  actor: Actor,
  query: ListQuery,
): Promise<ModelPage> {
  const filtered = filterModels(
    ctx,
    actor,
    query,
    query.sort === "downloads" ? recentSince(ctx) : undefined,
  );
  const value = sortValue(query.sort);
  const order = query.direction === 1 ? sql`asc` : sql`desc`;
  let page = filtered.select([
    "b.id",
    "b.namespace",
    "b.name",
    "b.initial_stage",
    "b.created_at",
    "b.id_key",
    "mv.id as version_id",
    "mv.name as version_name",
    "mv.stage",
    "mv.commit_id",
    "mv.published_at",
    value.as("sort_value"),
  ]);
  if (query.cursor !== undefined && query.cursor !== "") {
    const after = decodeCursor(query.cursor, query.sort, query.direction);
    const beyond = query.direction === 1 ? sql`>` : sql`<`;
    page = page.where(
      query.sort === "id"
        ? sql<SqlBool>`b.id_key ${beyond} ${after.key}`
        : sql<SqlBool>`(${value} ${beyond} ${after.value} or (${value} = ${after.value} and b.id_key > ${after.key}))`,
    );
  }
  page = page
    .orderBy(sql`${value} ${order}`)
    .orderBy("b.id_key")
    .limit(query.limit + 1);
  // The cards and tiers of the page's versions only, not of every model the sort went through.
  const card = cardSql(ctx.store, "cv.card");
  const [rows, counted] = await Promise.all([
    ctx.db
      .selectFrom(page.as("p"))
      .leftJoin("versions as cv", "cv.id", "p.version_id")
      .selectAll("p")
      .select(["cv.card", card.riskRank("cv.reviewed_risk_tier").as("risk_rank")])
      .orderBy(sql`p.sort_value ${order}`)
      .orderBy("p.id_key")
      .execute(),
    filtered.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst(),
  ]);
  const shown = rows.slice(0, query.limit);
  const last = shown[shown.length - 1];
  return {
    models: shown.map((r) => ({
      id: r.id,
      namespace: r.namespace,
      name: r.name,
      initialStage: r.initial_stage,
      createdAt: r.created_at,
      version:
        r.version_id === null ||
        r.version_name === null ||
        r.stage === null ||
        r.commit_id === null ||
        r.published_at === null
          ? null
          : {
              id: r.version_id,
              name: r.version_name,
              stage: r.stage,
              commitId: r.commit_id,
              publishedAt: r.published_at,
              card: cardOf(ctx, r.version_id, r.card),
              riskTier: RISK_TIERS[r.risk_rank] ?? "minimal",
            },
    })),
    nextCursor:
      rows.length > query.limit && last !== undefined
        ? encodeCursor({
            sort: query.sort,
            direction: query.direction,
            // PostgreSQL sums bigints as numeric, which its driver gives as text.
            value: query.sort === "downloads" ? Number(last.sort_value) : String(last.sort_value),
            key: last.id_key,
          })
        : null,
    total: Number(counted?.n ?? 0),
  };
}

/** A published version's card, parsed once where model info has already read the version. */
function cardOf(ctx: HubContext, versionId: string, stored: string | null): CardData | null {
  const kept = ctx.caches.versions.get(versionId);
  if (kept !== undefined) {
    return kept.card;
  }
  return stored === null ? null : (JSON.parse(stored) as CardData);
}

import { sql, type SqlBool } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { asciiLower, nameKey } from "../names/index.js";
import type { LadderStage } from "../stages/index.js";
import { cardSql } from "./card-sql.js";
import { mainVersionId, seesVersion } from "./load-model.js";
import { recentDownloads } from "./download-stats.js";
import { RISK_TIERS } from "./model-card.js";

export type RiskTier = (typeof RISK_TIERS)[number];

/**
 * What narrows a list of models. Every condition but `search` and `author`
 * is about the version `main` means for the caller, so that no filter tells
 * of a version the caller may not see; a model without one matches none.
 */
export interface ModelFilters {
  /** Part of `namespace/name`, in any case. */
  readonly search?: string | undefined;
  /** The namespace (a user or an organisation), in any case. */
  readonly author?: string | undefined;
  /** Tags the card must list, every one. */
  readonly tags?: readonly string[] | undefined;
  /** Licences the card must declare, every one, in any case (a card may list several). */
  readonly licences?: readonly string[] | undefined;
  readonly stage?: LadderStage | undefined;
  /** The tier in force: the card's, a reviewer's or its compute's, the highest. */
  readonly riskTier?: RiskTier | undefined;
}

/** The prefix of the Hugging Face Hub's licence tags: `license:mit`. */
export const LICENCE_TAG = "license:";

/**
 * The Hugging Face Hub's `filter` values split into tags and licences: a
 * `license:<id>` filter asks for the licence (the tag the Hub derives from
 * the card's `license`), anything else for a tag of the card.
 */
export function splitFilters(filters: readonly string[]): { tags: string[]; licences: string[] } {
  const tags: string[] = [];
  const licences: string[] = [];
  for (const filter of filters) {
    if (filter.startsWith(LICENCE_TAG)) {
      licences.push(filter.slice(LICENCE_TAG.length));
    } else {
      tags.push(filter);
    }
  }
  return { tags, licences };
}

/** `namespace/name` in lower case: the key a list is ordered by, unless asked otherwise. */
const idKey = sql<string>`n.name_key || '/' || m.name_key`;

/**
 * The models `actor` may see, narrowed by `filters`, in one query to select
 * from: `b` the model (`id`, `namespace`, `name`, `initial_stage`,
 * `created_at`, `id_key`, and `recent_downloads` when `withDownloadsSince`
 * gives the first day to count) and `mv` the version `main` means for the
 * caller (its columns null when they see none). Who sees what is the stage
 * table's SQL form, as everywhere, so nothing hidden leaves the database.
 */
export function filterModels(
  ctx: HubContext,
  actor: Actor,
  filters: ModelFilters,
  withDownloadsSince?: string,
) {
  let models = ctx.db
    .selectFrom("models as m")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select([
      "m.id",
      "n.name as namespace",
      "m.name",
      "m.initial_stage",
      "m.created_at",
      idKey.as("id_key"),
      mainVersionId(actor).as("main_id"),
      (withDownloadsSince === undefined
        ? sql<number | string>`0`
        : recentDownloads(actor, withDownloadsSince)
      ).as("recent_downloads"),
    ])
    // Seen as loadModel sees a model: by the stage its versions start at, or through a version.
    .where((eb) =>
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
  if (filters.search !== undefined && filters.search !== "") {
    const needle = `%${asciiLower(filters.search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    models = models.where(sql<SqlBool>`${idKey} like ${needle} escape '\\'`);
  }
  if (filters.author !== undefined && filters.author !== "") {
    models = models.where("n.name_key", "=", nameKey(filters.author) ?? "");
  }
  let q = ctx.db.selectFrom(models.as("b")).leftJoin("versions as mv", "mv.id", "b.main_id");
  const card = cardSql(ctx.store, "mv.card");
  if (filters.stage !== undefined) {
    q = q.where("mv.stage", "=", filters.stage);
  }
  if (filters.riskTier !== undefined) {
    q = q
      .where("mv.id", "is not", null)
      .where(
        sql<SqlBool>`${card.riskRank("mv.reviewed_risk_tier")} = ${RISK_TIERS.indexOf(filters.riskTier)}`,
      );
  }
  for (const tag of filters.tags ?? []) {
    q = q.where(card.has("tags", (value) => sql<SqlBool>`${value} = ${tag}`));
  }
  for (const licence of filters.licences ?? []) {
    q = q.where(
      card.has("license", (value) => sql<SqlBool>`lower(${value}) = ${asciiLower(licence)}`),
    );
  }
  return q;
}

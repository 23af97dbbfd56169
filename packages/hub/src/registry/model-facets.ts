import { sql } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { STAGES } from "../stages/index.js";
import { cardSql } from "./card-sql.js";
import { filterModels, type ModelFilters } from "./filter-models.js";
import { RISK_TIERS } from "./model-card.js";

/** One value a list can be filtered by, and how many of the models counted have it. */
export interface Facet {
  readonly value: string;
  readonly count: number;
}

/** What the models a caller may see hold, for a browser's filter choices. */
export interface ModelFacets {
  /** How many models were counted. */
  readonly models: number;
  /** Namespaces with any model, most models first. */
  readonly namespaces: Facet[];
  /** Every stage a newest visible version can be at, in ladder order, with none counted as 0. */
  readonly stages: Facet[];
  /** Every risk tier, lowest first, with none counted as 0. */
  readonly riskTiers: Facet[];
  /** Licences the cards declare, most models first; one entry whatever their case. */
  readonly licenses: Facet[];
  /** Tags the cards list, most models first. */
  readonly tags: Facet[];
}

type FacetName = "models" | "namespace" | "stage" | "riskTier" | "license" | "tag";

const byCount = (a: Facet, b: Facet): number =>
  b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/**
 * The namespaces, stages, risk tiers, licences and tags of the models the
 * caller may see that match `filters`, each with its count of models, in one
 * query. The models and the version each one's values come from are the ones
 * `GET /api/models` lists for the same caller and filters, so a count never
 * tells of a model or version the caller may not see.
 */
export async function modelFacets(
  ctx: HubContext,
  actor: Actor,
  filters: ModelFilters,
): Promise<ModelFacets> {
  const seen = filterModels(ctx, actor, filters).select([
    "b.id",
    "b.namespace",
    "mv.stage",
    "mv.card",
    sql<
      number | null
    >`case when mv.id is null then null else ${cardSql(ctx.store, "mv.card").riskRank("mv.reviewed_risk_tier")} end`.as(
      "risk_rank",
    ),
  ]);
  const card = cardSql(ctx.store, "s.card");
  const licences = card.strings("license", "l");
  const tags = card.strings("tags", "t");
  const { rows } = await sql<{ facet: FacetName; value: string | null; n: number | string }>`
    with seen as ${seen}
    select 'models' as facet, null as value, count(*) as n from seen
    union all
    select 'namespace', namespace, count(*) from seen group by namespace
    union all
    select 'stage', stage, count(*) from seen where stage is not null group by stage
    union all
    select 'riskTier', cast(risk_rank as text), count(*) from seen where risk_rank is not null group by risk_rank
    union all
    select 'license', min(${licences.value}), count(distinct s.id) from seen s, ${licences.from}
      where ${licences.value} is not null group by lower(${licences.value})
    union all
    select 'tag', ${tags.value}, count(distinct s.id) from seen s, ${tags.from}
      where ${tags.value} is not null group by ${tags.value}`.execute(ctx.db);
  const facets = (name: FacetName): Facet[] =>
    rows
      .filter((r) => r.facet === name && r.value !== null)
      .map((r) => ({ value: r.value ?? "", count: Number(r.n) }));
  const counts = (
    name: FacetName,
    values: readonly string[],
    key: (v: string, i: number) => string,
  ) => {
    const found = new Map(facets(name).map((f) => [f.value, f.count]));
    return values.map((value, i) => ({ value, count: found.get(key(value, i)) ?? 0 }));
  };
  return {
    models: Number(rows.find((r) => r.facet === "models")?.n ?? 0),
    namespaces: facets("namespace").sort(byCount),
    stages: counts("stage", STAGES, (v) => v),
    riskTiers: counts("riskTier", RISK_TIERS, (_, i) => String(i)),
    licenses: facets("license").sort(byCount),
    tags: facets("tag").sort(byCount),
  };
}

import { sql } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { asciiLower } from "../names/index.js";
import { seesVersion } from "../registry/index.js";
import { parseBaseModels, type BaseModelRelation } from "./licences/index.js";

/** A model that names another as its base, by the newest version of it the caller sees that does. */
export interface DerivedModel {
  readonly model: string;
  readonly version: string;
  readonly relation: BaseModelRelation;
}

/** At most this many derived models are listed. */
export const MAX_DERIVED = 100;

/**
 * The models whose cards name `model` (`namespace/name`) as a `base_model`,
 * each by the newest published version the caller may see that names it,
 * withdrawn ones aside: the children of a model in its lineage. A model the
 * caller may not see is not listed, so the list reveals nothing hidden.
 */
export async function derivedModels(
  ctx: HubContext,
  actor: Actor,
  model: { readonly id: string; readonly fullName: string },
): Promise<DerivedModel[]> {
  const key = asciiLower(model.fullName);
  // Names are ASCII letters, digits and ._- only, so a card naming the model holds its name
  // in any case; LIKE's `_` may match more, which parsing each card below sorts out.
  const rows = await ctx.db
    .selectFrom("versions as v")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(["m.id", "n.name as namespace", "m.name", "v.name as version", "v.card"])
    .where("v.state", "=", "published")
    .where("v.stage", "<>", "withdrawn")
    .where("m.id", "<>", model.id)
    .where(sql`lower(v.card)`, "like", `%${key}%`)
    .where(seesVersion(actor))
    .orderBy("v.published_at", "desc")
    .orderBy("v.id", "desc")
    .execute();
  const found = new Map<string, DerivedModel>();
  for (const row of rows) {
    if (found.has(row.id) || row.card === null) {
      continue;
    }
    const bases = parseBaseModels(JSON.parse(row.card) as Record<string, unknown>);
    const base = bases.ok ? bases.bases.find((b) => asciiLower(b.model) === key) : undefined;
    if (base !== undefined) {
      found.set(row.id, {
        model: `${row.namespace}/${row.name}`,
        version: row.version,
        relation: base.relation,
      });
      if (found.size === MAX_DERIVED) {
        break;
      }
    }
  }
  return [...found.values()].sort((a, b) => a.model.localeCompare(b.model));
}

import { Type, type Static, type TObject } from "@fastify/type-provider-typebox";
import { STAGES } from "../stages/index.js";
import { LICENCE_TAG, splitFilters, type ModelFilters } from "./filter-models.js";
import { RISK_TIERS } from "./model-card.js";

/**
 * A query parameter that takes one of `values`; a refusal lists them. Typed
 * as their union, which TypeBox cannot infer from a list built at run time.
 */
export const choice = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      { description },
    ),
  );

/**
 * The query parameters that narrow a list of models, shared by the model list
 * and its facets: the Hugging Face Hub's `search`, `author` and `filter`,
 * and Gatehouse's `license`, `stage` and `risk_tier`.
 */
export const MODEL_FILTER_PARAMS = {
  search: Type.Optional(
    Type.String({ maxLength: 200, description: "part of namespace/name, in any case" }),
  ),
  author: Type.Optional(
    Type.String({ maxLength: 96, description: "a namespace: a user or an organisation" }),
  ),
  filter: Type.Optional(
    Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 20,
      description:
        "a tag of the card, or license:<id>; repeat it for several, which must all match",
    }),
  ),
  license: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "a licence the card declares, in any case; as filter=license:<id>",
    }),
  ),
  stage: Type.Optional(choice(STAGES, "the stage of the newest version the caller may see")),
  risk_tier: Type.Optional(
    choice(RISK_TIERS, "the risk tier in force of the newest version the caller may see"),
  ),
};

/** The filters a validated query asks for. */
export function filtersOf(query: Static<TObject<typeof MODEL_FILTER_PARAMS>>): ModelFilters {
  return {
    search: query.search,
    author: query.author,
    ...splitFilters([
      ...(query.filter ?? []),
      ...(query.license === undefined ? [] : [`${LICENCE_TAG}${query.license}`]),
    ]),
    stage: query.stage,
    riskTier: query.risk_tier,
  };
}

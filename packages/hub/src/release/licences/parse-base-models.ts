/** The relations a card's `base_model_relation` may name, as the Hugging Face Hub defines them. */
export const BASE_MODEL_RELATIONS = [
  "finetune",
  "adapter",
  "quantized",
  "merge",
  "distillation",
] as const;
export type BaseModelRelation = (typeof BASE_MODEL_RELATIONS)[number];

/** One base a card names: `ns/name`, an optional version, and how the child derives from it. */
export interface BaseModelRef {
  readonly model: string;
  /** The version after `@`, or null for the newest the caller may see. */
  readonly version: string | null;
  readonly relation: BaseModelRelation;
}

/** The card's bases, or every problem found in its `base_model` and `base_model_relation`. */
export type BaseModelsResult =
  | { readonly ok: true; readonly bases: readonly BaseModelRef[] }
  | { readonly ok: false; readonly errors: readonly string[] };

const SEGMENT = "[A-Za-z0-9][A-Za-z0-9._-]*";
const REFERENCE = new RegExp(`^(${SEGMENT}/${SEGMENT})(?:@(${SEGMENT}))?$`);

function isRelation(value: string): value is BaseModelRelation {
  return (BASE_MODEL_RELATIONS as readonly string[]).includes(value);
}

/**
 * Reads `base_model` (a string or a list; each `ns/name` or `ns/name@version`)
 * and `base_model_relation` from a card. Resolving the references against the
 * store is the caller's job. Without a relation, one base is read as a
 * `finetune` and several as a `merge`, the Hub's own default for such cards.
 *
 * @example
 * parseBaseModels({ base_model: "meta-llama/Meta-Llama-3-8B", base_model_relation: "adapter" });
 * // { ok: true, bases: [{ model: "meta-llama/Meta-Llama-3-8B", version: null, relation: "adapter" }] }
 */
export function parseBaseModels(card: Readonly<Record<string, unknown>>): BaseModelsResult {
  const errors: string[] = [];
  const raw = card.base_model;
  let values: unknown[];
  if (raw === undefined || raw === null) {
    values = [];
  } else if (typeof raw === "string") {
    values = [raw];
  } else if (Array.isArray(raw)) {
    values = raw;
  } else {
    return { ok: false, errors: ["base_model must be a string or a list of strings"] };
  }

  const relationRaw = card.base_model_relation;
  let relation: BaseModelRelation = values.length > 1 ? "merge" : "finetune";
  if (relationRaw !== undefined && relationRaw !== null) {
    if (typeof relationRaw === "string" && isRelation(relationRaw)) {
      relation = relationRaw;
    } else {
      errors.push(
        `base_model_relation ${JSON.stringify(relationRaw)} is not one of ${BASE_MODEL_RELATIONS.join(", ")}`,
      );
    }
  }
  if (values.length === 0 && relationRaw !== undefined && relationRaw !== null) {
    errors.push("base_model_relation is set but base_model names no base");
  }

  const bases: BaseModelRef[] = [];
  const seen = new Set<string>();
  for (const [index, value] of values.entries()) {
    const match = typeof value === "string" ? REFERENCE.exec(value.trim()) : null;
    const model = match?.[1];
    if (match === null || model === undefined) {
      errors.push(
        `base_model${Array.isArray(raw) ? `[${index}]` : ""} ${JSON.stringify(value)} is not "namespace/name" or "namespace/name@version"`,
      );
      continue;
    }
    const version = match[2] ?? null;
    const key = `${model}@${version ?? ""}`;
    if (!seen.has(key)) {
      seen.add(key);
      bases.push({ model, version, relation });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, bases };
}

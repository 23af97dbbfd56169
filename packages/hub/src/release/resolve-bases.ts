import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel, resolveVersion } from "../registry/index.js";
import { parseBaseModels, resolveLicence, type BaseModelRelation } from "./licences/index.js";
import type { LicenceFacts } from "./policy-input.js";

/** A model a version derives from, found on this hub, with its licence. */
export interface ResolvedBase {
  readonly model: string;
  readonly version: string;
  readonly relation: BaseModelRelation;
  readonly licence: LicenceFacts | null;
}

/**
 * The versions a card's `base_model` names, as `actor` sees them: each must be
 * a model on this hub the actor may see (its newest version, or the one after
 * `@`). A base the actor may not see is answered exactly as one that does not
 * exist, so a card cannot be used to probe for hidden models.
 */
export async function resolveBases(
  ctx: HubContext,
  actor: Actor,
  card: Readonly<Record<string, unknown>>,
): Promise<ResolvedBase[]> {
  const parsed = parseBaseModels(card);
  if (!parsed.ok) {
    throw new HubError("INVALID_CARD", `README.md: ${parsed.errors.join("; ")}`);
  }
  const bases: ResolvedBase[] = [];
  for (const ref of parsed.bases) {
    const [namespace = "", name = ""] = ref.model.split("/");
    const unknown = new HubError(
      "INVALID_CARD",
      `README.md: base_model ${ref.model}${ref.version === null ? "" : `@${ref.version}`} names no published model you can see on this hub; publish the base here first, or correct the name`,
      { baseModel: ref.model },
    );
    try {
      const model = await loadModel(ctx, actor, namespace, name, "version.see");
      const { version } = await resolveVersion(ctx, actor, model, ref.version ?? "main");
      const licence = resolveLicence(version.card ?? {});
      bases.push({
        model: model.fullName,
        version: version.name,
        relation: ref.relation,
        licence: licence?.ok === true ? licence.licence : null,
      });
    } catch (err) {
      if (
        err instanceof HubError &&
        (err.code === "REPO_NOT_FOUND" || err.code === "REVISION_NOT_FOUND")
      ) {
        throw unknown;
      }
      throw err;
    }
  }
  return bases;
}

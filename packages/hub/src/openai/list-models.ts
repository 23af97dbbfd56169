import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { allServed, findServedVersion, isDecoder } from "../serve/index.js";
import { modelNotFound } from "./model-id.js";

/** One entry of `GET /v1/models`. */
export interface OpenAiModel {
  readonly id: string;
  readonly object: "model";
  /** When serving was enabled, in seconds since the epoch. */
  readonly created: number;
  readonly owned_by: string;
}

/**
 * The language models this hub serves that the caller may call, each version
 * as `namespace/name@version`, newest enabled first: the ids to give as
 * `model`. A version the caller may see but not call (no grant, not on the
 * allow-list) is left out, as are models it may not see.
 */
export async function listModels(ctx: HubContext, actor: Actor): Promise<OpenAiModel[]> {
  const models: OpenAiModel[] = [];
  for (const served of await allServed(ctx.db)) {
    if (served.upstream === null && !isDecoder(served.signature)) {
      continue;
    }
    const id = `${served.model}@${served.versionName}`;
    try {
      await findServedVersion(
        ctx,
        actor,
        { namespace: served.namespace, name: served.name },
        served.versionName,
        () => modelNotFound(id),
      );
    } catch {
      continue;
    }
    models.push({
      id,
      object: "model",
      created: Math.floor(Date.parse(served.enabledAt) / 1000),
      owned_by: served.namespace,
    });
  }
  return models.sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
}

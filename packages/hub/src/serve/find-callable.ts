import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { CallFacts } from "../limits/index.js";
import {
  loadModel,
  resolveVersion,
  type ModelRecord,
  type VersionRecord,
} from "../registry/index.js";
import { parseOipModelName } from "../names/index.js";
import { findServed, servedOfModel, type ServedVersion } from "./served-versions.js";

/** A served version the caller may call now. */
export interface Callable {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly served: ServedVersion;
}

/**
 * The one answer for a model or version that does not exist, is not served,
 * or that the caller may not see, in the words of KServe's ModelNotFound.
 */
function modelNotFound(oipName: string, version: string | undefined): HubError {
  return new HubError(
    "NOT_FOUND",
    version === undefined
      ? `Model with name ${oipName} does not exist.`
      : `Model with name ${oipName} and version ${version} does not exist.`,
  );
}

const isNotFound = (err: unknown) =>
  err instanceof HubError && (err.code === "REPO_NOT_FOUND" || err.code === "REVISION_NOT_FOUND");

/**
 * Finds the served version an OIP URL names, and decides `version.infer` on
 * it afresh (findServedVersion).
 */
export async function findCallable(
  ctx: HubContext,
  actor: Actor,
  oipName: string,
  versionName: string | undefined,
  facts?: CallFacts,
): Promise<Callable> {
  return findServedVersion(
    ctx,
    actor,
    parseOipModelName(oipName),
    versionName,
    () => modelNotFound(oipName, versionName),
    facts,
  );
}

/**
 * Finds the served version of `repo` named `versionName`, and decides
 * `version.infer` on it afresh (grants, allow-lists and stages change at any
 * time, so a withdrawn version stops answering at once). Without a version,
 * the newest served version the caller may call. A model or version that does
 * not exist, is not served or that the caller may not see gets `notFound()`
 * (made only then: an error's stack costs more than the lookup); a
 * caller who may see a version but not call it gets its stage's refusal (sign
 * in, ask for access, withdrawn). The version found is noted in `facts`, for
 * the call's usage record.
 */
export async function findServedVersion(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string } | null,
  versionName: string | undefined,
  notFound: () => HubError,
  facts?: CallFacts,
): Promise<Callable> {
  if (repo === null) {
    throw notFound();
  }
  let model: ModelRecord;
  try {
    model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.infer");
  } catch (err) {
    throw isNotFound(err) ? notFound() : err;
  }
  const candidates = versionName === undefined ? await servedOfModel(ctx.db, model.id) : undefined;
  let refusal: Error | null = null;
  for (const name of candidates?.map((c) => c.versionName) ?? [versionName ?? ""]) {
    try {
      const { version } = await resolveVersion(ctx, actor, model, name, "version.infer");
      const served =
        candidates?.find((c) => c.versionId === version.id) ??
        (await findServed(ctx.db, version.id));
      if (served !== undefined) {
        if (facts !== undefined) {
          facts.versionId = served.versionId;
          facts.orgId = model.namespace.kind === "org" ? model.namespace.id : null;
        }
        return { model, version, served };
      }
    } catch (err) {
      if (!isNotFound(err)) {
        refusal ??= err as Error;
      }
    }
  }
  throw refusal ?? notFound();
}

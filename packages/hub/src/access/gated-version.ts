import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import {
  readGate,
  resolveVersion,
  type GateConfig,
  type ModelRecord,
  type VersionRecord,
} from "../registry/index.js";

/** A gated version with the gate its card sets up. */
export interface GatedVersion {
  readonly version: VersionRecord;
  readonly gate: GateConfig;
}

/**
 * The gated version a request concerns: the revision named, or the newest
 * gated version of the model. Refused with 400 when it is not gated (a request
 * for a model that is not gated), as the Hub answers.
 */
export async function gatedVersion(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string | undefined,
): Promise<GatedVersion> {
  let name = revision;
  if (name === undefined) {
    const newest = await ctx.db
      .selectFrom("versions")
      .select("name")
      .where("model_id", "=", model.id)
      .where("state", "=", "published")
      .where("stage", "=", "gated")
      .orderBy("published_at", "desc")
      .orderBy("id", "desc")
      .executeTakeFirst();
    if (newest === undefined) {
      throw new HubError(
        "BAD_REQUEST",
        `${model.fullName} is not gated: none of its versions is at the gated stage, so there is no access to ask for`,
      );
    }
    name = newest.name;
  }
  const { version, access } = await resolveVersion(ctx, actor, model, name);
  if (access.stage !== "gated") {
    throw new HubError(
      "BAD_REQUEST",
      `${model.fullName}@${version.name} is not gated (its stage is ${access.stage}), so there is no access to ask for`,
    );
  }
  return { version, gate: readGate(version.card) };
}

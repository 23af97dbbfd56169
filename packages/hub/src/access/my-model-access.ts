import { requireUser, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { readGate, resolveVersion, type ModelRecord } from "../registry/index.js";
import { acceptedLicence, type GrantView } from "./grants.js";
import { gatedVersion } from "./gated-version.js";
import { grantsWhere, requestViews } from "./list-requests.js";
import type { RequestView } from "./requests.js";
import { versionLicence } from "./version-licence.js";

/** Where the caller stands with one gated version: what a request page shows them. */
export interface MyModelAccess {
  readonly model: string;
  /** The gated version concerned: the one named, else the newest gated one. */
  readonly version: string;
  /** The caller's newest request for themselves on this model, whatever its status. */
  readonly request: RequestView | null;
  /**
   * The grant that lets the caller in to this version now (their own or an
   * organisation's); when none is live, the newest one they held, expired or
   * revoked; null when they never held one.
   */
  readonly grant: GrantView | null;
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    /** Whether the gate asks grant holders to accept the licence before downloading. */
    readonly acceptanceRequired: boolean;
    /** Whether the caller accepted this exact text (for any version of the model). */
    readonly accepted: boolean;
  };
  /** Whether the caller may download this version's files now: the hub's one access decision. */
  readonly canDownload: boolean;
}

/**
 * The caller's standing with a gated version of `model`: their newest request,
 * the grant that covers them, whether they accepted this version's licence
 * text, and whether they may download it now. Signed-in callers only; a model
 * they may not see was refused before this as a missing one.
 */
export async function myModelAccess(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string | undefined,
): Promise<MyModelAccess> {
  const user = requireUser(actor);
  const { version } = await gatedVersion(ctx, actor, model, revision);
  const [request] = await requestViews(ctx.db, (q) =>
    q.where("r.model_id", "=", model.id).where("r.grantee_id", "=", user.userId).limit(1),
  );
  const grants = await grantsWhere(ctx, (q) =>
    q
      .where("a.model_id", "=", model.id)
      .where((eb) => eb.or([eb("a.version_id", "is", null), eb("a.version_id", "=", version.id)]))
      .where((eb) =>
        eb.or([
          eb("a.grantee_id", "=", user.userId),
          eb(
            "a.grantee_id",
            "in",
            eb.selectFrom("org_members").select("org_id").where("user_id", "=", user.userId),
          ),
        ]),
      ),
  );
  const licence = versionLicence(version);
  let canDownload = true;
  try {
    await resolveVersion(ctx, actor, model, version.name, "version.download");
  } catch (err) {
    if (!(err instanceof HubError)) {
      throw err;
    }
    canDownload = false;
  }
  return {
    model: model.fullName,
    version: version.name,
    request: request ?? null,
    grant: grants.find((g) => g.status === "live") ?? grants[0] ?? null,
    licence: {
      id: licence.id,
      sha256: licence.sha256,
      acceptanceRequired: readGate(version.card).licenceAcceptance,
      accepted: await acceptedLicence(ctx, user.userId, model.id, version),
    },
    canDownload,
  };
}

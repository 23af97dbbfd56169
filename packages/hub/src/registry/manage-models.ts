import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import {
  actorIdOf,
  authorize,
  findNamespace,
  relationTo,
  requireScope,
  type Actor,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { asciiLower, assertModelName } from "../names/index.js";
import type { LadderStage } from "../stages/index.js";
import { isUniqueViolation, newId } from "../store/index.js";
import { loadModel, type ModelRecord } from "./load-model.js";

/**
 * Creates an empty model in the caller's namespace or in an organisation where
 * they are a maintainer or owner. `initialStage` is the stage each version
 * starts at when published; above `private`, reaching it is a transition the
 * release policy checks like any other.
 */
export async function createModel(
  ctx: HubContext,
  actor: Actor,
  input: { namespace: string; name: string; initialStage: LadderStage },
  origin: RequestOrigin,
): Promise<ModelRecord> {
  assertModelName(input.name);
  const namespace = await findNamespace(ctx.db, input.namespace);
  if (namespace === undefined) {
    throw new HubError("NOT_FOUND", `no user or organisation is named "${input.namespace}"`);
  }
  const relation = await relationTo(ctx.db, actor, namespace);
  const decision = authorize(actor, "model.create", {
    modelId: null,
    stage: "private",
    relation,
    tester: false,
  });
  if (!decision.allowed) {
    // Answers 401, or the missing scope, first when those are the reason.
    requireScope(actor, "write");
    throw new HubError(
      "FORBIDDEN",
      decision.reason === "token-model"
        ? "a token restricted to one model cannot create models"
        : `you may not create models in "${namespace.name}"; its owners can give you the maintainer role`,
    );
  }
  const user = requireScope(actor, "write");
  const now = ctx.clock.now().toISOString();
  const id = newId("m");
  await ctx.db.transaction().execute(async (trx) => {
    const clash = await trx
      .selectFrom("models")
      .select("name")
      .where("namespace_id", "=", namespace.id)
      .where("name_key", "=", asciiLower(input.name))
      .executeTakeFirst();
    if (clash !== undefined) {
      throw new HubError("ALREADY_EXISTS", `model ${namespace.name}/${clash.name} already exists`);
    }
    await trx
      .insertInto("models")
      .values({
        id,
        namespace_id: namespace.id,
        name: input.name,
        name_key: asciiLower(input.name),
        initial_stage: input.initialStage,
        created_at: now,
        updated_at: now,
      })
      .execute()
      .catch((err: unknown) => {
        // Created between the check above and this insert, by a request at the same moment.
        throw isUniqueViolation(err)
          ? new HubError("ALREADY_EXISTS", `model ${namespace.name}/${input.name} already exists`)
          : err;
      });
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "model.create",
      resource: `model:${id}`,
      details: { namespace: namespace.id, initialStage: input.initialStage },
      at: ctx.clock.now(),
      origin,
    });
  });
  return {
    id,
    namespace,
    name: input.name,
    initialStage: input.initialStage,
    createdAt: now,
    updatedAt: now,
    relation,
    tester: false,
    fullName: `${namespace.name}/${input.name}`,
    main: null,
  };
}

/**
 * Deletes a model with its versions and file entries; owners only. Blob
 * content stays, as other versions may share it.
 */
export async function deleteModel(
  ctx: HubContext,
  actor: Actor,
  namespace: string,
  name: string,
  origin: RequestOrigin,
): Promise<void> {
  const model = await loadModel(ctx, actor, namespace, name, "model.delete");
  const actorId = actorIdOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const versionIds = trx.selectFrom("versions").select("id").where("model_id", "=", model.id);
    await trx.deleteFrom("version_files").where("version_id", "in", versionIds).execute();
    await trx.deleteFrom("versions").where("model_id", "=", model.id).execute();
    await trx
      .updateTable("tokens")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("model_id", "=", model.id)
      .where("revoked_at", "is", null)
      .execute();
    await trx.deleteFrom("models").where("id", "=", model.id).execute();
    await appendAuditEvent(trx, {
      actorId,
      action: "model.delete",
      resource: `model:${model.id}`,
      details: { namespace: model.namespace.id, name: model.name },
      at: ctx.clock.now(),
      origin,
    });
  });
}

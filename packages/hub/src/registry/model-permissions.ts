import type { Action, Actor } from "../auth/index.js";
import { mayAct, type ModelRecord } from "./load-model.js";

/**
 * The actions on a whole model that model info reports the caller may take:
 * those decided for the model, not per version (seeing, downloading and
 * calling a version are decided when a revision is resolved).
 */
export const MODEL_ACTIONS = [
  "version.create",
  "version.upload",
  "version.publish",
  "version.release",
  "version.review",
  "version.restore",
  "model.manage-access",
  "model.manage-webhooks",
  "model.delete",
] as const satisfies readonly Action[];

export type ModelAction = (typeof MODEL_ACTIONS)[number];

/**
 * The model-level actions `actor` may take on `model`, decided as the model's
 * routes decide them, so that a client (the web UI) offers only what the hub
 * would allow. The routes still decide every request.
 *
 * @example modelPermissions(actor, model) // ["version.create", …, "version.release"]
 */
export function modelPermissions(actor: Actor, model: ModelRecord): ModelAction[] {
  return MODEL_ACTIONS.filter((action) => mayAct(actor, model, action));
}

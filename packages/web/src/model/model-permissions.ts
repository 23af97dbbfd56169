import type { ModelInfo } from "../api/types.js";

/**
 * The model-level actions the hub says the signed-in caller may take
 * (`gatehouse.permissions` of model info, docs/api.md): what a tab checks
 * before it shows. The hub still decides every request.
 */
export type ModelAction =
  | "version.create"
  | "version.upload"
  | "version.publish"
  | "version.release"
  | "version.review"
  | "version.restore"
  | "model.manage-access"
  | "model.manage-webhooks"
  | "model.delete";

/** Whether model info says the caller may do `action`. */
export function mayOnModel(info: ModelInfo, action: ModelAction): boolean {
  const permissions = (info.gatehouse as { readonly permissions?: unknown }).permissions;
  return Array.isArray(permissions) && permissions.includes(action);
}

import { HubError } from "../errors/index.js";

/** A model as the OpenAI-compatible API names it: `namespace/name`, or `namespace/name@version`. */
export interface ModelId {
  readonly repo: { readonly namespace: string; readonly name: string } | null;
  readonly version: string | undefined;
}

/** Reads a `model` field; a malformed one has no repo, and so is a model that does not exist. */
export function parseModelId(model: string): ModelId {
  const at = model.indexOf("@");
  const path = at < 0 ? model : model.slice(0, at);
  const version = at < 0 ? undefined : model.slice(at + 1);
  const [namespace, name, ...rest] = path.split("/");
  if (
    namespace === undefined ||
    name === undefined ||
    namespace === "" ||
    name === "" ||
    rest.length > 0 ||
    version === ""
  ) {
    return { repo: null, version };
  }
  return { repo: { namespace, name }, version };
}

/**
 * OpenAI's refusal for a model that does not exist, is not served for
 * generation, or that the caller may not see: the same words for each, so an
 * answer tells nothing of models hidden from the caller.
 */
export function modelNotFound(model: string): HubError {
  return new HubError(
    "NOT_FOUND",
    `The model \`${model}\` does not exist or you do not have access to it; GET /v1/models lists the models you may call`,
    { param: "model" },
  );
}

import { UsageError } from "./context.js";

/** A model on the hub as a card's `base_model` names it. */
const BASE_MODEL = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*(@[\w.-]+)?$/;

/**
 * The base of a fine-tune from `--base DIR` and `--base-model NS/NAME[@V]`,
 * which go together: the folder to start from and its name on the hub, for
 * the card's `base_model`. Undefined when neither is given.
 */
export function baseModelFlags(flags: {
  readonly base?: string;
  readonly baseModel?: string;
}): { dir: string; model: string } | undefined {
  if (flags.base === undefined) {
    if (flags.baseModel !== undefined) {
      throw new UsageError("--base-model names the model --base DIR was pushed as: add --base");
    }
    return undefined;
  }
  if (flags.baseModel === undefined) {
    throw new UsageError(
      "--base needs --base-model NS/NAME[@VERSION], the base's name on the hub, for the card's base_model",
    );
  }
  if (!BASE_MODEL.test(flags.baseModel)) {
    throw new UsageError(
      `--base-model ${flags.baseModel} is not NS/NAME or NS/NAME@VERSION, e.g. acme/moby-gpt@v1`,
    );
  }
  return { dir: flags.base, model: flags.baseModel };
}

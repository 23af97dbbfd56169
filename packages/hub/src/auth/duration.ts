import { durationMs } from "../config.js";
import { HubError } from "../errors/index.js";

/**
 * Parses a duration such as `90m`, `12h`, `30d` or `2w` into milliseconds, in
 * the grammar the settings use too.
 */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new HubError(
      "BAD_REQUEST",
      `"${text}" is not a duration; use a number and a unit m, h, d or w, e.g. 30d`,
    );
  }
  return ms;
}

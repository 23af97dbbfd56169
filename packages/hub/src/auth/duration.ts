import { HubError } from "../errors/index.js";

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration such as `90m`, `12h`, `30d` or `2w` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const amount = match?.[1];
  const unit = match?.[2];
  if (amount === undefined || unit === undefined || Number(amount) === 0) {
    throw new HubError(
      "BAD_REQUEST",
      `"${text}" is not a duration; use a number and a unit m, h, d or w, e.g. 30d`,
    );
  }
  return Number(amount) * (UNIT_MS[unit] ?? 0);
}

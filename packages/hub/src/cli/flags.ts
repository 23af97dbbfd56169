import { InvalidArgumentError } from "commander";

/** Parses a flag's number, refusing with `hint` (exit 2) unless it is finite and `ok`. */
export function numberFlag(ok: (n: number) => boolean, hint: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || !ok(n)) {
      throw new InvalidArgumentError(hint);
    }
    return n;
  };
}

/** A whole-number flag of at least `min`. */
export const wholeNumberFlag = (min: number, hint: string): ((value: string) => number) =>
  numberFlag((n) => Number.isSafeInteger(n) && n >= min, hint);

/** δ of an (ε, δ) guarantee that must not be 0. */
export const openUnitIntervalFlag = numberFlag(
  (n) => n > 0 && n < 1,
  "give a number in the open interval (0, 1), e.g. 1e-5",
);

/** A comma-separated list, spaces trimmed and empty items dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

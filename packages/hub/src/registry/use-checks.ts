import safeRegex from "safe-regex2";
import type { CardData } from "./model-card.js";

/** The card field listing the checks a version's acceptable-use terms run at call time. */
export const USE_CHECKS_FIELD = "use_checks";

/** What a check reads: the caller's prompts, the model's outputs, or both. */
export type CheckedText = "prompt" | "output";

/**
 * One check of a version's acceptable-use terms: the use restriction it
 * enforces (an identifier of docs/licences.md, such as `harmful-pii`), what it
 * reads, and what refuses: any of its patterns or words, or the moderation
 * endpoint flagging any of its categories.
 */
export interface UseCheck {
  readonly restriction: string;
  readonly on: readonly CheckedText[];
  /** The check's patterns and words as one expression; null when it has neither. */
  readonly matcher: RegExp | null;
  /** Categories of the moderation endpoint (OpenAI's moderation shape) that refuse. */
  readonly moderation: readonly string[];
}

/** A card's `use_checks` that cannot be used; the message names the check and the fix. */
export class UseChecksError extends Error {}

const MAX_CHECKS = 64;
const MAX_TERMS = 1000;
const MAX_TERM_LENGTH = 500;
const RESTRICTION = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const KEYS = new Set(["restriction", "on", "patterns", "words", "moderation"]);

const fail = (message: string): never => {
  throw new UseChecksError(`${USE_CHECKS_FIELD}: ${message}`);
};

/** A list of non-empty strings, or fails naming the check and the key. */
function strings(where: string, key: string, value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  if (
    !Array.isArray(value) ||
    !value.every((v): v is string => typeof v === "string" && v !== "")
  ) {
    return fail(`${where}: ${key} must be a list of non-empty strings`);
  }
  if (value.length > MAX_TERMS) {
    fail(`${where}: ${key} has ${value.length} entries; at most ${MAX_TERMS} are allowed`);
  }
  const long = value.find((v) => v.length > MAX_TERM_LENGTH);
  if (long !== undefined) {
    fail(`${where}: ${key} has an entry of ${long.length} characters; at most ${MAX_TERM_LENGTH}`);
  }
  return value;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * One case-insensitive expression for a check's patterns and words. A word
 * or phrase matches whole (no letter, digit or `_` on either side), whatever
 * its case. A pattern is refused when its nested repetition could take
 * exponential time on a caller's text (star height above one).
 */
function matcherOf(where: string, patterns: string[], words: string[]): RegExp | null {
  const parts: string[] = [];
  for (const pattern of patterns) {
    try {
      new RegExp(pattern, "iu");
    } catch (err) {
      fail(
        `${where}: pattern ${JSON.stringify(pattern)} is not a regular expression: ${(err as Error).message}`,
      );
    }
    if (!safeRegex(new RegExp(pattern, "iu"))) {
      fail(
        `${where}: pattern ${JSON.stringify(pattern)} nests repetitions (such as (a+)+), which can take exponential time; rewrite it without a repeated group that itself repeats`,
      );
    }
    parts.push(`(?:${pattern})`);
  }
  if (words.length > 0) {
    const alternatives = words.map((w) => escapeRegex(w.trim()).replace(/\s+/g, "\\s+"));
    parts.push(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`);
  }
  return parts.length === 0 ? null : new RegExp(parts.join("|"), "iu");
}

function checkOf(spec: unknown, index: number): UseCheck {
  const where = `check ${index + 1}`;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return fail(`${where} must be a mapping with restriction and patterns, words or moderation`);
  }
  const fields = spec as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => !KEYS.has(k));
  if (unknown !== undefined) {
    fail(`${where}: unknown key ${JSON.stringify(unknown)}; use ${[...KEYS].join(", ")}`);
  }
  const restriction = fields.restriction;
  if (typeof restriction !== "string" || !RESTRICTION.test(restriction)) {
    return fail(
      `${where}: restriction must name the use restriction it enforces, in kebab-case (such as harmful-pii)`,
    );
  }
  const named = `${where} (${restriction})`;
  const on =
    fields.on === undefined
      ? (["prompt", "output"] as CheckedText[])
      : strings(named, "on", typeof fields.on === "string" ? [fields.on] : fields.on);
  const wrong = on.find((o) => o !== "prompt" && o !== "output");
  if (wrong !== undefined) {
    fail(`${named}: on has ${JSON.stringify(wrong)}; use prompt, output or both`);
  }
  const matcher = matcherOf(
    named,
    strings(named, "patterns", fields.patterns),
    strings(named, "words", fields.words),
  );
  const moderation = strings(named, "moderation", fields.moderation);
  if (matcher === null && moderation.length === 0) {
    fail(`${named} refuses nothing; give it patterns, words or moderation categories`);
  }
  return { restriction, on: on as CheckedText[], matcher, moderation };
}

/**
 * The checks a version's card lists under `use_checks`, or throws a
 * UseChecksError naming the check at fault. A card without the field has none.
 *
 * @example useChecksOf({ use_checks: [{ restriction: "harmful-pii", patterns: ["\\d{3}-\\d{2}-\\d{4}"] }] })
 */
export function useChecksOf(card: CardData | null): readonly UseCheck[] {
  const spec = card?.[USE_CHECKS_FIELD];
  if (spec === undefined || spec === null) {
    return [];
  }
  if (!Array.isArray(spec)) {
    return fail(
      "must be a list of checks, each with restriction and patterns, words or moderation",
    );
  }
  if (spec.length > MAX_CHECKS) {
    fail(`has ${spec.length} checks; at most ${MAX_CHECKS} are allowed`);
  }
  return spec.map(checkOf);
}

/** Whether any of a version's checks asks the moderation endpoint. */
export const needsModeration = (checks: readonly UseCheck[]): boolean =>
  checks.some((c) => c.moderation.length > 0);

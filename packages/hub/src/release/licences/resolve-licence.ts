import parseSpdx from "spdx-expression-parse";
import type { LicenceFacts } from "../policy-input.js";
import { entryFacts, findEntry } from "./catalogue.js";
import { combineLicences } from "./combine-licences.js";
import { suggestIds } from "./suggest-ids.js";

/** What resolving a card's `license` gives: the licence's facts, or why it could not be resolved. */
export type LicenceResolution =
  | { readonly ok: true; readonly licence: LicenceFacts }
  | { readonly ok: false; readonly reason: string };

type Resolved = LicenceResolution;

const fail = (reason: string): Resolved => ({ ok: false, reason });

function unknownId(id: string): Resolved {
  return fail(
    `unknown licence "${id}": not an SPDX identifier nor a model licence of the catalogue; closest known: ${suggestIds(id).join(", ")}`,
  );
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/**
 * `license: other` names its licence in `license_name` and `license_link`
 * (the Hub's convention). Both are required; a name that is a catalogue key
 * (Meta's own Llama 3 cards say `other` + `llama3`) resolves to that entry.
 */
function resolveOther(card: Readonly<Record<string, unknown>>): Resolved {
  const name = nonEmptyString(card.license_name);
  const link = nonEmptyString(card.license_link);
  const missing = [name === null ? "license_name" : null, link === null ? "license_link" : null]
    .filter((field) => field !== null)
    .join(" and ");
  if (name === null || link === null) {
    return fail(
      `licence "other" needs the card's license_name and license_link; missing: ${missing}`,
    );
  }
  const known = findEntry(name);
  if (known !== undefined) {
    return { ok: true, licence: entryFacts(known) };
  }
  // Terms the catalogue has not reviewed: grant nothing that cannot be checked.
  return {
    ok: true,
    licence: {
      id: "other",
      name,
      family: "other",
      commercialUse: false,
      derivatives: false,
      attribution: true,
      copyleft: false,
      useRestrictions: [],
      restrictionsFlowDown: false,
      noticeRequired: false,
      noticeText: null,
      namePrefix: null,
      attributionText: null,
      textSha256: null,
    },
  };
}

const OPERATORS = new Set(["AND", "OR", "WITH"]);

/**
 * Rewrites an expression with canonical spellings (`apache-2.0 or mit` →
 * `Apache-2.0 OR MIT`), since spdx-expression-parse is case-sensitive and
 * cards are often lower-case. Returns the unknown identifier when one is not an SPDX id.
 */
function canonicalExpression(expression: string): { text: string } | { unknown: string } {
  const parts = expression.split(/(\s+|\(|\))/).filter((p) => p.trim() !== "");
  const out: string[] = [];
  let afterWith = false;
  for (const part of parts) {
    const upper = part.toUpperCase();
    if (part === "(" || part === ")") {
      out.push(part);
    } else if (OPERATORS.has(upper)) {
      out.push(upper);
      afterWith = upper === "WITH";
      continue;
    } else if (afterWith) {
      // Exception ids are checked by the parser against the SPDX exception list.
      out.push(part);
    } else {
      const plus = part.endsWith("+") && findEntry(part) === undefined;
      const bare = plus ? part.slice(0, -1) : part;
      const entry = findEntry(bare);
      if (entry === undefined || entry.facts.family !== "spdx") {
        return { unknown: bare };
      }
      out.push(entry.facts.id + (plus ? "+" : ""));
    }
    afterWith = false;
  }
  return { text: out.join(" ").replace(/\( /g, "(").replace(/ \)/g, ")") };
}

function describe(node: parseSpdx.Info): string {
  if ("license" in node) {
    return `${node.license}${node.plus === true ? "+" : ""}${node.exception === undefined ? "" : ` WITH ${node.exception}`}`;
  }
  const side = (n: parseSpdx.Info): string =>
    "conjunction" in n && n.conjunction !== node.conjunction ? `(${describe(n)})` : describe(n);
  return `${side(node.left)} ${node.conjunction.toUpperCase()} ${side(node.right)}`;
}

function factsOf(node: parseSpdx.Info): Resolved {
  if ("license" in node) {
    const entry = findEntry(node.license);
    if (entry === undefined) {
      return unknownId(node.license);
    }
    const facts = entryFacts(entry);
    if (node.plus !== true && node.exception === undefined) {
      return { ok: true, licence: facts };
    }
    // An exception (Classpath, LLVM…) relaxes linking, not the licence's own
    // duties, so the base licence's facts stand: the conservative reading.
    return {
      ok: true,
      licence: { ...facts, id: describe(node), name: describe(node), textSha256: null },
    };
  }
  const left = factsOf(node.left);
  if (!left.ok) {
    return left;
  }
  const right = factsOf(node.right);
  if (!right.ok) {
    return right;
  }
  return {
    ok: true,
    licence: combineLicences(node.conjunction, describe(node), [left.licence, right.licence]),
  };
}

function resolveExpression(expression: string): Resolved {
  const canonical = canonicalExpression(expression);
  if ("unknown" in canonical) {
    return findEntry(canonical.unknown)?.facts.family === "model"
      ? fail(
          `"${canonical.unknown}" is a model licence and cannot appear in an SPDX expression; list the licences instead`,
        )
      : unknownId(canonical.unknown);
  }
  let tree: parseSpdx.Info;
  try {
    tree = parseSpdx(canonical.text);
  } catch (error) {
    return fail(
      `"${expression}" is not a valid SPDX expression: ${
        // The parser fails with a TypeError when an operator has no operand.
        error instanceof TypeError
          ? "an operator lacks an operand"
          : error instanceof Error
            ? error.message
            : String(error)
      }`,
    );
  }
  return factsOf(tree);
}

function resolveOne(value: string, card: Readonly<Record<string, unknown>>): Resolved {
  const id = value.trim();
  if (id === "") {
    return fail("license is empty");
  }
  if (id.toLowerCase() === "other") {
    return resolveOther(card);
  }
  const entry = findEntry(id);
  if (entry !== undefined) {
    return { ok: true, licence: entryFacts(entry) };
  }
  return /[\s()]|\+$/.test(id) ? resolveExpression(id) : unknownId(id);
}

/**
 * Resolves a model card's `license` against the catalogue: an SPDX identifier
 * or expression, a model-licence key, or `other` with `license_name` and
 * `license_link`, in any case. A list (the Hub allows one) means all its
 * licences apply, combined as AND. Returns null when the card declares no licence.
 *
 * @example
 * resolveLicence({ license: "apache-2.0" });              // ok, id "Apache-2.0"
 * resolveLicence({ license: "Apache-2.0 OR MIT" });        // ok, combined facts
 * resolveLicence({ license: "apache-2" });                 // not ok, suggests "Apache-2.0"
 */
export function resolveLicence(card: Readonly<Record<string, unknown>>): LicenceResolution | null {
  const value = card.license;
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === "string") {
    return resolveOne(value, card);
  }
  if (!Array.isArray(value)) {
    return fail("license must be a string or a list of strings");
  }
  const items: unknown[] = value;
  if (items.length === 0) {
    return null;
  }
  const facts: LicenceFacts[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== "string") {
      return fail(`license[${index}] is not a string`);
    }
    const resolved = resolveOne(item, card);
    if (!resolved.ok) {
      return resolved;
    }
    facts.push(resolved.licence);
  }
  const [only] = facts;
  if (only !== undefined && facts.length === 1) {
    return { ok: true, licence: only };
  }
  return {
    ok: true,
    licence: combineLicences("and", facts.map((f) => f.id).join(" AND "), facts),
  };
}

import type { LicenceFacts } from "../policy-input.js";

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

function intersection(lists: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = lists;
  if (first === undefined) {
    return [];
  }
  return [...new Set(first)].filter((id) => rest.every((list) => list.includes(id))).sort();
}

function firstNonNull(values: readonly (string | null)[]): string | null {
  return values.find((v) => v !== null) ?? null;
}

/** The same value when all agree, else null: a duty an OR leaves optional. */
function common(values: readonly (string | null)[]): string | null {
  const [first] = values;
  return first !== undefined && values.every((v) => v === first) ? first : null;
}

/**
 * Combines the facts of licences joined by AND or OR in an SPDX expression.
 *
 * AND: every licence applies at once, so a permission holds only if all grant
 * it and a duty holds if any imposes it (restrictions are the union).
 * OR: the licensee may pick, so a permission holds if any alternative grants
 * it and a duty only if every alternative imposes it (restrictions are the
 * intersection). This reads each attribute on its own, the most permissive
 * choice per attribute; a reviewer who needs one coherent choice reads the
 * alternatives themselves.
 */
export function combineLicences(
  conjunction: "and" | "or",
  id: string,
  parts: readonly LicenceFacts[],
): LicenceFacts {
  const all = conjunction === "and";
  const grant = (f: (p: LicenceFacts) => boolean): boolean =>
    all ? parts.every(f) : parts.some(f);
  const duty = (f: (p: LicenceFacts) => boolean): boolean => (all ? parts.some(f) : parts.every(f));
  const text = (f: (p: LicenceFacts) => string | null): string | null =>
    all ? firstNonNull(parts.map(f)) : common(parts.map(f));
  return {
    id,
    name: id,
    family: parts.every((p) => p.family === "spdx")
      ? "spdx"
      : parts.some((p) => p.family === "other")
        ? "other"
        : "model",
    commercialUse: grant((p) => p.commercialUse),
    derivatives: grant((p) => p.derivatives),
    attribution: duty((p) => p.attribution),
    copyleft: duty((p) => p.copyleft),
    useRestrictions: all
      ? union(parts.map((p) => p.useRestrictions))
      : intersection(parts.map((p) => p.useRestrictions)),
    restrictionsFlowDown: duty((p) => p.restrictionsFlowDown),
    noticeRequired: duty((p) => p.noticeRequired),
    noticeText: text((p) => p.noticeText),
    namePrefix: text((p) => p.namePrefix),
    attributionText: text((p) => p.attributionText),
    // An expression has no single text to accept; each part has its own.
    textSha256: null,
  };
}

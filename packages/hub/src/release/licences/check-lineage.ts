import type { Finding, LicenceFacts } from "../policy-input.js";
import type { BaseModelRelation } from "./parse-base-models.js";

/** The version being checked: its name, licence, files, card and card body. */
export interface LineageChild {
  /** `namespace/name`. */
  readonly modelName: string;
  readonly licence: LicenceFacts | null;
  /** Paths of the files in the version. */
  readonly files: readonly string[];
  /** The card's YAML front matter. */
  readonly card: Readonly<Record<string, unknown>>;
  /** The card's Markdown body. */
  readonly readme: string;
}

/** One base the child derives from, as resolved by the caller, with the base's licence. */
export interface LineageBase {
  readonly model: string;
  readonly version: string;
  readonly relation: BaseModelRelation;
  readonly licence: LicenceFacts | null;
}

/** The rules of the lineage check; each finding's `rule` is one of these. */
export const LINEAGE_RULES = [
  "lineage-base-licence-unknown",
  "lineage-base-licence-unreviewed",
  "lineage-licence-missing",
  "lineage-noncommercial-base",
  "lineage-derivatives-forbidden",
  "lineage-copyleft-mismatch",
  "lineage-restrictions-dropped",
  "lineage-name-prefix",
  "lineage-attribution-missing",
  "lineage-notice-missing",
] as const;
export type LineageRule = (typeof LINEAGE_RULES)[number];

const finding = (rule: LineageRule, message: string): Finding => ({ rule, message, line: null });

const label = (base: LineageBase): string => `${base.model}@${base.version}`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether a model name starts with a licence's required prefix. A repository
 * name cannot hold the space in "Llama 3", so separators are free
 * (`Llama-3-…`, `llama3_…`), case is ignored, and a prefix ending in a digit
 * must not run on into another digit (`Llama-30B` does not start with "Llama 3").
 */
export function hasNamePrefix(name: string, prefix: string): boolean {
  const pattern = prefix.trim().split(/\s+/).map(escapeRegExp).join("[\\s._-]*");
  const tail = /\d$/.test(prefix) ? "(?!\\d)" : "";
  return new RegExp(`^${pattern}${tail}`, "i").test(name);
}

function strings(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(strings);
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).flatMap(strings);
  }
  return [];
}

function mentions(child: LineageChild, text: string): boolean {
  const wanted = text.toLowerCase();
  return [child.readme, ...strings(child.card)].some((s) => s.toLowerCase().includes(wanted));
}

function hasNoticeFile(files: readonly string[]): boolean {
  return files.some((path) => {
    const lower = path.toLowerCase();
    return lower === "notice" || lower === "notice.txt";
  });
}

/** Findings about one base that depend only on that base and the child. */
function checkBase(child: LineageChild, base: LineageBase): Finding[] {
  const b = base.licence;
  if (b === null) {
    return [
      finding(
        "lineage-base-licence-unknown",
        `base ${label(base)} declares no licence, so the terms it was released under are unknown; ask its publisher to declare one, or record a licence review of its terms`,
      ),
    ];
  }
  if (b.family === "other") {
    return [
      finding(
        "lineage-base-licence-unreviewed",
        `base ${label(base)} is under "${b.name}", a licence the catalogue does not know; review its terms by hand and record a licence review`,
      ),
    ];
  }
  const out: Finding[] = [];
  if (!b.derivatives) {
    out.push(
      finding(
        "lineage-derivatives-forbidden",
        `base ${label(base)} is under ${b.id}, which forbids derivative works; a ${base.relation} of it may not be released`,
      ),
    );
  }
  const c = child.licence;
  if (c === null) {
    return out;
  }
  if (!b.commercialUse && c.commercialUse) {
    out.push(
      finding(
        "lineage-noncommercial-base",
        `base ${label(base)} is under ${b.id}, which forbids commercial use, but this version's licence ${c.id} allows it; release it under a non-commercial licence such as ${b.id}`,
      ),
    );
  }
  if (b.copyleft && c.id !== b.id) {
    out.push(
      finding(
        "lineage-copyleft-mismatch",
        `base ${label(base)} is under ${b.id}, a copyleft licence, so derived works must carry the same licence; set license: ${b.id}, not ${c.id}`,
      ),
    );
  }
  if (b.restrictionsFlowDown) {
    const dropped = b.useRestrictions.filter((r) => !c.useRestrictions.includes(r));
    if (dropped.length > 0) {
      out.push(
        finding(
          "lineage-restrictions-dropped",
          `base ${label(base)} is under ${b.id}, whose use restrictions bind every derivative (a ${base.relation} included), but ${c.id} drops ${[...dropped].sort().join(", ")}; use a licence that carries all of ${b.id}'s restrictions`,
        ),
      );
    }
  }
  return out;
}

/** Groups the bases by a requirement their licences set (a name prefix, a text), so each is reported once. */
function byRequirement(
  bases: readonly LineageBase[],
  pick: (licence: LicenceFacts) => string | null,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const base of bases) {
    const value = base.licence === null ? null : pick(base.licence);
    if (value !== null) {
      groups.set(value, [...(groups.get(value) ?? []), label(base)].sort());
    }
  }
  return groups;
}

/**
 * Checks a version against the licences of the models it derives from
 * (finetune, adapter, quantized, merge or distillation alike): commercial
 * use, derivatives, copyleft, use restrictions that flow down, and the Llama
 * naming, attribution and NOTICE duties. Pure: the findings depend only on
 * the arguments, and not on the order of `bases`.
 *
 * @example
 * checkLineage(
 *   { modelName: "acme/tuned", licence: apache, files: ["model.safetensors"], card: {}, readme: "" },
 *   [{ model: "lab/base", version: "v1", relation: "finetune", licence: ccByNc }],
 * ); // [{ rule: "lineage-noncommercial-base", … }]
 */
export function checkLineage(child: LineageChild, bases: readonly LineageBase[]): Finding[] {
  const out = bases.flatMap((base) => checkBase(child, base));

  if (child.licence === null && bases.length > 0) {
    out.push(
      finding(
        "lineage-licence-missing",
        `this version derives from ${bases.map(label).sort().join(", ")} but its card declares no licence; set license to one compatible with its bases`,
      ),
    );
  }

  const slash = child.modelName.indexOf("/");
  const name = slash === -1 ? child.modelName : child.modelName.slice(slash + 1);
  for (const [prefix, from] of byRequirement(bases, (l) => l.namePrefix)) {
    if (!hasNamePrefix(name, prefix)) {
      out.push(
        finding(
          "lineage-name-prefix",
          `the model name "${name}" must begin with "${prefix}" (required by the licence of ${from.join(", ")}); rename it, e.g. "${prefix.replace(/\s+/g, "-")}-${name}"`,
        ),
      );
    }
  }
  for (const [text, from] of byRequirement(bases, (l) => l.attributionText)) {
    if (!mentions(child, text)) {
      out.push(
        finding(
          "lineage-attribution-missing",
          `the card must display "${text}" (required by the licence of ${from.join(", ")}); add it to README.md`,
        ),
      );
    }
  }
  if (!hasNoticeFile(child.files)) {
    for (const [text, from] of byRequirement(bases, (l) =>
      l.noticeRequired ? (l.noticeText ?? "") : null,
    )) {
      out.push(
        finding(
          "lineage-notice-missing",
          `the version must ship a NOTICE file at its root (required by the licence of ${from.join(", ")})${text === "" ? "" : ` containing: ${text}`}`,
        ),
      );
    }
  }

  // Sorted so the result does not depend on the order of the bases.
  return out.sort((x, y) => x.rule.localeCompare(y.rule) || x.message.localeCompare(y.message));
}

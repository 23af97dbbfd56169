import { createRequire } from "node:module";
import countries from "i18n-iso-countries";
import { parseDuration } from "../auth/index.js";
import type { CardData } from "./model-card.js";

// The English names are the ones errors and the CLI show; the web UI brings its own languages.
countries.registerLocale(
  createRequire(import.meta.url)("i18n-iso-countries/langs/en.json") as countries.LocaleData,
);

/** The field types of the Hugging Face Hub's access form (`extra_gated_fields`). */
export const GATE_FIELD_TYPES = [
  "text",
  "checkbox",
  "date_picker",
  "country",
  "ip_location",
  "select",
] as const;
export type GateFieldType = (typeof GATE_FIELD_TYPES)[number];

/** One question of the access form; every field but `ip_location` must be answered. */
export interface GateField {
  readonly label: string;
  readonly type: GateFieldType;
  /** A `select`'s choices: the value is what is stored, the label what is shown. */
  readonly options: readonly { readonly label: string; readonly value: string }[];
}

export type GateApproval = "auto" | "manual" | "rule";

/** How a gated version lets people in: the card's `extra_gated_*` fields and Gatehouse's `gate`. */
export interface GateConfig {
  readonly heading: string | null;
  readonly prompt: string | null;
  readonly description: string | null;
  readonly buttonContent: string | null;
  readonly fields: readonly GateField[];
  /** ISO 3166-1 alpha-2 codes no answer may name: `gate.blocked_countries`, plus the EU's with `extra_gated_eu_disallowed`. */
  readonly blockedCountries: readonly string[];
  readonly approval: GateApproval;
  /** With `approval: rule`, the CEL expression that accepts a request; false leaves it pending. */
  readonly rule: string | null;
  /** How long an approval lasts, in milliseconds; null for until revoked. */
  readonly grantDurationMs: number | null;
  readonly licenceAcceptance: boolean;
  /** The licence's cap on the requester organisation's monthly active users, asked and recorded. */
  readonly maxMonthlyActiveUsers: number | null;
  /** After a rejection, how long until the requester may ask again; null for never (as on the Hub). */
  readonly reapplyAfterMs: number | null;
}

/** The answer recorded for a licence's cap on monthly active users: a label no card field may take. */
export const MAU_FIELD = "Monthly active users of your products and services";

/** Member states of the European Union, which `extra_gated_eu_disallowed` blocks. */
export const EU_COUNTRIES = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const; // prettier-ignore

/** Whether `code` is an ISO 3166-1 alpha-2 country code. */
export const isCountryCode = (code: string): boolean =>
  /^[A-Z]{2}$/.test(code) && countries.isValid(code);

/** The English name of a country code, for messages. */
export const countryName = (code: string): string => countries.getName(code, "en") ?? code;

const GATE_KEYS = new Set([
  "approval",
  "rule",
  "grant_duration",
  "blocked_countries",
  "licence_acceptance",
  "max_monthly_active_users",
  "reapply_after",
]);

/** Thrown with what is wrong in the card's gate, in the card's own terms. */
export class GateConfigError extends Error {}

const fail = (message: string): never => {
  throw new GateConfigError(message);
};

const optionalText = (card: CardData, key: string): string | null => {
  const v = card[key];
  return typeof v === "string" ? v : null;
};

function parseField(label: string, spec: unknown): GateField {
  if (label.trim() === "" || label.length > 200) {
    fail(`extra_gated_fields: a field's label must be 1 to 200 characters`);
  }
  if (label === MAU_FIELD) {
    fail(
      `extra_gated_fields: "${label}" is asked by Gatehouse itself when gate.max_monthly_active_users is set`,
    );
  }
  const type: unknown = typeof spec === "string" ? spec : (spec as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !(GATE_FIELD_TYPES as readonly string[]).includes(type)) {
    return fail(
      `extra_gated_fields: "${label}" has type ${JSON.stringify(type ?? null)}; use one of ${GATE_FIELD_TYPES.join(", ")}`,
    );
  }
  if (type !== "select") {
    return { label, type: type as GateFieldType, options: [] };
  }
  const raw = (spec as { options?: unknown }).options;
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail(`extra_gated_fields: "${label}" is a select; give it a list of options`);
  }
  const options = raw.map((o: unknown) => {
    if (typeof o === "string") {
      return { label: o, value: o };
    }
    const { label: l, value } = (o ?? {}) as { label?: unknown; value?: unknown };
    if (typeof l !== "string" || typeof value !== "string") {
      return fail(
        `extra_gated_fields: "${label}" has an option that is neither text nor {label, value}`,
      );
    }
    return { label: l, value };
  });
  return { label, type: "select", options };
}

function durationOf(key: string, value: unknown): number | null {
  if (value === undefined || value === null || value === "never") {
    return null;
  }
  try {
    return parseDuration(typeof value === "string" ? value : JSON.stringify(value));
  } catch {
    return fail(`gate.${key} must be a duration such as 30d, 12h or 2w, or never`);
  }
}

/**
 * The gate a version's card sets up, or throws a GateConfigError naming the
 * field. A card with no gate settings gives the Hub's default: manual
 * approval, no fields, licence acceptance required, access until revoked.
 *
 * @example gateConfigOf({ gate: { approval: "auto" } }).approval // "auto"
 */
export function gateConfigOf(card: CardData | null): GateConfig {
  const c = card ?? {};
  const fieldsSpec = c["extra_gated_fields"];
  if (fieldsSpec !== undefined && (typeof fieldsSpec !== "object" || fieldsSpec === null)) {
    fail("extra_gated_fields must be a mapping of labels to field types");
  }
  const fields = Object.entries((fieldsSpec ?? {}) as Record<string, unknown>).map(([l, s]) =>
    parseField(l, s),
  );
  const gateSpec = c["gate"] ?? {};
  if (typeof gateSpec !== "object" || Array.isArray(gateSpec)) {
    fail("gate must be a mapping (approval, rule, grant_duration, …)");
  }
  const gate = gateSpec as Record<string, unknown>;
  for (const key of Object.keys(gate)) {
    if (!GATE_KEYS.has(key)) {
      fail(`gate.${key} is not a gate setting; use ${[...GATE_KEYS].join(", ")}`);
    }
  }
  const approval = gate["approval"] ?? "manual";
  if (approval !== "auto" && approval !== "manual" && approval !== "rule") {
    fail(`gate.approval must be auto, manual or rule, not ${JSON.stringify(approval)}`);
  }
  const rule = gate["rule"];
  if (approval === "rule" && (typeof rule !== "string" || rule.trim() === "")) {
    fail("gate.approval is rule, so gate.rule must hold a CEL expression");
  }
  if (approval !== "rule" && rule !== undefined) {
    fail("gate.rule is read only with gate.approval: rule");
  }
  const blockedSpec = gate["blocked_countries"] ?? [];
  if (!Array.isArray(blockedSpec)) {
    fail("gate.blocked_countries must be a list of ISO 3166-1 alpha-2 codes, e.g. [KP, IR]");
  }
  const blocked = (blockedSpec as unknown[]).map((code) =>
    typeof code === "string" && isCountryCode(code)
      ? code
      : fail(`gate.blocked_countries: ${JSON.stringify(code)} is not an ISO 3166-1 alpha-2 code`),
  );
  const euDisallowed = c["extra_gated_eu_disallowed"] === true;
  const licenceAcceptance = gate["licence_acceptance"] ?? true;
  if (typeof licenceAcceptance !== "boolean") {
    fail("gate.licence_acceptance must be true or false");
  }
  const mau = gate["max_monthly_active_users"] ?? null;
  if (mau !== null && (typeof mau !== "number" || !Number.isSafeInteger(mau) || mau < 1)) {
    fail("gate.max_monthly_active_users must be a whole number, e.g. 700000000");
  }
  return {
    heading: optionalText(c, "extra_gated_heading"),
    prompt: optionalText(c, "extra_gated_prompt"),
    description: optionalText(c, "extra_gated_description"),
    buttonContent: optionalText(c, "extra_gated_button_content"),
    fields,
    blockedCountries: [...new Set([...blocked, ...(euDisallowed ? EU_COUNTRIES : [])])].sort(),
    approval: approval as GateApproval,
    rule: approval === "rule" ? (rule as string) : null,
    grantDurationMs: durationOf("grant_duration", gate["grant_duration"]),
    licenceAcceptance: licenceAcceptance as boolean,
    maxMonthlyActiveUsers: mau as number | null,
    reapplyAfterMs: durationOf("reapply_after", gate["reapply_after"]),
  };
}

/** What the Hugging Face clients read as `gated`: a rule decides unseen, so to them it is manual. */
export const hubGatedValue = (config: GateConfig): "auto" | "manual" =>
  config.approval === "auto" ? "auto" : "manual";

/**
 * The gate of a published version's card, for deciding requests: cards are
 * checked when uploaded, but one published before a check existed may not
 * pass it, and then gets the strictest gate (manual approval, no questions,
 * licence acceptance) rather than an error on every request.
 */
export function readGate(card: CardData | null): GateConfig {
  try {
    return gateConfigOf(card);
  } catch (err) {
    if (err instanceof GateConfigError) {
      return gateConfigOf(null);
    }
    throw err;
  }
}

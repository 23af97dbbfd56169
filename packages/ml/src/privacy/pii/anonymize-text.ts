import { generalizeFinding, type DateGranularity } from "./generalize.js";
import { ipv6Groups } from "./ip-address.js";
import { parseDate } from "./parse-date.js";
import { PiiError, type PiiFinding, type PiiType } from "./pii-types.js";
import { createPseudonymizer, type Pseudonymizer } from "./pseudonymize.js";
import { scanText, type ScanOptions } from "./scan-text.js";

/** What replaces a finding. */
export type AnonymizeStrategy = "redact" | "mask" | "pseudonymize" | "generalize";

/** Every {@link AnonymizeStrategy}. */
export const ANONYMIZE_STRATEGIES: readonly AnonymizeStrategy[] = [
  "redact",
  "mask",
  "pseudonymize",
  "generalize",
];

/** How to anonymise. */
export interface AnonymizeOptions extends ScanOptions {
  readonly strategy: AnonymizeStrategy;
  /** The secret for `pseudonymize` (at least 16 bytes); the same key gives the same tokens. */
  readonly key?: Uint8Array | string;
  /** Dates of birth under `generalize`: to the year (default) or the decade. */
  readonly dates?: DateGranularity;
}

/** Replaces one detected value; built once per run from {@link AnonymizeOptions}. */
export type Replacer = (finding: Pick<PiiFinding, "type" | "match">) => string;

/** Every letter and digit as `*` except the last `keep` of them; separators stay. */
function maskKeepingLast(value: string, keep: number): string {
  let toHide = (value.match(/[0-9A-Za-z]/g)?.length ?? 0) - keep;
  return value.replace(/[0-9A-Za-z]/g, (ch) => (toHide-- > 0 ? "*" : ch));
}

/**
 * The masked form: identifiers keep their last 4 characters (`**** **** **** 1111`),
 * e-mail its first letter and domain (`a******@example.org`), IPv4 its first three
 * octets (`192.168.1.*`), IPv6 its first three groups, dates of birth their year.
 */
export function maskValue(type: PiiType, value: string): string {
  switch (type) {
    case "email": {
      const at = value.lastIndexOf("@");
      return `${value.slice(0, 1)}${"*".repeat(Math.max(at - 1, 0))}${value.slice(at)}`;
    }
    case "ipv4":
      return value.replace(/[0-9]+$/, "*");
    case "ipv6":
      return `${ipv6Groups(value)
        .slice(0, 3)
        .map((g) => g.toString(16))
        .join(":")}:*:*:*:*:*`;
    case "date_of_birth": {
      const year = parseDate(value)?.year;
      if (year === undefined) {
        return value.replace(/[0-9]/g, "*");
      }
      const at = value.indexOf(String(year));
      return (
        value.slice(0, at).replace(/[0-9]/g, "*") +
        String(year) +
        value.slice(at + 4).replace(/[0-9]/g, "*")
      );
    }
    case "phone":
    case "payment_card":
    case "iban":
    case "prc_id":
    case "us_ssn":
      return maskKeepingLast(value, 4);
  }
}

/** The replacement function for a strategy; throws if `pseudonymize` has no usable key. */
export function createReplacer(options: AnonymizeOptions): Replacer {
  const dates = options.dates ?? "year";
  switch (options.strategy) {
    case "redact":
      return (f) => `[${f.type.toUpperCase()}]`;
    case "mask":
      return (f) => maskValue(f.type, f.match);
    case "generalize":
      return (f) => generalizeFinding(f.type, f.match, dates);
    case "pseudonymize": {
      if (options.key === undefined) {
        throw new PiiError("pseudonymisation needs a key; give one of at least 16 bytes");
      }
      const pseudonym: Pseudonymizer = createPseudonymizer(options.key);
      return (f) => pseudonym(f.type, f.match);
    }
    default:
      throw new PiiError(
        `unknown strategy "${String(options.strategy)}"; choose from ${ANONYMIZE_STRATEGIES.join(", ")}`,
      );
  }
}

/** Writes the replacements of `findings` (sorted, not overlapping) into `text`. */
export function applyReplacements(
  text: string,
  findings: readonly PiiFinding[],
  replace: Replacer,
): string {
  let out = "";
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + replace(f);
    at = f.end;
  }
  return out + text.slice(at);
}

/** The result of anonymising a text. */
export interface AnonymizedText {
  readonly text: string;
  /** What was replaced, with offsets into the original text. */
  readonly findings: PiiFinding[];
}

/**
 * Scans a text and replaces every finding by the chosen strategy.
 *
 * @example
 * anonymizeText("write to ann@example.org", { strategy: "redact" }).text;
 * // "write to [EMAIL]"
 */
export function anonymizeText(text: string, options: AnonymizeOptions): AnonymizedText {
  const replace = createReplacer(options);
  const findings = scanText(text, options);
  return { text: applyReplacements(text, findings, replace), findings };
}

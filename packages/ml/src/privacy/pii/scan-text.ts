import { isIP } from "node:net";
import { ibanLength, isIban } from "./iban.js";
import { parseDate } from "./parse-date.js";
import { isPaymentCard } from "./payment-card.js";
import { PII_TYPES, PiiError, type PiiFinding, type PiiType } from "./pii-types.js";
import { PRC_PROVINCE_CODES, isPrcId } from "./prc-id.js";
import { isUsSsn } from "./us-ssn.js";

/** What to look for. */
export interface ScanOptions {
  /** The types to report; all of them when omitted. */
  readonly types?: readonly PiiType[];
  /** The day dates of birth must not come after (today by default). */
  readonly today?: Date;
}

type Span = { readonly start: number; readonly end: number };

/**
 * A verified candidate, or a `shadow`: a string with the full shape of a type
 * (an IBAN of the right length, an 18-character PRC ID) whose check fails. A
 * shadow is not reported, but nothing of a lower-priority type is reported inside
 * it either: a mistyped IBAN is not a card number.
 */
type Verdict = Span & { readonly shadow?: true };

/**
 * A candidate pattern and the check that turns a candidate into a finding.
 * Patterns are wide on purpose (any separator style a person writes); the checks
 * (checksums, ranges, isIP) are what keep precision up.
 */
interface Detector {
  readonly type: PiiType;
  readonly pattern: RegExp;
  readonly verify: (m: RegExpExecArray, text: string, today: Date) => Verdict | undefined;
}

const whole = (m: RegExpExecArray): Span => ({ start: m.index, end: m.index + m[0].length });
const digitsOf = (s: string): string => s.replace(/[^0-9]/g, "");
const isAlnum = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

const LOCAL_PART = /^[A-Za-z0-9._%+-]$/;
const EMAIL =
  /[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;

const IPV6 =
  /(?:[0-9A-Fa-f]{1,4}|(?=:))(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\.[0-9]{1,3}){3})?(?![0-9A-Za-z_:])/y;
const isHex = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

const DETECTORS: readonly Detector[] = [
  {
    type: "email",
    // Anchored on "@", which is rare in text, instead of trying every word as a local part.
    pattern: /@/g,
    verify: (m, text) => {
      let start = m.index;
      while (start > 0 && start > m.index - 64 && LOCAL_PART.test(text.charAt(start - 1))) {
        start--;
      }
      if (start === m.index || (start > 0 && LOCAL_PART.test(text.charAt(start - 1)))) {
        return undefined;
      }
      EMAIL.lastIndex = start;
      const e = EMAIL.exec(text);
      if (e === null || e[0].includes("..")) {
        return undefined;
      }
      return { start, end: start + e[0].length };
    },
  },
  {
    type: "iban",
    // Upper case, grouped by spaces or not; the country's length decides where it ends.
    pattern: /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}/g,
    verify: (m, text) => {
      const length = ibanLength(m[0].slice(0, 2));
      if (length === undefined) {
        return undefined;
      }
      let compact = "";
      let i = m.index;
      while (compact.length < length && i < text.length) {
        const code = text.charCodeAt(i);
        if (isAlnum(code)) {
          compact += text.charAt(i);
        } else if (code !== 32 || !isAlnum(text.charCodeAt(i + 1))) {
          break;
        }
        i++;
      }
      if (compact.length !== length || isAlnum(text.charCodeAt(i))) {
        return undefined;
      }
      return isIban(compact)
        ? { start: m.index, end: i }
        : { start: m.index, end: i, shadow: true };
    },
  },
  {
    type: "prc_id",
    pattern: /(?<![0-9A-Za-z])[1-8][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g,
    verify: (m, _text, today) =>
      isPrcId(m[0], today)
        ? whole(m)
        : PRC_PROVINCE_CODES.has(Number(m[0].slice(0, 2)))
          ? { ...whole(m), shadow: true }
          : undefined,
  },
  {
    type: "payment_card",
    // Contiguous, or in the groups cards are printed in: 4-4-4-4(-3), 4-6-5, 4-6-4. The
    // boundary checks follow the first digit so the engine can skip to digits quickly.
    pattern:
      /[0-9](?<![0-9A-Za-z][0-9])(?<![0-9][ -][0-9])(?:[0-9]{12,18}|[0-9]{3}([ -])(?:[0-9]{6}\1[0-9]{4,5}|[0-9]{4}\1[0-9]{4}\1[0-9]{1,4}(?:\1[0-9]{3})?))(?![0-9A-Za-z])/g,
    verify: (m) => (isPaymentCard(digitsOf(m[0])) ? whole(m) : undefined),
  },
  {
    type: "us_ssn",
    pattern: /(?<![0-9-])([0-9]{3})-([0-9]{2})-([0-9]{4})(?![0-9]|-[0-9])/g,
    verify: (m) => (isUsSsn(m[1] ?? "", m[2] ?? "", m[3] ?? "") ? whole(m) : undefined),
  },
  {
    type: "ipv6",
    // Anchored on ":", far rarer than the hex letters an address may start with.
    pattern: /:/g,
    verify: (m, text) => {
      let start = m.index;
      while (start > m.index - 4 && start > 0 && isHex(text.charCodeAt(start - 1))) {
        start--;
      }
      if (start > 0 && /[0-9A-Za-z_:.]/.test(text.charAt(start - 1))) {
        return undefined;
      }
      IPV6.lastIndex = start;
      const a = IPV6.exec(text);
      // node:net decides, so "::" compression, embedded IPv4 and the group count follow RFC 4291.
      if (a === null || !/[0-9A-Fa-f]/.test(a[0]) || isIP(a[0]) !== 6) {
        return undefined;
      }
      return { start, end: start + a[0].length };
    },
  },
  {
    type: "ipv4",
    pattern: /(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])/g,
    // isIP refuses octets above 255 and leading zeros (which some parsers read as octal).
    verify: (m) => (isIP(m[0]) === 4 ? whole(m) : undefined),
  },
  {
    type: "phone",
    // International: + country code, then digit groups with space, dot, dash or (area).
    pattern:
      /(?<![0-9A-Za-z+])\+[1-9][0-9]{0,2}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,7}(?![0-9])/g,
    verify: (m) => {
      // E.164 allows at most 15 digits; fewer than 8 is not a full number.
      const n = digitsOf(m[0]).length;
      return n >= 8 && n <= 15 ? whole(m) : undefined;
    },
  },
  {
    type: "phone",
    // Mainland-China mobile numbers: eleven digits starting 13–19, grouped 3-4-4 or not,
    // optionally after (+)86.
    pattern: /(?<![0-9A-Za-z+.-])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])/g,
    verify: whole,
  },
  {
    type: "date_of_birth",
    // In free text only a date that a label calls a date of birth is one.
    pattern:
      /\b(?:DOB|D\.O\.B\.|date of birth|birth ?date|birthday|born(?: on)?|geburtsdatum|geb\.)\s*[:=]?\s*([0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{2,4}|[0-9]{1,2} [A-Za-z]{3,9}\.? [0-9]{4}|[A-Za-z]{3,9}\.? [0-9]{1,2},? [0-9]{4})/gi,
    verify: (m, _text, today) => {
      const date = m[1] ?? "";
      if (parseDate(date, today) === undefined) {
        return undefined;
      }
      const start = m.index + m[0].length - date.length;
      return { start, end: start + date.length };
    },
  },
];

/** The order overlapping findings are settled in: the more specific (checksummed) type wins. */
const PRIORITY: Readonly<Record<PiiType, number>> = {
  email: 0,
  iban: 1,
  prc_id: 2,
  payment_card: 3,
  us_ssn: 4,
  ipv6: 5,
  ipv4: 6,
  phone: 7,
  date_of_birth: 8,
};

function checkTypes(types: readonly PiiType[] | undefined): ReadonlySet<PiiType> {
  if (types === undefined) {
    return new Set(PII_TYPES);
  }
  for (const t of types) {
    if (!PII_TYPES.includes(t)) {
      throw new PiiError(`unknown PII type "${t}"; choose from ${PII_TYPES.join(", ")}`);
    }
  }
  return new Set(types);
}

/**
 * Finds personal data in a text: e-mail addresses, phone numbers, PRC identity
 * numbers, payment cards, IBANs, IPv4/IPv6 addresses, US SSNs and labelled dates
 * of birth. A candidate that fails its check (Luhn, mod 97, check digit, range)
 * is not reported. Findings are sorted by offset and never overlap.
 *
 * @example
 * scanText("card 4111 1111 1111 1111, mail ann@example.org");
 * // [{ type: "payment_card", start: 5, end: 24, match: "4111 1111 1111 1111" },
 * //  { type: "email", start: 31, end: 46, match: "ann@example.org" }]
 */
export function scanText(text: string, options: ScanOptions = {}): PiiFinding[] {
  const wanted = checkTypes(options.types);
  const today = options.today ?? new Date();
  const found: (PiiFinding & { readonly shadow?: true })[] = [];
  for (const detector of DETECTORS) {
    if (!wanted.has(detector.type)) {
      continue;
    }
    // The shared pattern is safe to reuse: a scan runs to its end synchronously.
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = pattern.exec(text)) !== null) {
      const span = detector.verify(m, text, today);
      if (span === undefined) {
        // A shorter candidate may start inside a rejected one.
        pattern.lastIndex = m.index + 1;
        continue;
      }
      const match = text.slice(span.start, span.end);
      found.push(
        span.shadow === true
          ? { type: detector.type, start: span.start, end: span.end, match, shadow: true }
          : { type: detector.type, start: span.start, end: span.end, match },
      );
      pattern.lastIndex = Math.max(span.end, m.index + 1);
    }
  }
  return settleOverlaps(found);
}

function settleOverlaps(found: (PiiFinding & { readonly shadow?: true })[]): PiiFinding[] {
  found.sort((a, b) => a.start - b.start || PRIORITY[a.type] - PRIORITY[b.type]);
  const kept: (PiiFinding & { readonly shadow?: true })[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (last === undefined || f.start >= last.end) {
      kept.push(f);
    } else if (PRIORITY[f.type] < PRIORITY[last.type]) {
      kept[kept.length - 1] = f;
    }
  }
  return kept.filter((f) => f.shadow !== true);
}

import { cardBrand } from "./payment-card.js";
import { formatIpv6, ipv6Groups } from "./ip-address.js";
import { parseDate } from "./parse-date.js";
import { PiiError, type PiiType } from "./pii-types.js";

/** How coarse a generalised date is. */
export type DateGranularity = "year" | "decade";

/** A date of birth cut to its year (`1985`) or decade (`1980s`); undefined if it is not a date. */
export function generalizeDate(value: string, to: DateGranularity = "year"): string | undefined {
  const d = parseDate(value);
  if (d === undefined) {
    return undefined;
  }
  return to === "year" ? String(d.year) : `${d.year - (d.year % 10)}s`;
}

/**
 * A number put into its bin of `width`, written `low-high` with whole numbers
 * (`37` with width 10 → `30-39`; `[-5, -1]` below zero) or `[low, high)` for
 * fractional bins.
 */
export function generalizeNumber(value: number, width: number): string {
  if (!Number.isFinite(width) || width <= 0) {
    throw new PiiError(`range width must be a positive number, got ${width}`);
  }
  if (!Number.isFinite(value)) {
    throw new PiiError(`cannot put ${value} into a range: it is not a finite number`);
  }
  const low = Math.floor(value / width) * width;
  if (Number.isInteger(low) && Number.isInteger(width)) {
    // A minus sign would make `-5--1` hard to read; negative bins are written as intervals.
    return low < 0 ? `[${low}, ${low + width - 1}]` : `${low}-${low + width - 1}`;
  }
  return `[${low}, ${low + width})`;
}

/** A postcode cut to its first `keep` letters and digits, the rest as `*` (`SW1A 1AA`, 3 → `SW1* ***`). */
export function generalizePostcode(value: string, keep: number): string {
  if (!Number.isInteger(keep) || keep < 0) {
    throw new PiiError(`postcode prefix length must be a whole number ≥ 0, got ${keep}`);
  }
  let seen = 0;
  return value.replace(/[0-9A-Za-z]/g, (ch) => (seen++ < keep ? ch : "*"));
}

/** An IPv4 address as its /24 network, `192.168.7.0/24`. */
export function generalizeIpv4(address: string): string {
  const octets = address.split(".");
  return `${octets.slice(0, 3).join(".")}.0/24`;
}

/** An IPv6 address as its /48 network, `2001:db8:85a3::/48`. */
export function generalizeIpv6(address: string): string {
  const groups = ipv6Groups(address);
  return `${formatIpv6([...groups.slice(0, 3), 0, 0, 0, 0, 0])}/48`;
}

/**
 * The generalised form of a detected value: dates of birth to year or decade,
 * IPs to /24 or /48, e-mail to its domain, phones to their country code, cards to
 * their network, IBANs to their country, PRC IDs to their region and birth year;
 * US SSNs have no coarser form that is not identifying and are redacted.
 */
export function generalizeFinding(type: PiiType, value: string, dates: DateGranularity): string {
  switch (type) {
    case "date_of_birth":
      return generalizeDate(value, dates) ?? "[DATE_OF_BIRTH]";
    case "ipv4":
      return generalizeIpv4(value);
    case "ipv6":
      return generalizeIpv6(value);
    case "email":
      return `[EMAIL]@${value.slice(value.lastIndexOf("@") + 1).toLowerCase()}`;
    case "phone": {
      const text = value.trim();
      if (!text.startsWith("+")) {
        return "+86 [PHONE]";
      }
      // Country codes are prefix-free (ITU-T E.164) but unmarked: trust a written separator
      // after them, else keep only the first digit (the world zone), which is certainly code.
      const code = /^\+([0-9]{1,3})[ .(-]/.exec(text)?.[1] ?? text.slice(1, 2);
      return `+${code} [PHONE]`;
    }
    case "payment_card":
      return `[CARD ${cardBrand(value.replace(/[^0-9]/g, "")) ?? "unknown"}]`;
    case "iban":
      return `${value.slice(0, 2).toUpperCase()} [IBAN]`;
    case "prc_id":
      // Characters 1–6 are the county-level region, 7–10 the birth year.
      return `${value.slice(0, 6)}${value.slice(6, 10)}[PRC_ID]`;
    case "us_ssn":
      return "[US_SSN]";
  }
}

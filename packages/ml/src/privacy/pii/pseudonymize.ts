import { createHmac } from "node:crypto";
import { canonicalIpv6 } from "./ip-address.js";
import { parseDate } from "./parse-date.js";
import { PiiError, type PiiType } from "./pii-types.js";

/** The shortest key accepted: 128 bits, so tokens cannot be reversed by trying keys. */
export const MIN_PSEUDONYM_KEY_BYTES = 16;

/**
 * The form a value is hashed in, so that one person's data gets one token
 * whichever way it is written: e-mail lower case, numbers without separators,
 * IPv6 in RFC 5952 form, dates as YYYY-MM-DD.
 */
export function canonicalValue(type: PiiType, value: string): string {
  switch (type) {
    case "email":
      return value.trim().toLowerCase();
    case "phone": {
      const digits = value.replace(/[^0-9]/g, "");
      // A Chinese mobile with or without +86 is the same number.
      return /^1[3-9][0-9]{9}$/.test(digits) ? `86${digits}` : digits;
    }
    case "payment_card":
    case "us_ssn":
      return value.replace(/[^0-9]/g, "");
    case "prc_id":
    case "iban":
      return value.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
    case "ipv4":
      return value.trim();
    case "ipv6":
      return canonicalIpv6(value.trim());
    case "date_of_birth": {
      const d = parseDate(value);
      return d === undefined
        ? value.trim()
        : `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
    }
  }
}

/** Turns a value into its keyed token, e.g. `EMAIL_3f2a9c1b`. */
export type Pseudonymizer = (type: PiiType, value: string) => string;

/**
 * A keyed pseudonymiser: the token is the type and the first `hexChars` hex
 * digits of HMAC-SHA256(key, type NUL canonical value). The same key gives the
 * same token for the same value in every file and run; without the key a token
 * cannot be linked back to its value. With 8 hex digits (32 bits) two different
 * values share a token with probability about n²/2³³ for n distinct values; use
 * more digits for large data.
 */
export function createPseudonymizer(key: Uint8Array | string, hexChars = 8): Pseudonymizer {
  const keyBytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
  if (keyBytes.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new PiiError(
      `the pseudonymisation key has ${keyBytes.length} bytes; give at least ${MIN_PSEUDONYM_KEY_BYTES} (e.g. openssl rand -hex 32)`,
    );
  }
  if (!Number.isInteger(hexChars) || hexChars < 8 || hexChars > 64) {
    throw new PiiError(
      `token length must be a whole number of hex digits from 8 to 64, got ${hexChars}`,
    );
  }
  return (type, value) => {
    const mac = createHmac("sha256", keyBytes)
      .update(`${type}\0${canonicalValue(type, value)}`)
      .digest("hex");
    return `${type.toUpperCase()}_${mac.slice(0, hexChars)}`;
  };
}

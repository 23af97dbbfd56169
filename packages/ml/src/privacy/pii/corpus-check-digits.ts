// Check digits for the labelled corpus, written apart from the scanner's checks
// and by other methods, so that a mistake in one does not hide in the other: the
// corpus would otherwise plant exactly the values a broken check accepts.

// The Luhn sum of a doubled digit, 2d with its digits added (ISO/IEC 7812-1).
const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/** The Luhn digit to append to `body` (digits only), e.g. 3 for "7992739871". */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  // Once the check digit is appended, the body's last digit is the first one doubled.
  for (let i = 0; i < body.length; i++) {
    const d = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? (DOUBLED[d] ?? 0) : d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The two IBAN check digits for a country code and BBAN (ISO 13616), e.g. "82"
 * for "GB" and "WEST12345698765432".
 */
export function ibanCheckDigits(country: string, bban: string): string {
  // The country code and "00" go to the end, letters become 10 (A) … 35 (Z).
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  // Piece-wise mod 97, seven digits at a time, to stay within exact integers.
  let remainder = 0;
  for (let at = 0; at < numeric.length; at += 7) {
    remainder = Number(`${remainder}${numeric.slice(at, at + 7)}`) % 97;
  }
  return String(98 - remainder).padStart(2, "0");
}

/**
 * The check character of a PRC resident identity number's first 17 digits
 * (GB 11643, ISO 7064 MOD 11-2), e.g. "X" for "11010519491231002".
 */
export function prcIdCheckDigit(first17: string): string {
  // ISO 7064's recursive form: it weights digit i by 2^(17-i) mod 11 without a table.
  let acc = 0;
  for (const ch of first17) {
    acc = ((acc + Number(ch)) * 2) % 11;
  }
  // The check value c makes the weighted sum plus c equal to 1 mod 11; 10 is written X.
  const check = (12 - acc) % 11;
  return check === 10 ? "X" : String(check);
}

/** True when the digit string passes the Luhn (mod 10) check of ISO/IEC 7812-1. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return false;
    }
    if (double) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

interface IinRange {
  readonly brand: string;
  readonly low: number;
  readonly high: number;
  /** Digits of the prefix compared against low/high. */
  readonly width: number;
  readonly lengths: readonly number[];
}

// Issuer identification number ranges of the card networks (as the networks and
// ISO/IEC 7812 registrations publish them), with the lengths each issues.
const IIN_RANGES: readonly IinRange[] = [
  { brand: "visa", low: 4, high: 4, width: 1, lengths: [13, 16, 19] },
  { brand: "mastercard", low: 51, high: 55, width: 2, lengths: [16] },
  { brand: "mastercard", low: 2221, high: 2720, width: 4, lengths: [16] },
  { brand: "amex", low: 34, high: 34, width: 2, lengths: [15] },
  { brand: "amex", low: 37, high: 37, width: 2, lengths: [15] },
  { brand: "discover", low: 6011, high: 6011, width: 4, lengths: [16, 17, 18, 19] },
  { brand: "discover", low: 644, high: 649, width: 3, lengths: [16, 17, 18, 19] },
  { brand: "discover", low: 65, high: 65, width: 2, lengths: [16, 17, 18, 19] },
  { brand: "unionpay", low: 62, high: 62, width: 2, lengths: [16, 17, 18, 19] },
  { brand: "jcb", low: 3528, high: 3589, width: 4, lengths: [16, 17, 18, 19] },
  { brand: "diners", low: 300, high: 305, width: 3, lengths: [14, 15, 16, 17, 18, 19] },
  { brand: "diners", low: 36, high: 36, width: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { brand: "diners", low: 38, high: 39, width: 2, lengths: [16, 17, 18, 19] },
  { brand: "maestro", low: 50, high: 50, width: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: "maestro", low: 56, high: 59, width: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: "maestro", low: 67, high: 67, width: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
];

/**
 * The network whose IIN range and length the card number (digits only) fits,
 * or undefined for a number no known network issues.
 */
export function cardBrand(digits: string): string | undefined {
  for (const range of IIN_RANGES) {
    const prefix = Number(digits.slice(0, range.width));
    if (prefix >= range.low && prefix <= range.high && range.lengths.includes(digits.length)) {
      return range.brand;
    }
  }
  return undefined;
}

/** A payment card number: 13–19 digits, a known IIN and length, and the Luhn check. */
export function isPaymentCard(digits: string): boolean {
  // Luhn first: it is cheaper than the IIN table and rejects nine in ten look-alikes.
  return /^[0-9]{13,19}$/.test(digits) && luhnValid(digits) && cardBrand(digits) !== undefined;
}

// Weights 2^(17-i) mod 11 of GB 11643-1999 (ISO 7064 MOD 11-2).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";
// First two digits: the province-level division codes of GB/T 2260 (71 Taiwan, 81–82 Hong Kong and Macau).
/** The province-level codes an ID number starts with. */
export const PRC_PROVINCE_CODES: ReadonlySet<number> = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
  53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);

/** The GB 11643 check character ("0"–"9" or "X") of the first 17 digits. */
export function prcIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  }
  return CHECK[sum % 11] ?? "";
}

/** True when year-month-day is a real calendar date from 1900 up to `today`. */
export function plausibleBirthDate(
  year: number,
  month: number,
  day: number,
  today = new Date(),
): boolean {
  if (year < 1900 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getTime() <= today.getTime()
  );
}

/**
 * An 18-character PRC resident identity number: a province code, a plausible
 * birth date in characters 7–14 and the right check character.
 */
export function isPrcId(id: string, today = new Date()): boolean {
  if (!/^[0-9]{17}[0-9Xx]$/.test(id) || !PRC_PROVINCE_CODES.has(Number(id.slice(0, 2)))) {
    return false;
  }
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  return (
    plausibleBirthDate(year, month, day, today) &&
    prcIdCheckChar(id.slice(0, 17)) === id.charAt(17).toUpperCase()
  );
}

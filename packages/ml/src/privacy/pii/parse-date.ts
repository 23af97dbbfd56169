import { plausibleBirthDate } from "./prc-id.js";

/** A calendar date as its parts. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function monthNumber(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

function checked(year: number, month: number, day: number, today: Date): DateParts | undefined {
  return plausibleBirthDate(year, month, day, today) ? { year, month, day } : undefined;
}

/**
 * Reads a date of birth written the common ways: `1985-03-12`, `1985/03/12`,
 * `19850312`, `12.03.1985`, `12-03-1985`, `03/12/1985` (month first when both
 * readings are possible, day first when the first number exceeds 12),
 * `12 March 1985`, `March 12, 1985`, `12-Mar-1985`. Only real dates from 1900 to
 * `today` count; anything else gives undefined.
 */
export function parseDate(value: string, today = new Date()): DateParts | undefined {
  const text = value.trim();
  let m = /^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[T ][0-9:.]+Z?)?$/.exec(text);
  if (m !== null) {
    return checked(Number(m[1]), Number(m[2]), Number(m[3]), today);
  }
  m = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(text);
  if (m !== null) {
    return checked(Number(m[1]), Number(m[2]), Number(m[3]), today);
  }
  m = /^([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})$/.exec(text);
  if (m !== null) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = Number(m[4]);
    if (m[2] === "/" && a <= 12) {
      return checked(year, a, b, today) ?? checked(year, b, a, today);
    }
    return checked(year, b, a, today) ?? checked(year, a, b, today);
  }
  m = /^([0-9]{1,2})[ -]([A-Za-z]{3,9})\.?[ -]([0-9]{4})$/.exec(text);
  if (m !== null) {
    const month = monthNumber(m[2] ?? "");
    return month === undefined ? undefined : checked(Number(m[3]), month, Number(m[1]), today);
  }
  m = /^([A-Za-z]{3,9})\.? ([0-9]{1,2}),? ([0-9]{4})$/.exec(text);
  if (m !== null) {
    const month = monthNumber(m[1] ?? "");
    return month === undefined ? undefined : checked(Number(m[3]), month, Number(m[2]), today);
  }
  return undefined;
}

const DOB_COLUMN_NAMES = new Set([
  "dob",
  "dateofbirth",
  "birthdate",
  "birthday",
  "birthdt",
  "dtofbirth",
  "born",
  "bornon",
  "geburtsdatum",
  "gebdatum",
  "datedenaissance",
  "fechadenacimiento",
  "datadinascita",
  "datadenascimento",
  "geboortedatum",
  "födelsedatum",
  "fodelsedatum",
  "出生日期",
  "生日",
]);

/**
 * True for a column whose name says it holds dates of birth (`dob`,
 * `date_of_birth`, `Birth Date`, `geburtsdatum`, `patient_dob`, …): the name is
 * compared lower-cased without separators, also after a leading word such as
 * `patient_`.
 */
export function isDateOfBirthColumn(name: string): boolean {
  const words = name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
  for (let i = 0; i < words.length; i++) {
    if (DOB_COLUMN_NAMES.has(words.slice(i).join(""))) {
      return true;
    }
  }
  return false;
}

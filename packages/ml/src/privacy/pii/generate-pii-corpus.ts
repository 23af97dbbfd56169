import { createRng, type Rng } from "../../random/seeded.js";
import { ibanCheckDigits, luhnCheckDigit, prcIdCheckDigit } from "./corpus-check-digits.js";
import { formatIpv6 } from "./ip-address.js";
import type { PiiType } from "./pii-types.js";

/** A labelled piece of personal data in a generated text. */
export interface LabelledSpan {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The kinds of look-alike that a scanner must not report. */
export type HardNegativeKind =
  | "card_luhn_fail"
  | "card_unknown_iin"
  | "iban_bad_check"
  | "prc_id_bad_check"
  | "prc_id_bad_date"
  | "ssn_invalid_range"
  | "ipv4_bad_octet"
  | "order_number"
  | "timestamp"
  | "unlabelled_date"
  | "version"
  | "price";

/** A planted look-alike, with where it is. */
export interface HardNegative {
  readonly kind: HardNegativeKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A generated text with every planted value and look-alike located. */
export interface PiiCorpus {
  readonly text: string;
  readonly spans: LabelledSpan[];
  readonly negatives: HardNegative[];
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;
const digits = (rng: Rng, n: number): string => {
  let s = "";
  for (let i = 0; i < n; i++) {
    s += String(rng.int(10));
  }
  return s;
};
const between = (rng: Rng, low: number, high: number): number => low + rng.int(high - low + 1);
const pad = (n: number, width: number): string => String(n).padStart(width, "0");

const FIRST = [
  "anna",
  "li",
  "wei",
  "maria",
  "john",
  "fatima",
  "jonas",
  "chen",
  "sofia",
  "raj",
  "emma",
  "olu",
];
const LAST = [
  "schmidt",
  "wang",
  "garcia",
  "smith",
  "khan",
  "muller",
  "zhang",
  "rossi",
  "okafor",
  "dubois",
];
const DOMAINS = [
  "example.com",
  "mail.example.org",
  "corp.example.net",
  "uni-example.edu",
  "example.co.uk",
  "qq.example.cn",
];

function email(rng: Rng): string {
  const f = pick(rng, FIRST);
  const l = pick(rng, LAST);
  const local = pick(rng, [
    `${f}.${l}`,
    `${f[0] ?? "x"}${l}${rng.int(100)}`,
    `${f}_${l}+news`,
    `${l}-${f}`,
    `${f}${digits(rng, 4)}`,
  ]);
  return `${rng.next() < 0.2 ? local.toUpperCase() : local}@${pick(rng, DOMAINS)}`;
}

function phone(rng: Rng): string {
  const cn = `1${between(rng, 3, 9)}${digits(rng, 1)}`;
  const a = digits(rng, 4);
  const b = digits(rng, 4);
  return pick(rng, [
    `+44 20 ${digits(rng, 4)} ${digits(rng, 4)}`,
    `+1 (${between(rng, 201, 989)}) ${between(rng, 200, 999)}-${digits(rng, 4)}`,
    `+1-${between(rng, 201, 989)}-${between(rng, 200, 999)}-${digits(rng, 4)}`,
    `+49 30 ${digits(rng, 8)}`,
    `+33 1 ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)}`,
    `+81 3-${digits(rng, 4)}-${digits(rng, 4)}`,
    `+91 ${between(rng, 70000, 99999)} ${digits(rng, 5)}`,
    `+353.1.${digits(rng, 3)}.${digits(rng, 4)}`,
    `${cn}${a}${b}`,
    `${cn} ${a} ${b}`,
    `${cn}-${a}-${b}`,
    `+86 ${cn} ${a} ${b}`,
    `+86${cn}${a}${b}`,
  ]);
}

const REGIONS = [
  "110105",
  "310104",
  "440305",
  "510107",
  "330106",
  "650102",
  "430102",
  "320102",
  "420111",
];

function prcIdParts(rng: Rng): string {
  const year = between(rng, 1940, 2005);
  const month = between(rng, 1, 12);
  const day = between(rng, 1, 28);
  return `${pick(rng, REGIONS)}${year}${pad(month, 2)}${pad(day, 2)}${digits(rng, 3)}`;
}

function prcId(rng: Rng): string {
  const first17 = prcIdParts(rng);
  return first17 + prcIdCheckDigit(first17);
}

const CARD_PREFIXES: readonly (readonly [string, number])[] = [
  ["4", 16],
  ["4", 13],
  ["51", 16],
  ["55", 16],
  ["2221", 16],
  ["2720", 16],
  ["34", 15],
  ["37", 15],
  ["6011", 16],
  ["65", 16],
  ["3530", 16],
  ["62", 19],
];

function luhnComplete(body: string): string {
  return body + String(luhnCheckDigit(body));
}

function formatCard(rng: Rng, number: string): string {
  const style = rng.int(3);
  if (style === 0) {
    return number;
  }
  const sep = style === 1 ? " " : "-";
  if (number.length === 15) {
    return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep);
  }
  if (number.length === 16 || number.length === 19) {
    return (number.match(/.{1,4}/g) ?? []).join(sep);
  }
  return number;
}

function cardNumber(rng: Rng): string {
  const [prefix, length] = pick(rng, CARD_PREFIXES);
  return luhnComplete(prefix + digits(rng, length - prefix.length - 1));
}

// Simplified BBAN shapes (n digits, a upper-case letters) with the real lengths.
const BBANS: readonly (readonly [string, string])[] = [
  ["DE", "18n"],
  ["GB", "4a14n"],
  ["FR", "23n"],
  ["NL", "4a10n"],
  ["ES", "20n"],
  ["IT", "1a22n"],
  ["CH", "17n"],
  ["BE", "12n"],
  ["PL", "24n"],
  ["NO", "11n"],
];

function bban(rng: Rng, shape: string): string {
  let out = "";
  for (const [, count, kind] of shape.matchAll(/([0-9]+)([an])/g)) {
    for (let i = 0; i < Number(count); i++) {
      out += kind === "n" ? String(rng.int(10)) : String.fromCharCode(65 + rng.int(26));
    }
  }
  return out;
}

function ibanCompact(rng: Rng): string {
  const [country, shape] = pick(rng, BBANS);
  const body = bban(rng, shape);
  return `${country}${ibanCheckDigits(country, body)}${body}`;
}

function printIban(rng: Rng, compact: string): string {
  return rng.next() < 0.5 ? compact : (compact.match(/.{1,4}/g) ?? []).join(" ");
}

function ipv4(rng: Rng): string {
  return pick(rng, [
    `192.168.${rng.int(256)}.${rng.int(256)}`,
    `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
    `${between(rng, 1, 223)}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
  ]);
}

function ipv6(rng: Rng): string {
  const groups = Array.from({ length: 8 }, () => rng.int(0x10000));
  if (rng.next() < 0.6) {
    const start = between(rng, 1, 5);
    const len = between(rng, 2, 8 - start);
    groups.fill(0, start, start + len);
  }
  if (rng.next() < 0.3) {
    groups.splice(0, 2, 0x2001, 0x0db8);
  }
  const text = formatIpv6(groups);
  return rng.next() < 0.2 ? text.toUpperCase() : text;
}

function ssnParts(rng: Rng): [number, number, number] {
  let area = between(rng, 1, 899);
  if (area === 666) {
    area = 665;
  }
  return [area, between(rng, 1, 99), between(rng, 1, 9999)];
}

function ssn(rng: Rng): string {
  const [a, g, s] = ssnParts(rng);
  return `${pad(a, 3)}-${pad(g, 2)}-${pad(s, 4)}`;
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function birthDate(rng: Rng): string {
  const y = between(rng, 1930, 2008);
  const m = between(rng, 1, 12);
  const d = between(rng, 1, 28);
  return pick(rng, [
    `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    `${pad(d, 2)}.${pad(m, 2)}.${y}`,
    `${d} ${MONTH_NAMES[m - 1] ?? "May"} ${y}`,
    `${pad(m, 2)}/${pad(d, 2)}/${y}`,
  ]);
}

/** A random valid value of `type`, written the way people write it. */
export function generatePiiValue(type: PiiType, rng: Rng): string {
  switch (type) {
    case "email":
      return email(rng);
    case "phone":
      return phone(rng);
    case "prc_id":
      return prcId(rng);
    case "payment_card":
      return formatCard(rng, cardNumber(rng));
    case "iban":
      return printIban(rng, ibanCompact(rng));
    case "ipv4":
      return ipv4(rng);
    case "ipv6":
      return ipv6(rng);
    case "us_ssn":
      return ssn(rng);
    case "date_of_birth":
      return birthDate(rng);
  }
}

/** A random look-alike of `kind` that a correct scanner does not report. */
export function generateHardNegative(kind: HardNegativeKind, rng: Rng): string {
  switch (kind) {
    case "card_luhn_fail": {
      const good = cardNumber(rng);
      const last = Number(good.slice(-1));
      return formatCard(rng, good.slice(0, -1) + String((last + 1 + rng.int(9)) % 10));
    }
    case "card_unknown_iin":
      return formatCard(rng, luhnComplete(`9${digits(rng, 14)}`));
    case "iban_bad_check": {
      const good = ibanCompact(rng);
      const check = Number(good.slice(2, 4));
      const bad = (check + 1 + rng.int(90)) % 100;
      return printIban(
        rng,
        `${good.slice(0, 2)}${pad(bad < 2 ? bad + 2 : bad, 2)}${good.slice(4)}`,
      );
    }
    case "prc_id_bad_check": {
      const first17 = prcIdParts(rng);
      const right = prcIdCheckDigit(first17);
      const wrong = "0123456789X".replace(right, "");
      return first17 + wrong.charAt(rng.int(wrong.length));
    }
    case "prc_id_bad_date": {
      const first17 = `${pick(rng, REGIONS)}${between(rng, 1950, 2000)}${pick(rng, ["0230", "1332", "0431", "0015", "1300"])}${digits(rng, 3)}`;
      return first17 + prcIdCheckDigit(first17);
    }
    case "ssn_invalid_range": {
      const [a, g, s] = ssnParts(rng);
      return pick(rng, [
        `000-${pad(g, 2)}-${pad(s, 4)}`,
        `666-${pad(g, 2)}-${pad(s, 4)}`,
        `${between(rng, 900, 999)}-${pad(g, 2)}-${pad(s, 4)}`,
        `${pad(a, 3)}-00-${pad(s, 4)}`,
        `${pad(a, 3)}-${pad(g, 2)}-0000`,
      ]);
    }
    case "ipv4_bad_octet": {
      const octets = [between(rng, 1, 223), rng.int(256), rng.int(256), rng.int(256)];
      octets[rng.int(4)] = between(rng, 256, 999);
      return octets.join(".");
    }
    case "order_number":
      return pick(rng, [
        `ORD-${between(rng, 2015, 2026)}-${digits(rng, 6)}`,
        `#${digits(rng, 7)}`,
        `INV/${digits(rng, 4)}/${digits(rng, 5)}`,
        `PO ${digits(rng, 10)}`,
      ]);
    case "timestamp":
      return pick(rng, [
        `${between(rng, 2015, 2026)}-${pad(between(rng, 1, 12), 2)}-${pad(between(rng, 1, 28), 2)}T${pad(rng.int(24), 2)}:${pad(rng.int(60), 2)}:${pad(rng.int(60), 2)}Z`,
        `${pad(rng.int(24), 2)}:${pad(rng.int(60), 2)}:${pad(rng.int(60), 2)}`,
        String(between(rng, 1_500_000_000, 1_800_000_000)),
        String(between(rng, 1_500_000_000, 1_800_000_000) * 1000 + rng.int(1000)),
      ]);
    case "unlabelled_date":
      return birthDate(rng);
    case "version":
      return `v${between(rng, 0, 12)}.${rng.int(40)}.${rng.int(100)}`;
    case "price":
      return `$${between(rng, 1, 99)},${digits(rng, 3)}.${digits(rng, 2)}`;
  }
}

const POSITIVE_TEMPLATES: Readonly<Record<PiiType, readonly string[]>> = {
  email: [
    "Please reply to {} before Friday.",
    "Contact: {}",
    "cc {}, thanks",
    "Send the form to <{}>.",
  ],
  phone: [
    "Call me on {} after six.",
    "Tel. {}",
    "mobile: {}; office closed",
    "Reach the desk at ({}).",
  ],
  prc_id: ["ID number {} was verified.", "身份证号码：{}", "Applicant id {}, status pending"],
  payment_card: ["Charged to card {} yesterday.", "PAN={}", "card no. {}, exp 09/27"],
  iban: ["Transfer to {} please.", "IBAN: {}", "Account {} (main)"],
  ipv4: ["Login from {} at night.", "client_ip={}", "Blocked host {}."],
  ipv6: ["Request from {} was slow.", "addr {}", "peer [{}]:443 reset"],
  us_ssn: ["SSN {} on file.", "social security number: {}", "(SSN {})"],
  date_of_birth: ["DOB: {}", "Date of birth {}.", "born on {} in Lyon", "Geburtsdatum: {}"],
};

const NEGATIVE_TEMPLATES: Readonly<Record<HardNegativeKind, readonly string[]>> = {
  card_luhn_fail: ["Ref {} was declined.", "card {} (test)"],
  card_unknown_iin: ["Voucher {} redeemed.", "code {}"],
  iban_bad_check: ["Account {} is wrong.", "IBAN? {}"],
  prc_id_bad_check: ["Number {} rejected.", "id {}"],
  prc_id_bad_date: ["Serial {} logged.", "id {}"],
  ssn_invalid_range: ["Case {} closed.", "ref {}"],
  ipv4_bad_octet: ["Bad address {} ignored.", "host={}"],
  order_number: ["Order {} shipped.", "Your order {} is ready"],
  timestamp: ["Logged at {}.", "ts={}"],
  unlabelled_date: ["Shipped on {}.", "Meeting {} confirmed"],
  version: ["Upgraded to {} today.", "running {}"],
  price: ["Total {} due.", "paid {}"],
};

const FILLER = [
  "The quarterly report is attached.",
  "Nothing else changed since the last audit.",
  "Kind regards, the support team.",
  "We moved the meeting to room 4.12.",
  "See section 3.2 for details.",
  "Temperature was 21.5 degrees.",
];

const NEGATIVE_KINDS = Object.keys(NEGATIVE_TEMPLATES) as HardNegativeKind[];
const POSITIVE_TYPES = Object.keys(POSITIVE_TEMPLATES) as PiiType[];

/** How much corpus to make. */
export interface CorpusOptions {
  readonly seed: number;
  /** Stop after this many UTF-16 code units of text. */
  readonly length: number;
  /** The share of sentences that carry personal data (default 0.4) and of look-alikes (0.3). */
  readonly piiRate?: number;
  readonly negativeRate?: number;
}

/**
 * Writes a seeded text of sentences with personal data of every type at known
 * offsets, mixed with hard negatives (checksum failures, impossible ranges,
 * order numbers, timestamps, unlabelled dates) and filler. The same seed gives
 * the same corpus.
 */
export function generatePiiCorpus(options: CorpusOptions): PiiCorpus {
  const rng = createRng(options.seed);
  const piiRate = options.piiRate ?? 0.4;
  const negativeRate = options.negativeRate ?? 0.3;
  const parts: string[] = [];
  const spans: LabelledSpan[] = [];
  const negatives: HardNegative[] = [];
  let at = 0;
  const add = (s: string): void => {
    parts.push(s);
    at += s.length;
  };
  const plant = (template: string, value: string): { start: number; end: number } => {
    const hole = template.indexOf("{}");
    add(template.slice(0, hole));
    const start = at;
    add(value);
    add(template.slice(hole + 2));
    return { start, end: start + value.length };
  };
  while (at < options.length) {
    const roll = rng.next();
    if (roll < piiRate) {
      const type = pick(rng, POSITIVE_TYPES);
      const value = generatePiiValue(type, rng);
      spans.push({ type, ...plant(pick(rng, POSITIVE_TEMPLATES[type]), value), text: value });
    } else if (roll < piiRate + negativeRate) {
      const kind = pick(rng, NEGATIVE_KINDS);
      const value = generateHardNegative(kind, rng);
      negatives.push({ kind, ...plant(pick(rng, NEGATIVE_TEMPLATES[kind]), value), text: value });
    } else {
      add(pick(rng, FILLER));
    }
    add(rng.next() < 0.15 ? "\n" : " ");
  }
  return { text: parts.join(""), spans, negatives };
}

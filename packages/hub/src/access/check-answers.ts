import { HubError } from "../errors/index.js";
import {
  MAU_FIELD,
  countryName,
  isCountryCode,
  type GateConfig,
  type GateField,
} from "../registry/index.js";

/** The form's answers as stored: text, a checked box, a date, a country code, an option's value, a count. */
export type Answers = Readonly<Record<string, string | boolean | number>>;

const MAX_TEXT = 1000;

const bad = (field: string, message: string): HubError =>
  new HubError("BAD_REQUEST", `${field}: ${message}`, { field });

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) {
    return false;
  }
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

function answerField(field: GateField, value: unknown, blocked: ReadonlySet<string>) {
  const { label } = field;
  switch (field.type) {
    case "text":
      if (typeof value !== "string" || value.trim() === "") {
        throw bad(label, "answer this question with text");
      }
      if (value.length > MAX_TEXT) {
        throw bad(
          label,
          `the answer is ${value.length} characters; at most ${MAX_TEXT} are allowed`,
        );
      }
      return value.trim();
    case "checkbox":
      if (value !== true) {
        throw bad(label, "this box must be checked (send true) to ask for access");
      }
      return true;
    case "date_picker":
      if (typeof value !== "string" || !isDate(value)) {
        throw bad(label, `${JSON.stringify(value)} is not a date; write it as YYYY-MM-DD`);
      }
      return value;
    case "country": {
      const code = typeof value === "string" ? value.trim().toUpperCase() : "";
      if (!isCountryCode(code)) {
        throw bad(
          label,
          `${JSON.stringify(value)} is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, CN)`,
        );
      }
      if (blocked.has(code)) {
        throw bad(label, `access to this model is not offered in ${countryName(code)} (${code})`);
      }
      return code;
    }
    case "select": {
      const option = field.options.find((o) => o.value === value || o.label === value);
      if (option === undefined) {
        throw bad(
          label,
          `${JSON.stringify(value)} is not offered; choose one of ${field.options.map((o) => JSON.stringify(o.value)).join(", ")}`,
        );
      }
      return option.value;
    }
    case "ip_location":
      // The Hub fills this from the address; here the address is kept apart as personal data.
      return null;
  }
}

/**
 * Checks a request's answers against the gate's fields and returns them as
 * stored, or throws a 400 naming the first field that is missing or wrong:
 * an unchecked box, a date that is not a date, an option not offered, a
 * blocked country, an organisation above the licence's cap on users.
 *
 * @example checkAnswers(gate, { "I agree": true, Country: "de" }) // { "I agree": true, Country: "DE" }
 */
export function checkAnswers(gate: GateConfig, given: Readonly<Record<string, unknown>>): Answers {
  const known = new Set(gate.fields.map((f) => f.label));
  if (gate.maxMonthlyActiveUsers !== null) {
    known.add(MAU_FIELD);
  }
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      throw bad(
        key,
        `the form has no such question; it asks ${[...known].map((k) => JSON.stringify(k)).join(", ") || "nothing"}`,
      );
    }
  }
  const blocked = new Set(gate.blockedCountries);
  const out: Record<string, string | boolean | number> = {};
  for (const field of gate.fields) {
    const value = answerField(field, given[field.label], blocked);
    if (value !== null) {
      out[field.label] = value;
    }
  }
  const cap = gate.maxMonthlyActiveUsers;
  if (cap !== null) {
    const users = given[MAU_FIELD];
    if (typeof users !== "number" || !Number.isSafeInteger(users) || users < 0) {
      throw bad(MAU_FIELD, "give the number of monthly active users as a whole number");
    }
    if (users > cap) {
      throw bad(
        MAU_FIELD,
        `this licence covers organisations with at most ${cap} monthly active users; above that, ask the licensor for a licence directly`,
      );
    }
    out[MAU_FIELD] = users;
  }
  return out;
}

import type { GateField } from "./access-types.js";

/** What the form holds for each question, by its label: text, a date, a code, a value, a tick. */
export type Draft = Readonly<Record<string, string | boolean>>;

/** Why an answer cannot be sent: the key of its message in the `access` strings, and its values. */
export interface Problem {
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

const MAX_TEXT = 1000;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`, as the hub checks it. */
function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return false;
  }
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * What is wrong with the answer to one question, by the rules the hub applies
 * (every question answered, a box checked, a real date, a country offered, a
 * whole number), or null when it may be sent.
 */
export function fieldProblem(
  field: GateField,
  value: string | boolean | undefined,
  blocked: ReadonlySet<string>,
): Problem | null {
  const text = typeof value === "string" ? value.trim() : "";
  if (field.number === true) {
    return /^\d{1,15}$/.test(text) ? null : { key: "form.problem.number" };
  }
  switch (field.type) {
    case "text":
      if (text === "") {
        return { key: "form.problem.text" };
      }
      return text.length > MAX_TEXT
        ? { key: "form.problem.tooLong", values: { max: MAX_TEXT } }
        : null;
    case "checkbox":
      return value === true ? null : { key: "form.problem.checkbox" };
    case "date_picker":
      return isDate(text) ? null : { key: "form.problem.date" };
    case "country":
      if (text === "") {
        return { key: "form.problem.country" };
      }
      return blocked.has(text) ? { key: "form.problem.blocked", values: { code: text } } : null;
    case "select":
      return field.options.some((o) => o.value === text) ? null : { key: "form.problem.select" };
    case "ip_location":
      return null;
  }
}

/** The answers as the hub takes them: text trimmed, a whole number as a number; unasked ones left out. */
export function answersToSend(
  fields: readonly GateField[],
  draft: Draft,
): Record<string, string | boolean | number> {
  const out: Record<string, string | boolean | number> = {};
  for (const field of fields) {
    const value = draft[field.label];
    if (field.type === "ip_location" || value === undefined) {
      continue;
    }
    out[field.label] =
      field.number === true ? Number(value) : typeof value === "string" ? value.trim() : value;
  }
  return out;
}

import { CardInputError } from "./card-input-error.js";

/** A value the card's front matter can hold. Keys whose value is undefined are left out. */
export type YamlValue =
  | string
  | number
  | boolean
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue | undefined };

// Plain (unquoted) only when no YAML reader, 1.1 or 1.2, could take it for anything but this
// string: no indicator characters, no leading digit or sign, no boolean or null word.
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./()-]*(?: [A-Za-z0-9_./()-]+)*$/;
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/** A YAML scalar for `text`: plain when that is unambiguous, else a double-quoted string. */
export function yamlString(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text)) {
    return text;
  }
  // A JSON string is a valid YAML double-quoted scalar, with the same escapes.
  return JSON.stringify(text);
}

/**
 * A YAML number that reads back as exactly `value`: the shortest decimal that round-trips
 * (JavaScript's own), with an exponent written `1.0e-7` because YAML 1.1 readers (PyYAML, so
 * huggingface_hub) take `1e-7` for a string.
 */
export function yamlNumber(value: number, where: string): string {
  if (!Number.isFinite(value)) {
    throw new CardInputError(`${where} is ${value}: it must be a finite number`);
  }
  const text = String(value);
  return /e/.test(text) && !text.includes(".") ? text.replace("e", ".0e") : text;
}

function scalar(value: string | number | boolean, where: string): string {
  if (typeof value === "string") {
    return yamlString(value);
  }
  return typeof value === "number" ? yamlNumber(value, where) : String(value);
}

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== "object";
}

function isList(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function mapLines(
  map: { readonly [key: string]: YamlValue | undefined },
  indent: number,
  where: string,
): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) {
      continue;
    }
    const head = `${pad}${yamlString(key)}:`;
    const at = where === "" ? key : `${where}.${key}`;
    if (isScalar(value)) {
      lines.push(`${head} ${scalar(value, at)}`);
    } else if (isList(value) ? value.length === 0 : Object.keys(value).length === 0) {
      lines.push(`${head} ${isList(value) ? "[]" : "{}"}`);
    } else {
      lines.push(head, ...blockLines(value, indent + 2, at));
    }
  }
  return lines;
}

function listLines(list: readonly YamlValue[], indent: number, where: string): string[] {
  const pad = " ".repeat(indent);
  return list.flatMap((item, i) => {
    const at = `${where}[${i}]`;
    if (isScalar(item)) {
      return [`${pad}- ${scalar(item, at)}`];
    }
    const inner = blockLines(item, indent + 2, at);
    const [first, ...rest] = inner;
    if (first === undefined) {
      return [`${pad}- ${isList(item) ? "[]" : "{}"}`];
    }
    // The item's first line goes after the dash, at the indentation the others keep.
    return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
  });
}

function blockLines(value: YamlValue, indent: number, where: string): string[] {
  if (isScalar(value)) {
    return [`${" ".repeat(indent)}${scalar(value, where)}`];
  }
  return isList(value) ? listLines(value, indent, where) : mapLines(value, indent, where);
}

/**
 * Writes a mapping as block-style YAML, keys in the order given. Block style keeps the front
 * matter readable and diffable; every string that could be misread is double-quoted.
 */
export function toYaml(map: { readonly [key: string]: YamlValue | undefined }): string {
  return mapLines(map, 0, "")
    .map((line) => `${line}\n`)
    .join("");
}

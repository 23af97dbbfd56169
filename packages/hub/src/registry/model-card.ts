import { isUtf8 } from "node:buffer";
import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { HubError } from "../errors/index.js";
import { readCardYaml, shown } from "./card-yaml.js";
import { GateConfigError, gateConfigOf } from "./gate-config.js";
import { USE_CHECKS_FIELD, UseChecksError, useChecksOf } from "./use-checks.js";

/** The parsed YAML front matter of a model card (README.md). */
export type CardData = Record<string, unknown>;

/** Model cards are read whole to parse them, so their size is bounded. */
export const MAX_CARD_BYTES = 1024 * 1024;

/**
 * The YAML front matter is bounded more tightly than the whole README: each
 * YAML value costs the parser microseconds and hundreds of bytes of heap,
 * where Markdown is only stored. 256 KiB holds a `model-index` of hundreds
 * of results.
 */
export const MAX_FRONT_MATTER_BYTES = 256 * 1024;

export const RISK_TIERS = ["minimal", "limited", "high", "systemic"] as const;

type Check = (node: Node | null) => string | null;

const isString = (n: Node | null): boolean => isScalar(n) && typeof n.value === "string";
const str: Check = (n) => (isString(n) ? null : "must be a string");
const strOrList: Check = (n) =>
  isString(n) || (isSeq(n) && n.items.every((i) => isString(i as Node)))
    ? null
    : "must be a string or a list of strings";
const list: Check = (n) => (isSeq(n) ? null : "must be a list");
const map: Check = (n) => (isMap(n) ? null : "must be a mapping of names to values");
const bool: Check = (n) =>
  isScalar(n) && typeof n.value === "boolean" ? null : "must be true or false";
const riskTier: Check = (n) =>
  isScalar(n) && RISK_TIERS.some((t) => t === n.value)
    ? null
    : `must be one of ${RISK_TIERS.join(", ")}`;
const modelIndex: Check = (n) =>
  isSeq(n) &&
  n.items.every(
    (i) =>
      isMap(i) && isString((i as { get(k: string, keep: true): Node | null }).get("name", true)),
  )
    ? null
    : "must be a list of entries, each with a 'name' and its 'results'";

/**
 * The fields whose types the hub relies on: the Hugging Face card fields and
 * Gatehouse's own. Other fields are kept as they are.
 */
const FIELD_CHECKS: ReadonlyMap<string, Check> = new Map(
  Object.entries({
    license: strOrList,
    license_name: str,
    license_link: str,
    language: strOrList,
    tags: strOrList,
    datasets: strOrList,
    metrics: strOrList,
    base_model: strOrList,
    library_name: str,
    pipeline_tag: str,
    "model-index": modelIndex,
    extra_gated_prompt: str,
    extra_gated_heading: str,
    extra_gated_description: str,
    extra_gated_button_content: str,
    extra_gated_fields: map,
    extra_gated_eu_disallowed: bool,
    gate: map,
    risk_tier: riskTier,
    intended_uses: strOrList,
    prohibited_uses: strOrList,
    limitations: strOrList,
    widget: list,
    [USE_CHECKS_FIELD]: list,
  }),
);

function cardError(line: number, message: string): HubError {
  return new HubError("INVALID_CARD", `README.md line ${line}: ${message}`, { line });
}

/**
 * The text of a README.md, refused when it is not UTF-8: decoded with
 * replacement characters, its card would not be the one that was uploaded.
 */
export function cardText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) {
    // A byte 0x0A never occurs inside a UTF-8 sequence, so lines can be checked one by one.
    let line = 1;
    for (let start = 0; start <= bytes.length; line += 1) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      if (!isUtf8(bytes.subarray(start, end))) {
        break;
      }
      start = end + 1;
    }
    throw cardError(line, "this line is not valid UTF-8; save README.md as UTF-8 text");
  }
  return new TextDecoder().decode(bytes);
}

/**
 * A card's YAML front matter (between a first line `---` and the next line
 * that is exactly `---`) and the Markdown after it; `frontMatter` is null
 * without one, and `body` null when it is never closed.
 */
export function splitCard(text: string): { frontMatter: string | null; body: string | null } {
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (!normalised.startsWith("---\n")) {
    return { frontMatter: null, body: normalised };
  }
  const afterOpening = normalised.slice(4);
  // The first line that is exactly `---` (trailing blanks allowed), even if an earlier one starts with it.
  const end = /^---[ \t]*$/m.exec(afterOpening);
  if (end === null) {
    return { frontMatter: afterOpening, body: null };
  }
  return {
    frontMatter: afterOpening.slice(0, end.index),
    body: afterOpening.slice(end.index + end[0].length).replace(/^\n/, ""),
  };
}

/**
 * Parses a model card's YAML front matter (between a first line `---` and the
 * next `---`). A card without front matter has no data. Errors name the line
 * of README.md they concern. The work is bounded before parsing: the front
 * matter's size (MAX_FRONT_MATTER_BYTES), then, on its tokens, its nesting
 * (MAX_CARD_DEPTH), its count of values (MAX_CARD_VALUES) and the absence of
 * anchors and aliases.
 *
 * @example parseModelCard("---\nlicense: mit\n---\n# My model\n") // { license: "mit" }
 */
export function parseModelCard(text: string): CardData {
  const parts = splitCard(text);
  if (parts.frontMatter === null) {
    return {};
  }
  if (parts.body === null) {
    throw cardError(1, "the YAML front matter starting here has no closing '---' line");
  }
  const yamlText = parts.frontMatter;
  const bytes = Buffer.byteLength(yamlText, "utf8");
  if (bytes > MAX_FRONT_MATTER_BYTES) {
    throw cardError(
      1,
      `the YAML front matter starting here is ${bytes} bytes; at most ${MAX_FRONT_MATTER_BYTES} are allowed, so move long text into the Markdown below it`,
    );
  }
  const read = readCardYaml(yamlText);
  // The YAML starts on line 2 of README.md.
  const lineOf = (offset: number): number => read.lines.linePos(offset).line + 1;
  if (!read.ok) {
    throw cardError(lineOf(read.offset), read.message);
  }
  if (read.fields === null) {
    return {};
  }
  for (const pair of read.fields.items) {
    // readCardYaml let through only string keys.
    const key = (pair.key as Scalar<string>).value;
    const problem = FIELD_CHECKS.get(key)?.(pair.value);
    if (problem !== null && problem !== undefined) {
      const at = pair.value?.range[0] ?? (pair.key as Node).range?.[0] ?? 0;
      throw cardError(lineOf(at), `${shown(key)} ${problem}`);
    }
  }
  const data = read.fields.toJSON() as CardData;
  const fields = read.fields;
  const lineOfKey = (key: string): number => {
    const pair = fields.items.find((p) => (p.key as Scalar<string>).value === key);
    return lineOf((pair?.key as Node | undefined)?.range?.[0] ?? 0);
  };
  try {
    gateConfigOf(data);
    useChecksOf(data);
  } catch (err) {
    if (err instanceof GateConfigError) {
      // The message starts with the setting it concerns: `gate.…` or `extra_gated_…`.
      throw cardError(
        lineOfKey(err.message.startsWith("gate") ? "gate" : "extra_gated_fields"),
        err.message,
      );
    }
    if (err instanceof UseChecksError) {
      throw cardError(lineOfKey(USE_CHECKS_FIELD), err.message);
    }
    throw err;
  }
  return data;
}

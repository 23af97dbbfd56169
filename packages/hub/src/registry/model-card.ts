import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { HubError } from "../errors/index.js";

/** The parsed YAML front matter of a model card (README.md). */
export type CardData = Record<string, unknown>;

/** Model cards are read whole to parse them, so their size is bounded. */
export const MAX_CARD_BYTES = 1024 * 1024;

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
const FIELD_CHECKS: Record<string, Check> = {
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
  risk_tier: riskTier,
  intended_uses: strOrList,
  prohibited_uses: strOrList,
  limitations: strOrList,
  widget: list,
};

function cardError(line: number, message: string): HubError {
  return new HubError("INVALID_CARD", `README.md line ${line}: ${message}`, { line });
}

/**
 * Parses a model card's YAML front matter (between a first line `---` and the
 * next `---`). A card without front matter has no data. Errors name the line
 * of README.md they concern.
 *
 * @example parseModelCard("---\nlicense: mit\n---\n# My model\n") // { license: "mit" }
 */
export function parseModelCard(text: string): CardData {
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (!normalised.startsWith("---\n")) {
    return {};
  }
  const end = normalised.indexOf("\n---", 3);
  if (end === -1 || !/^\n---[ \t]*(\n|$)/.test(normalised.slice(end))) {
    throw cardError(1, "the YAML front matter starting here has no closing '---' line");
  }
  const yamlText = normalised.slice(4, end + 1);
  // The YAML starts on line 2 of README.md.
  const lineOf = (counter: LineCounter, offset: number): number => counter.linePos(offset).line + 1;
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, {
    lineCounter: counter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const first = doc.errors[0];
  if (first !== undefined) {
    const message = first.message.split("\n")[0] ?? first.message;
    throw cardError(lineOf(counter, first.pos[0]), `invalid YAML: ${message}`);
  }
  if (doc.contents === null) {
    return {};
  }
  if (!isMap(doc.contents)) {
    throw cardError(2, "the front matter must be a mapping of fields (key: value)");
  }
  for (const pair of doc.contents.items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    const check = key === null ? undefined : FIELD_CHECKS[key];
    const problem = check?.(pair.value);
    if (problem !== null && problem !== undefined) {
      const at = pair.value?.range?.[0] ?? pair.key.range?.[0] ?? 0;
      throw cardError(lineOf(counter, at), `'${key ?? ""}' ${problem}`);
    }
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  return data as CardData;
}

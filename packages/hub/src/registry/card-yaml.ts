import {
  Composer,
  CST,
  Lexer,
  LineCounter,
  Parser,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from "yaml";

/** How deep lists and mappings may nest in a card; `model-index`, the deepest standard field, needs 8. */
export const MAX_CARD_DEPTH = 64;

/**
 * How many keys, values and list items a card may hold: each scalar, each `-`
 * or `?` item, each `[...]` and `{...}` counts one. Parsing costs about the
 * same per value whatever its length, so this, not the size alone, bounds the
 * work: 256 KiB of `[0,0,0,…]` is 131,072 values, where a `model-index` of
 * that size as evaluation tools write it holds about 20,000 (block style) to
 * 44,000 (one-line mappings).
 */
export const MAX_CARD_VALUES = 65_536;

/** The lexer's token types that start a key, a value or a list item. */
const VALUE_STARTS: ReadonlySet<string> = new Set([
  "seq-item-ind",
  "explicit-key-ind",
  "scalar",
  "single-quoted-scalar",
  "double-quoted-scalar",
  "flow-seq-start",
  "flow-map-start",
]);

/**
 * A card's YAML: its top-level mapping (null when the YAML is empty), or the
 * first thing wrong with it at an offset of the YAML text.
 */
export type CardYaml =
  | { readonly ok: true; readonly fields: YAMLMap.Parsed | null; readonly lines: LineCounter }
  | {
      readonly ok: false;
      readonly offset: number;
      readonly message: string;
      readonly lines: LineCounter;
    };

/**
 * Keys that every JavaScript object already has. A card is stored as JSON and
 * read back into objects that code spreads, assigns and looks up in; such a
 * key would reach a prototype or shadow a method, so no card may use one.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
]);

const COLLECTIONS: ReadonlySet<string> = new Set(["block-map", "block-seq", "flow-collection"]);

/** Source text in a message: at most 60 characters, in single quotes, or JSON-escaped if it needs escapes. */
export function shown(text: string): string {
  // Cut before a lone high surrogate, so an emoji is not split in two.
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(59)) ? 59 : 60;
  const short = text.length > 60 ? `${text.slice(0, cut)}…` : text;
  const quoted = JSON.stringify(short);
  return quoted.slice(1, -1) === short ? `'${short}'` : quoted;
}

/** Thrown inside this module only, to stop at the first problem; readCardYaml returns it as a value. */
class Refusal extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The first pass, on the lexer's tokens and the CST parser's stack, before any
 * document is built: it stops at the first anchor, alias, tag or directive,
 * as soon as the nesting passes MAX_CARD_DEPTH and as soon as the values pass
 * MAX_CARD_VALUES, so a deep or self-expanding input costs no more than its
 * first few tokens, and a dense one no more than a large genuine card.
 *
 * Anchors and aliases are refused outright rather than counted: a card has no
 * use for them, an alias is stored expanded (so a few bytes can become
 * megabytes of JSON) and may refer to its own parent (a cycle JSON cannot
 * hold). Tags are refused because the ones the YAML library knows build values
 * (binary, sets) that JSON does not store faithfully; directives because front
 * matter has no place for them (the `---` line they need would end it).
 */
function boundedTokens(source: string, lines: LineCounter): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  // The lexer marks a plain or block scalar with a control character; the lexeme after it is text.
  let scalarText = false;
  let values = 0;
  for (const lexeme of new Lexer().lex(source)) {
    const offset = parser.offset;
    const type: string | null = scalarText ? "scalar-text" : CST.tokenType(lexeme);
    scalarText = type === "scalar";
    if (type !== null && VALUE_STARTS.has(type)) {
      values += 1;
      if (values > MAX_CARD_VALUES) {
        throw new Refusal(
          offset,
          `the front matter holds more than ${MAX_CARD_VALUES} keys, values and list items; a model card needs far fewer, so move bulk data into a file beside it`,
        );
      }
    }
    if (type === "anchor" || type === "alias") {
      throw new Refusal(
        offset,
        `YAML anchors and aliases are not accepted in a model card (${shown(lexeme)} here); write the value out in full`,
      );
    }
    if (type === "tag") {
      throw new Refusal(
        offset,
        `YAML tags are not accepted in a model card (${shown(lexeme)} here); write the value plainly, in quotes if it is text`,
      );
    }
    if (type === "directive-line") {
      throw new Refusal(
        offset,
        `YAML directives are not accepted in a model card (${shown(lexeme)} here); remove the line`,
      );
    }
    for (const token of parser.next(lexeme)) {
      tokens.push(token);
    }
    if (
      parser.stack.length > MAX_CARD_DEPTH &&
      parser.stack.filter((t) => COLLECTIONS.has(t.type)).length > MAX_CARD_DEPTH
    ) {
      throw new Refusal(offset, TOO_DEEP);
    }
  }
  for (const token of parser.end()) {
    tokens.push(token);
  }
  return tokens;
}

const TOO_DEEP = `lists and mappings are nested more than ${MAX_CARD_DEPTH} levels deep; a model card needs far fewer, so flatten it`;

const startOf = (node: Node): number => node.range?.[0] ?? 0;

/** What is wrong with a key that is not a string, in words that say how to fix it, or null. */
function badKey(key: Node | null): string | null {
  if (!isScalar(key)) {
    return `a key is a ${isSeq(key) ? "list" : isMap(key) ? "mapping" : "YAML node"}; keys must be plain names`;
  }
  if (typeof key.value === "string") {
    return null;
  }
  const text = typeof key.source === "string" ? key.source : "";
  if (text === "") {
    return "a key is empty; give every field a name";
  }
  const kind = key.value === null ? "null" : `a ${typeof key.value}`;
  return `the key ${shown(text)} is read as ${kind}, not a name; write it in quotes ("${text}") to use it as one`;
}

/** What is wrong with a scalar value that JSON would not store as written, or null. */
function badScalar(value: unknown, source: string): string | null {
  if (typeof value !== "number") {
    return null;
  }
  if (!Number.isFinite(value)) {
    return `the value ${shown(source)} is not a finite number, which a stored card cannot hold; write it in quotes to keep it as text`;
  }
  if (!Number.isSafeInteger(value) && /^[-+]?(\d+|0x[0-9a-fA-F]+|0o[0-7]+)$/.test(source)) {
    return `the number ${shown(source)} is too large to store exactly; write it in quotes to keep it as text`;
  }
  return null;
}

/**
 * The second pass, on the document: every key a unique string that is not a
 * built-in name, every number one JSON holds exactly, so the card round-trips
 * through JSON. Recursion is bounded: the first pass capped the nesting.
 */
function checkNode(node: Node | null, depth: number): void {
  if (node === null) {
    return;
  }
  if (isMap(node) || isSeq(node)) {
    if (depth >= MAX_CARD_DEPTH) {
      throw new Refusal(startOf(node), TOO_DEEP);
    }
  }
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const at = key === null ? startOf(node) : startOf(key);
      const problem = badKey(key);
      if (problem !== null) {
        throw new Refusal(at, problem);
      }
      // badKey let through only a string scalar.
      const name = (key as Scalar<string>).value;
      if (RESERVED_KEYS.has(name)) {
        throw new Refusal(
          at,
          `the key ${shown(name)} is a built-in name of JavaScript objects and may not be used in a card; rename it`,
        );
      }
      if (seen.has(name)) {
        throw new Refusal(
          at,
          `the key ${shown(name)} is repeated; keys must be unique in a mapping`,
        );
      }
      seen.add(name);
      checkNode(pair.value as Node | null, depth + 1);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      checkNode(item as Node | null, depth + 1);
    }
  } else if (isScalar(node)) {
    const problem = badScalar(node.value, typeof node.source === "string" ? node.source : "");
    if (problem !== null) {
      throw new Refusal(startOf(node), problem);
    }
  } else {
    throw new Refusal(startOf(node), "this YAML construct is not accepted in a model card");
  }
}

/**
 * Parses a card's YAML with bounded work: a first pass on tokens refuses
 * anchors, aliases, tags, directives, nesting deeper than MAX_CARD_DEPTH and
 * more than MAX_CARD_VALUES values before a document is built; then the
 * document is composed from those tokens and checked so that it round-trips
 * through JSON. The caller bounds the size. Offsets in the answer are of
 * `source`; `lines` turns them into lines.
 *
 * @example readCardYaml("a: [1, 2]\n") // { ok: true, fields: YAMLMap { a: [1, 2] }, lines }
 */
export function readCardYaml(source: string): CardYaml {
  const lines = new LineCounter();
  try {
    const tokens = boundedTokens(source, lines);
    // Unique keys are checked in checkNode with a set: the library's check compares every pair.
    const composer = new Composer({ uniqueKeys: false });
    let doc: Document.Parsed | null = null;
    for (const next of composer.compose(tokens, true, source.length)) {
      if (doc !== null) {
        throw new Refusal(
          next.range[0],
          "a second YAML document starts here; remove the '...' line before it, which ends the first",
        );
      }
      doc = next;
    }
    if (doc === null) {
      throw new Refusal(0, "the front matter holds no YAML document");
    }
    const error = doc.errors[0];
    if (error !== undefined) {
      const message = error.message.split("\n")[0] ?? error.message;
      const short = message.length > 200 ? `${message.slice(0, 200)}…` : message;
      throw new Refusal(error.pos[0], `invalid YAML: ${short}`);
    }
    const fields = doc.contents;
    if (fields === null) {
      return { ok: true, fields: null, lines };
    }
    if (!isMap(fields)) {
      throw new Refusal(
        startOf(fields),
        "the front matter must be a mapping of fields (key: value), not a list or a single value",
      );
    }
    checkNode(fields, 0);
    return { ok: true, fields, lines };
  } catch (err) {
    if (err instanceof Refusal) {
      return { ok: false, offset: err.offset, message: err.message, lines };
    }
    throw err;
  }
}

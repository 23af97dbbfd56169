import { BpeTokenizer } from "./bpe-tokenizer.js";

/**
 * Hugging Face's `tokenizer.json` for a byte-level BPE: the form the Python
 * `tokenizers` library and transformers.js load with `Tokenizer.from_file`.
 */
export interface TokenizerJson {
  readonly version: "1.0";
  readonly truncation: null;
  readonly padding: null;
  readonly added_tokens: readonly {
    readonly id: number;
    readonly content: string;
    readonly single_word: false;
    readonly lstrip: false;
    readonly rstrip: false;
    readonly normalized: false;
    readonly special: true;
  }[];
  readonly normalizer: null;
  readonly pre_tokenizer: ByteLevelStep;
  readonly post_processor: null;
  readonly decoder: ByteLevelStep;
  readonly model: {
    readonly type: "BPE";
    readonly dropout: null;
    readonly unk_token: null;
    readonly continuing_subword_prefix: null;
    readonly end_of_word_suffix: null;
    readonly fuse_unk: false;
    readonly byte_fallback: false;
    readonly ignore_merges: false;
    readonly vocab: Readonly<Record<string, number>>;
    readonly merges: readonly (readonly [string, string])[];
  };
}

interface ByteLevelStep {
  readonly type: "ByteLevel";
  readonly add_prefix_space: false;
  readonly trim_offsets: true;
  readonly use_regex: true;
}

const BYTE_LEVEL: ByteLevelStep = {
  type: "ByteLevel",
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: true,
};

/** The tokenizer as `tokenizer.json`. */
export function toTokenizerJson(tokenizer: BpeTokenizer): TokenizerJson {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: tokenizer.specialTokens.map((content) => ({
      id: tokenizer.id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: null,
    decoder: BYTE_LEVEL,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokenizer.tokens.map((token, id) => [token, id])),
      merges: tokenizer.merges,
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A merge as the file holds it: a pair, or the older "a b" string. */
function readMerge(merge: unknown, index: number): [string, string] {
  if (typeof merge === "string") {
    const space = merge.indexOf(" ");
    if (space > 0) {
      return [merge.slice(0, space), merge.slice(space + 1)];
    }
  } else if (
    Array.isArray(merge) &&
    merge.length === 2 &&
    typeof merge[0] === "string" &&
    typeof merge[1] === "string"
  ) {
    return [merge[0], merge[1]];
  }
  throw new TypeError(`tokenizer.json: model.merges[${index}] is not a pair of tokens`);
}

/**
 * A byte-level BPE tokenizer from a parsed `tokenizer.json`. Only what this
 * toolkit writes is taken: a BPE model with byte-level pre-tokenisation and
 * no normaliser; anything else is refused, naming the field.
 */
export function fromTokenizerJson(json: unknown): BpeTokenizer {
  if (!isRecord(json) || !isRecord(json.model)) {
    throw new TypeError("tokenizer.json: not an object with a model");
  }
  const { model } = json;
  if (model.type !== "BPE") {
    throw new TypeError(`tokenizer.json: model.type is ${String(model.type)}, not BPE`);
  }
  if (!isRecord(json.pre_tokenizer) || json.pre_tokenizer.type !== "ByteLevel") {
    throw new TypeError("tokenizer.json: pre_tokenizer is not ByteLevel");
  }
  if (json.normalizer !== null && json.normalizer !== undefined) {
    throw new TypeError("tokenizer.json: a normalizer is not supported");
  }
  if (!isRecord(model.vocab) || !Array.isArray(model.merges)) {
    throw new TypeError("tokenizer.json: model.vocab or model.merges is missing");
  }
  const entries = Object.entries(model.vocab);
  const tokens: string[] = new Array<string>(entries.length);
  for (const [token, id] of entries) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw new TypeError(
        `tokenizer.json: token "${token}" has id ${String(id)}, outside 0..${entries.length - 1}`,
      );
    }
    if (tokens[id] !== undefined) {
      throw new TypeError(`tokenizer.json: id ${id} is given to "${tokens[id]}" and "${token}"`);
    }
    tokens[id] = token;
  }
  const added = Array.isArray(json.added_tokens) ? json.added_tokens : [];
  const specialTokens = added.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.content !== "string") {
      throw new TypeError(`tokenizer.json: added_tokens[${i}] has no content`);
    }
    return entry.content;
  });
  return new BpeTokenizer({
    tokens,
    specialTokens,
    merges: model.merges.map((merge, i) => readMerge(merge, i)),
  });
}

import { DataError } from "./data-error.js";
import { tokenize } from "./tokenize.js";

export interface VocabularyOptions {
  /** Largest number of entries, counting the padding and out-of-vocabulary entries. Default: no limit. */
  maxSize?: number;
  /** Smallest number of occurrences in the training texts for a token to be kept. Default 1. */
  minFrequency?: number;
  /** Splits a text into tokens; default {@link tokenize}. */
  tokenizer?: (text: string) => string[];
}

/** Index of the padding entry. */
export const PAD_INDEX = 0;
/** Index every unknown token maps to. */
export const OOV_INDEX = 1;

/**
 * Token ↔ index table for sequence models, built from training texts: index 0 is
 * padding ("<pad>"), 1 is out-of-vocabulary ("<oov>"), then tokens by decreasing
 * frequency, ties in code-point order so the table does not depend on text order.
 * @example
 * const vocab = Vocabulary.build(train.texts, { maxSize: 20000, minFrequency: 2 });
 * const ids = vocab.encode("free money now"); // Int32Array
 */
export class Vocabulary {
  private readonly index: Map<string, number>;

  private constructor(
    /** Token of each index; `tokens[0]` is "<pad>", `tokens[1]` is "<oov>". */
    readonly tokens: readonly string[],
    private readonly tokenizer: (text: string) => string[],
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Counts tokens in `texts` and keeps the most frequent ones. */
  static build(texts: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    const { maxSize, minFrequency = 1, tokenizer = tokenize } = options;
    if (maxSize !== undefined && (!Number.isInteger(maxSize) || maxSize < 2)) {
      throw new DataError(
        `maxSize must be an integer of at least 2 (padding and out-of-vocabulary), got ${maxSize}`,
      );
    }
    if (!Number.isInteger(minFrequency) || minFrequency < 1) {
      throw new DataError(`minFrequency must be a positive integer, got ${minFrequency}`);
    }
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const token of tokenizer(text)) {
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
    }
    const kept = [...counts.entries()]
      .filter(([token, n]) => n >= minFrequency && token !== "<pad>" && token !== "<oov>")
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([token]) => token);
    const limit = maxSize === undefined ? kept.length : maxSize - 2;
    return new Vocabulary(["<pad>", "<oov>", ...kept.slice(0, limit)], tokenizer);
  }

  /**
   * Rebuilds a vocabulary from its `tokens` (e.g. read back from an exported model), so that
   * it encodes exactly as the one they came from. `tokens[0]` must be "<pad>", `tokens[1]`
   * "<oov>", and no token may repeat.
   */
  static fromTokens(
    tokens: readonly string[],
    tokenizer: (text: string) => string[] = tokenize,
  ): Vocabulary {
    if (tokens[PAD_INDEX] !== "<pad>" || tokens[OOV_INDEX] !== "<oov>") {
      throw new DataError(
        `tokens must start with "<pad>" and "<oov>", got ${JSON.stringify(tokens.slice(0, 2))}`,
      );
    }
    const seen = new Set<string>();
    tokens.forEach((token, i) => {
      if (seen.has(token)) {
        throw new DataError(`tokens[${i}] ${JSON.stringify(token)} repeats an earlier token`);
      }
      seen.add(token);
    });
    return new Vocabulary([...tokens], tokenizer);
  }

  /** Number of entries, padding and out-of-vocabulary included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Index of `token`, or {@link OOV_INDEX} if it is not in the vocabulary. */
  indexOf(token: string): number {
    return this.index.get(token) ?? OOV_INDEX;
  }

  /** Token indexes of `text`, unknown tokens as {@link OOV_INDEX}. */
  encode(text: string): Int32Array {
    return Int32Array.from(this.tokenizer(text), (t) => this.indexOf(t));
  }
}

import { fromByteChars, splitWords, toByteChars } from "./byte-level.js";
import { MAX_VOCAB_SIZE, type BpeVocabulary } from "./train-bpe.js";

/** Words whose encoding is remembered; text repeats its words, and each costs a few merges' scan. */
const CACHED_WORDS = 10_000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A byte-level BPE tokenizer: text to token ids and back. Special tokens are
 * cut out of the text first and never merged with their neighbours; every
 * other string encodes, whatever its script, because each byte is a token.
 * It reads and writes Hugging Face's `tokenizer.json`, so the Python
 * `tokenizers` library loads the same vocabulary.
 */
export class BpeTokenizer {
  readonly tokens: readonly string[];
  readonly specialTokens: readonly string[];
  readonly merges: readonly (readonly [string, string])[];
  private readonly idOf: ReadonlyMap<string, number>;
  private readonly rankOf = new Map<number, number>();
  private readonly specials: RegExp | null;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(vocabulary: BpeVocabulary) {
    this.tokens = vocabulary.tokens;
    this.specialTokens = vocabulary.specialTokens;
    this.merges = vocabulary.merges;
    this.idOf = new Map(this.tokens.map((token, id) => [token, id]));
    this.merges.forEach(([a, b], rank) => {
      this.rankOf.set(this.pairKey(this.id(a), this.id(b)), rank);
    });
    for (const special of this.specialTokens) {
      this.id(special);
    }
    // Longest first, so that one special token that begins another does not cut it short.
    const bySize = [...this.specialTokens].sort((x, y) => y.length - x.length);
    this.specials =
      bySize.length === 0 ? null : new RegExp(`(${bySize.map(escapeRegExp).join("|")})`);
  }

  /** How many tokens there are; ids run from 0 to one less. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of a token of the vocabulary. */
  id(token: string): number {
    const id = this.idOf.get(token);
    if (id === undefined) {
      throw new Error(`"${token}" is not a token of this vocabulary`);
    }
    return id;
  }

  /** The ids of `text`, or of its first `maxTokens` tokens, encoding no further than they reach. */
  encode(text: string, maxTokens = Infinity): number[] {
    const ids: number[] = [];
    const parts = this.specials === null ? [text] : text.split(this.specials);
    for (const [i, part] of parts.entries()) {
      // split() with a capturing group puts the special tokens at the odd places.
      if (i % 2 === 1) {
        ids.push(this.id(part));
      } else {
        for (const word of splitWords(part)) {
          ids.push(...this.encodeWord(word));
          if (ids.length >= maxTokens) {
            break;
          }
        }
      }
      if (ids.length >= maxTokens) {
        return ids.slice(0, maxTokens);
      }
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    let text = "";
    let bytes = "";
    for (const id of ids) {
      const token = this.tokens[id];
      if (token === undefined) {
        throw new RangeError(`token id ${id} is outside the vocabulary of ${this.size}`);
      }
      if (this.specialTokens.includes(token)) {
        text += fromByteChars(bytes) + token;
        bytes = "";
      } else {
        bytes += token;
      }
    }
    return text + fromByteChars(bytes);
  }

  private pairKey(a: number, b: number): number {
    return a * MAX_VOCAB_SIZE + b;
  }

  /** GPT-2's `bpe()`: merge the pair of lowest rank everywhere in the word, until none is left. */
  private encodeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) {
      return cached;
    }
    const symbols = toByteChars(word).map((char) => this.id(char));
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.rankOf.get(this.pairKey(symbols[i] as number, symbols[i + 1] as number));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      const [a, b] = this.merges[bestRank] as readonly [string, string];
      const merged = this.id(a + b);
      const left = symbols[best] as number;
      const right = symbols[best + 1] as number;
      for (let i = best; i < symbols.length - 1; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          symbols.splice(i, 2, merged);
        }
      }
    }
    if (this.cache.size >= CACHED_WORDS) {
      this.cache.clear();
    }
    this.cache.set(word, symbols);
    return symbols;
  }
}

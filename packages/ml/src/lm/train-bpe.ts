import { BYTE_CHARS, splitWords, toByteChars } from "./byte-level.js";
import { LmInputError } from "./lm-input-error.js";

/** What byte-level BPE training learns: the vocabulary (by id) and the merges in the order learnt. */
export interface BpeVocabulary {
  /** Token strings in id order: special tokens, the 256 byte characters, then one per merge. */
  readonly tokens: readonly string[];
  readonly specialTokens: readonly string[];
  readonly merges: readonly (readonly [string, string])[];
}

export interface TrainBpeOptions {
  /** The vocabulary's size, special tokens and the 256 byte characters included. */
  readonly vocabSize: number;
  readonly specialTokens?: readonly string[];
}

/** The largest vocabulary a pair key (two ids in one safe integer) can name. */
export const MAX_VOCAB_SIZE = 1 << 20;

const pairKey = (a: number, b: number): number => a * MAX_VOCAB_SIZE + b;

/** Words of one spelling, with how often they occur. */
interface WordCount {
  symbols: number[];
  readonly count: number;
}

/**
 * Merges the pair (a, b) into `merged` wherever it occurs in `word`, left to
 * right, and reports how the word's pair counts change: the same bookkeeping
 * as Hugging Face tokenizers' `Word::merge`, so that training here learns the
 * merges that library learns from the same words.
 */
function mergeWord(
  word: number[],
  a: number,
  b: number,
  merged: number,
  change: (pair: number, delta: number) => void,
): void {
  for (let i = 0; i < word.length - 1; i++) {
    if (word[i] !== a || word[i + 1] !== b) {
      continue;
    }
    if (i > 0) {
      const before = word[i - 1] as number;
      change(pairKey(before, a), -1);
      change(pairKey(before, merged), 1);
    }
    word.splice(i, 2, merged);
    if (i < word.length - 1) {
      const after = word[i + 1] as number;
      change(pairKey(b, after), -1);
      change(pairKey(merged, after), 1);
    }
  }
}

/**
 * Learns a byte-level BPE vocabulary from `texts` (Sennrich et al. 2016, on
 * bytes as GPT-2 does): starting from the 256 byte characters, the most
 * frequent adjacent pair within words is merged into a new token until the
 * vocabulary has `vocabSize` tokens or no pair is left to merge.
 * Ties go to the pair of smaller ids, and ids of the byte characters follow
 * their code points, as in Hugging Face's `BpeTrainer` with the `ByteLevel`
 * alphabet, so that both learn the same merges.
 */
export function trainBpe(texts: Iterable<string>, options: TrainBpeOptions): BpeVocabulary {
  const specialTokens = options.specialTokens ?? [];
  const alphabet = [...BYTE_CHARS].sort(
    (x, y) => (x.codePointAt(0) ?? 0) - (y.codePointAt(0) ?? 0),
  );
  const tokens: string[] = [...specialTokens, ...alphabet];
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < tokens.length) {
    throw new LmInputError(
      `vocabulary size ${options.vocabSize} is too small: the special tokens and the 256 byte characters alone take ${tokens.length}`,
    );
  }
  if (options.vocabSize > MAX_VOCAB_SIZE) {
    throw new LmInputError(
      `vocabulary size ${options.vocabSize} is above the limit of ${MAX_VOCAB_SIZE}`,
    );
  }
  const idOf = new Map(tokens.map((token, id) => [token, id]));

  const spellings = new Map<string, number>();
  for (const text of texts) {
    for (const word of splitWords(text)) {
      spellings.set(word, (spellings.get(word) ?? 0) + 1);
    }
  }
  const words: WordCount[] = [];
  for (const [word, count] of spellings) {
    words.push({ symbols: toByteChars(word).map((char) => idOf.get(char) as number), count });
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  words.forEach((word, w) => {
    for (let i = 0; i < word.symbols.length - 1; i++) {
      const pair = pairKey(word.symbols[i] as number, word.symbols[i + 1] as number);
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + word.count);
      let holders = pairWords.get(pair);
      if (holders === undefined) {
        holders = new Set();
        pairWords.set(pair, holders);
      }
      holders.add(w);
    }
  });

  const merges: [string, string][] = [];
  while (tokens.length < options.vocabSize) {
    let best = -1;
    let bestCount = 0;
    for (const [pair, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && count > 0 && pair < best)) {
        best = pair;
        bestCount = count;
      }
    }
    if (bestCount < 1) {
      break;
    }
    const a = Math.floor(best / MAX_VOCAB_SIZE);
    const b = best % MAX_VOCAB_SIZE;
    const text = `${tokens[a] ?? ""}${tokens[b] ?? ""}`;
    let merged = idOf.get(text);
    if (merged === undefined) {
      merged = tokens.length;
      tokens.push(text);
      idOf.set(text, merged);
    }
    merges.push([tokens[a] ?? "", tokens[b] ?? ""]);
    pairCounts.delete(best);
    for (const w of pairWords.get(best) ?? []) {
      const word = words[w] as WordCount;
      mergeWord(word.symbols, a, b, merged, (pair, delta) => {
        pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + delta * word.count);
        if (delta > 0) {
          let holders = pairWords.get(pair);
          if (holders === undefined) {
            holders = new Set();
            pairWords.set(pair, holders);
          }
          holders.add(w);
        }
      });
    }
    pairWords.delete(best);
  }
  return { tokens, specialTokens, merges };
}

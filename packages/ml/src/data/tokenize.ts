// Runs of letters, digits and underscores, joined across an inner apostrophe ("don't").
const WORD = /[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*/gu;

/**
 * Splits text into lowercase word tokens: runs of Unicode letters, digits and `_`, an
 * apostrophe inside a word kept ("don't" is one token). Punctuation and spaces separate
 * tokens and are dropped.
 * @example
 * tokenize("Hello, World! Don't"); // ["hello", "world", "don't"]
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

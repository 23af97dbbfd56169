import { hashText, MAX_SHINGLED_ELEMENTS } from "./minhash.js";

/** Characters per text shingle: about a word's worth, so a changed word changes a few. */
export const TEXT_SHINGLE_CHARS = 5;

/**
 * The most characters (or token ids) of a prompt read: a longer one is read
 * by its first and its last half of this, so a signature costs a few
 * milliseconds whatever the prompt's length.
 */
export const MAX_PROMPT_READ = 32_768;

/** A text as its shingles read it: lower case, each run of white space one space, trimmed. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, " ").trim();
}

/** The whole of a text or list, or its first and last halves of MAX_PROMPT_READ when longer. */
function ends<T extends string | readonly number[]>(whole: T): T[] {
  const half = MAX_PROMPT_READ / 2;
  return whole.length <= MAX_PROMPT_READ
    ? [whole]
    : [whole.slice(0, half) as T, whole.slice(whole.length - half) as T];
}

/** The top bits of a multiplicative (Fibonacci) hash of a shingle: what the sampling keeps it by. */
const rank = (shingle: number) => Math.imul(shingle, 0x9e3779b1) >>> 0;

/**
 * The distinct shingles of `shingles`, at most MAX_SHINGLED_ELEMENTS: when
 * there are more, those whose rank falls in the lowest 1/2^k of the range, for
 * the least k that leaves no more than that (adaptive sampling: the set halves
 * each time it grows past the bound). Which shingles are kept depends on the
 * set alone, not on where they occur. Sampling by position, as tensors are,
 * would not do for text: one character added near the start moves every
 * later shingle off the stride, and two prompts alike but for it would share
 * no samples.
 */
function sample(shingles: readonly number[]): number[] {
  let bound = 0x1_0000_0000;
  let kept = new Set<number>();
  for (const shingle of shingles) {
    if (rank(shingle) < bound) {
      kept.add(shingle);
      while (kept.size > MAX_SHINGLED_ELEMENTS) {
        bound /= 2;
        kept = new Set([...kept].filter((s) => rank(s) < bound));
      }
    }
  }
  return [...kept];
}

/** The hashes of each run of TEXT_SHINGLE_CHARS characters of a normalised text, or of the whole when shorter. */
function windows(t: string): number[] {
  if (t.length === 0) {
    return [];
  }
  if (t.length <= TEXT_SHINGLE_CHARS) {
    return [hashText(t)];
  }
  const out: number[] = [];
  for (let i = 0; i + TEXT_SHINGLE_CHARS <= t.length; i += 1) {
    // FNV-1a over the window in place, as hashText would hash its slice, without the slice.
    let h = 0x811c9dc5;
    for (let j = i; j < i + TEXT_SHINGLE_CHARS; j += 1) {
      h = Math.imul(h ^ t.charCodeAt(j), 0x01000193);
    }
    out.push(h >>> 0);
  }
  return out;
}

/**
 * The character shingles of a text, normalised (`normaliseText`): each run
 * of TEXT_SHINGLE_CHARS characters hashed as `hashText` hashes it, or the
 * whole text when it is shorter; none for a text of only white space. A text
 * longer than MAX_PROMPT_READ is read by its two ends, and at most
 * MAX_SHINGLED_ELEMENTS distinct shingles are kept, chosen by their hashes.
 *
 * @example textShingles("Call me  Ishmael") // hashText("call "), hashText("all m"), …
 */
export function textShingles(text: string): number[] {
  return sample(ends(text).flatMap((part) => windows(normaliseText(part))));
}

/**
 * The shingles of a prompt given as token ids: each id one shingle (its four
 * bytes FNV-1a hashed, little-endian), read and sampled as a text's are.
 */
export function tokenShingles(ids: readonly number[]): number[] {
  return sample(
    ends(ids).flatMap((part) =>
      part.map((id) => {
        let h = 0x811c9dc5;
        for (let shift = 0; shift < 32; shift += 8) {
          h = Math.imul(h ^ ((id >>> shift) & 0xff), 0x01000193);
        }
        return h >>> 0;
      }),
    ),
  );
}

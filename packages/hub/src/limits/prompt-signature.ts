import { minhash } from "./minhash.js";
import { textShingles, tokenShingles } from "./text-shingles.js";

/** A language model's prompt as its signature reads it: its texts, and its token ids. */
export interface PromptParts {
  readonly texts: readonly string[];
  readonly ids: readonly number[];
}

const isIds = (value: unknown): value is readonly number[] =>
  Array.isArray(value) && value.every((v) => typeof v === "number");

/**
 * The parts of a completion's `prompt` or an embeddings call's `input`: a
 * text, a list of texts, token ids, or a list of token id lists. Anything
 * else in the body (it is refused where it is served) is passed over.
 */
export function promptParts(value: unknown): PromptParts {
  const texts: string[] = [];
  const ids: number[] = [];
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (isIds(items)) {
    return { texts, ids: items };
  }
  for (const item of items) {
    if (typeof item === "string") {
      texts.push(item);
    } else if (isIds(item)) {
      // Not push(...item): a list of a million ids is more arguments than a call takes.
      for (const id of item) {
        ids.push(id);
      }
    }
  }
  return { texts, ids };
}

/** The parts of a chat's `messages`: each message's content, a text or a list of text parts. */
export function chatParts(messages: unknown): PromptParts {
  const texts: string[] = [];
  for (const message of Array.isArray(messages) ? (messages as unknown[]) : []) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === "string") {
      texts.push(content);
    } else if (Array.isArray(content)) {
      for (const part of content as unknown[]) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === "string") {
          texts.push(text);
        }
      }
    }
  }
  return { texts, ids: [] };
}

/**
 * The MinHash signature of a prompt: the character shingles of its texts,
 * joined by line breaks, and its token ids, or null when it holds neither.
 */
export function promptSignature(parts: PromptParts): Uint32Array | null {
  const shingles = [...textShingles(parts.texts.join("\n")), ...tokenShingles(parts.ids)];
  return shingles.length === 0 ? null : minhash(shingles);
}

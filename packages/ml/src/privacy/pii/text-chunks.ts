import { StringDecoder } from "node:string_decoder";

/** A text source: a file stream, stdin, or any iterable of strings or UTF-8 bytes. */
export type TextSource = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/**
 * Re-cuts a text stream into pieces that end just after a line break (the last
 * may end without one), so that no value is split between two pieces. Bytes are
 * decoded as UTF-8 across chunk boundaries.
 */
export async function* lineAlignedChunks(source: TextSource): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  for await (const chunk of source) {
    const text = carry + (typeof chunk === "string" ? chunk : decoder.write(chunk));
    const cut = text.lastIndexOf("\n") + 1;
    if (cut === 0) {
      carry = text;
      continue;
    }
    carry = text.slice(cut);
    yield text.slice(0, cut);
  }
  const rest = carry + decoder.end();
  if (rest !== "") {
    yield rest;
  }
}

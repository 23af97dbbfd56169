import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BpeTokenizer,
  BYTE_CHARS,
  END_OF_TEXT,
  TokenTextStream,
  trainBpe,
} from "../../src/lm/index.js";

const tokenizer = new BpeTokenizer(
  trainBpe(["中文的文字 café", "the stop word"], { vocabSize: 290, specialTokens: [END_OF_TEXT] }),
);

/** One token per UTF-8 byte: every character of more than one byte is split across tokens. */
const byteTokens = (text: string): number[] =>
  Array.from(new TextEncoder().encode(text), (byte) => tokenizer.id(BYTE_CHARS[byte] as string));

function streamAll(
  ids: readonly number[],
  stops: readonly string[] = [],
): { pieces: string[]; stream: TokenTextStream } {
  const stream = new TokenTextStream(tokenizer, stops);
  const pieces: string[] = [];
  for (const id of ids) {
    pieces.push(stream.push(id));
    if (stream.stopped) {
      break;
    }
  }
  pieces.push(stream.finish());
  return { pieces, stream };
}

describe("token text stream", () => {
  it("holds back a character split across tokens until it is whole, never showing U+FFFD", () => {
    const text = "héllo 中文 😀 ok";
    const { pieces, stream } = streamAll(byteTokens(text));
    assert.ok(pieces.every((piece) => !piece.includes("\uFFFD")));
    assert.equal(pieces.join(""), text);
    assert.equal(stream.text, text);
    // "h", then nothing for é's first byte, then "é" whole.
    assert.deepEqual(pieces.slice(0, 3), ["h", "", "é"]);
    // 😀 takes four bytes: three empty pieces, then the emoji.
    const emoji = pieces.indexOf("😀");
    assert.deepEqual(pieces.slice(emoji - 3, emoji), ["", "", ""]);
  });

  it("gives the tokenizer's own decoding for merged tokens and special tokens", () => {
    const ids = [...tokenizer.encode("中文的文字"), tokenizer.id(END_OF_TEXT), ...byteTokens("é")];
    const { pieces } = streamAll(ids);
    assert.equal(pieces.join(""), tokenizer.decode(ids));
    assert.ok(!pieces.join("").includes("\uFFFD"));
  });

  it("shows U+FFFD, as decode does, for bytes that cannot complete a character", () => {
    // A lone continuation byte, then a lead byte cut off by the end.
    const ids = [
      ...byteTokens("a"),
      tokenizer.id(BYTE_CHARS[0x80] as string),
      tokenizer.id(BYTE_CHARS[0xe4] as string),
    ];
    const { pieces } = streamAll(ids);
    assert.equal(pieces.join(""), tokenizer.decode(ids));
    assert.equal(pieces.join(""), "a\uFFFD\uFFFD");
  });

  it("cuts the text before a stop sequence and never streams a part of it", () => {
    const { pieces, stream } = streamAll(byteTokens("the stop word and more"), ["stop w"]);
    assert.ok(stream.stopped);
    assert.equal(stream.text, "the ");
    assert.equal(pieces.join(""), "the ");
    assert.ok(pieces.every((piece) => !piece.includes("s")));
  });

  it("releases held text once it stops looking like a stop sequence", () => {
    const { pieces, stream } = streamAll(byteTokens("the stop word"), ["stopper", "中"]);
    assert.ok(!stream.stopped);
    assert.equal(pieces.join(""), "the stop word");
    // "s", "t", "o", "p" are held while "stopper" may follow; " " releases them together.
    assert.ok(pieces.includes("stop "));
  });

  it("finds a stop sequence inside one token and one spanning tokens with a multi-byte character", () => {
    const merged = streamAll(tokenizer.encode("中文的文字"), ["文的"]);
    assert.equal(merged.stream.text, "中");
    assert.equal(merged.pieces.join(""), "中");
    const spanning = streamAll(byteTokens("café 中文"), ["é 中"]);
    assert.equal(spanning.stream.text, "caf");
    assert.equal(spanning.pieces.join(""), "caf");
  });

  it("refuses an empty stop sequence", () => {
    assert.throws(() => new TokenTextStream(tokenizer, [""]), /a stop sequence is empty/);
  });
});

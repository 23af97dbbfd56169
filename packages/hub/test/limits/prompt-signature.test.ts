import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  callInputs,
  chatParts,
  estimateJaccard,
  hashText,
  MAX_PROMPT_READ,
  MAX_SHINGLED_ELEMENTS,
  promptParts,
  promptSignature,
  textShingles,
  tokenShingles,
} from "../../src/limits/index.js";

const QUESTION =
  "You are a helpful assistant. Answer briefly and cite the chapter. Question: who is the captain of the Pequod, and what is he after?";

/** A seeded generator (mulberry32), so the long texts are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` words of three to eight random letters, seeded: few five-letter runs repeat. */
function words(count: number, seed: number): string {
  const next = random(seed);
  const letter = () => String.fromCharCode(97 + Math.floor(next() * 26));
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 + Math.floor(next() * 6) }, letter).join(""),
  ).join(" ");
}

const similarity = (a: Uint32Array | null, b: Uint32Array | null) => {
  assert.ok(a !== null && b !== null);
  return estimateJaccard(a, b);
};

describe("signatures of text prompts", () => {
  it("shingles a text as hashText hashes its five-character runs, after lower-casing and collapsing white space", () => {
    const text = "Call  me\tIshmael.\n Some years ago";
    const normal = "call me ishmael. some years ago";
    const expected = new Set(
      Array.from({ length: normal.length - 4 }, (_, i) => hashText(normal.slice(i, i + 5))),
    );
    assert.deepEqual(new Set(textShingles(text)), expected);
    assert.deepEqual(textShingles("  Hi! "), [hashText("hi!")]);
    assert.deepEqual(textShingles(" \n\t "), []);
  });

  it("finds prompts a word apart alike, unrelated prompts apart, and case and spacing no difference", () => {
    const sign = (text: string) => promptSignature({ texts: [text], ids: [] });
    const base = sign(QUESTION);
    assert.equal(similarity(base, sign(QUESTION.toUpperCase().replace(/ /g, "   "))), 1);
    assert.ok(similarity(base, sign(QUESTION.replace("Pequod", "Rachel"))) >= 0.8, "a word");
    assert.ok(similarity(base, sign(`${QUESTION} Thanks!`)) >= 0.8, "a word more");
    const other = sign("Translate into French: the weather is lovely today.");
    assert.ok(similarity(base, other) < 0.2, "unrelated");
  });

  it("reads a long text by its two ends and keeps a bounded sample of its shingles, alike for texts alike", () => {
    const sign = (text: string) => promptSignature({ texts: [text], ids: [] });
    const medium = words(5_000, 1);
    assert.ok(medium.length > 20_000 && medium.length < MAX_PROMPT_READ, `${medium.length}`);
    const shingles = textShingles(medium);
    assert.ok(
      shingles.length > MAX_SHINGLED_ELEMENTS / 4 && shingles.length <= MAX_SHINGLED_ELEMENTS,
      `${shingles.length} shingles`,
    );
    // Sampled by hash, not position: a character added at the start keeps the sample.
    assert.ok(similarity(sign(medium), sign(`x${medium}`)) >= 0.9, "one character added");
    assert.ok(similarity(sign(medium), sign(words(5_000, 2))) < 0.2, "unrelated texts");
    // A million characters: what lies between the two ends is not read.
    const start = words(10_000, 3);
    const end = words(10_000, 4);
    const long = `${start} ${words(200_000, 5)} ${end}`;
    assert.ok(long.length > 1_000_000);
    assert.deepEqual(sign(long), sign(`${start} ${words(200_000, 6)} ${end}`));
    assert.ok(textShingles(long).length <= MAX_SHINGLED_ELEMENTS, "bounded");
    assert.ok(similarity(sign(long), sign(`${end} ${start}`)) < 0.2, "other ends");
    // A text that repeats one shingle has one.
    assert.equal(textShingles("a".repeat(1_000_000)).length, 1);
  });

  it("signs token ids as shingles, a million of them read by their ends", () => {
    const ids = Array.from({ length: 300 }, (_, i) => (i * 7919) % 5000);
    const base = promptSignature({ texts: [], ids });
    assert.ok(
      similarity(
        base,
        promptSignature({ texts: [], ids: ids.map((v, i) => (i === 10 ? 4999 : v)) }),
      ) >= 0.8,
      "one id changed",
    );
    assert.equal(tokenShingles([]).length, 0);
    const many = Array.from({ length: 1_000_000 }, (_, i) => i % 2_000_000_000);
    assert.ok(tokenShingles(many).length <= MAX_SHINGLED_ELEMENTS, "bounded");
  });

  it("reads each endpoint's prompt field: texts, lists of texts, token ids, chat messages", () => {
    assert.deepEqual(promptParts("one"), { texts: ["one"], ids: [] });
    assert.deepEqual(promptParts(["one", "two"]), { texts: ["one", "two"], ids: [] });
    assert.deepEqual(promptParts([1, 2, 3]), { texts: [], ids: [1, 2, 3] });
    assert.deepEqual(promptParts([[1, 2], [3]]), { texts: [], ids: [1, 2, 3] });
    assert.deepEqual(promptParts([{ no: 1 }, null, 7n]), { texts: [], ids: [] });
    assert.deepEqual(
      chatParts([
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hello" }, { type: "image" }] },
        { role: "user" },
        null,
      ]),
      { texts: ["Be brief.", "Hello"], ids: [] },
    );
    assert.deepEqual(chatParts("not messages"), { texts: [], ids: [] });
    // A very long list of ids is read without spreading it into a call's arguments.
    assert.equal(promptParts([Array.from({ length: 500_000 }, () => 1)]).ids.length, 500_000);
  });

  it("gives the same text the same signature whichever endpoint it came to, and a hash of the prompt field only", () => {
    const chat = callInputs(
      "chat",
      { model: "m", messages: [{ role: "user", content: QUESTION }] },
      null,
    );
    const completion = callInputs("completions", { model: "m", prompt: QUESTION }, null);
    const embedding = callInputs("embeddings", { model: "m", input: [QUESTION] }, null);
    assert.deepEqual(completion.signature, chat.signature);
    assert.deepEqual(embedding.signature, chat.signature);
    assert.equal(chat.rows, 0);
    // The hash is the prompt's: settings beside it change nothing; any change in it does.
    const again = callInputs(
      "completions",
      { model: "other", prompt: QUESTION, temperature: 0.2, max_tokens: 3 },
      null,
    );
    assert.equal(again.inputHash, completion.inputHash);
    assert.notEqual(
      callInputs("completions", { prompt: `${QUESTION}!` }, null).inputHash,
      completion.inputHash,
    );
    assert.notEqual(
      callInputs("chat", { messages: [{ role: "system", content: QUESTION }] }, null).inputHash,
      chat.inputHash,
    );
    assert.match(chat.inputHash ?? "", /^[0-9a-f]{64}$/);
    // Endpoints without inputs, and bodies without the field, give nothing to compare.
    for (const [endpoint, body] of [
      ["models", undefined],
      ["metadata", undefined],
      ["chat", { prompt: QUESTION }],
      ["completions", null],
      ["embeddings", "text"],
    ] as const) {
      assert.deepEqual(callInputs(endpoint, body, null), {
        rows: 0,
        inputHash: null,
        signature: null,
      });
    }
    // A prompt of white space has a hash but nothing to compare.
    const blank = callInputs("completions", { prompt: "   " }, null);
    assert.equal(blank.signature, null);
    assert.notEqual(blank.inputHash, null);
  });
});

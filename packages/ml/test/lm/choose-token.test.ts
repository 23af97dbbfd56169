import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chooseToken,
  GREEDY,
  tokenProbabilities,
  type SamplingSettings,
} from "../../src/lm/index.js";
import { createRng } from "../../src/random/seeded.js";

const LOGITS = [2.0, 1.0, 0.5, -1.0, 0.0, 1.5];
const PLAIN: SamplingSettings = { ...GREEDY, temperature: 1 };

/** Probabilities by token id, 0 for the tokens left out. */
function byId(result: { ids: number[]; probabilities: number[] }): number[] {
  const out = LOGITS.map(() => 0);
  result.ids.forEach((id, i) => {
    out[id] = result.probabilities[i] ?? NaN;
  });
  return out;
}

function assertClose(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => {
    assert.ok(
      Math.abs(value - (expected[i] ?? NaN)) < 1e-12,
      `token ${i}: ${value}, expected ${expected[i]}`,
    );
  });
}

// Expected values from numpy: softmax of the logits after each setting's cut.
describe("choosing the next token", () => {
  it("divides the logits by the temperature", () => {
    assertClose(
      byId(tokenProbabilities(LOGITS, { ...PLAIN, temperature: 0.7 })),
      [
        0.521455748320926, 0.12496741054363171, 0.06117675354806455, 0.007177205710612431,
        0.02994856945822624, 0.255274312418539,
      ],
    );
  });

  it("keeps the k likeliest tokens with top-k", () => {
    const result = tokenProbabilities(LOGITS, { ...PLAIN, topK: 3 });
    assert.deepEqual(result.ids, [0, 5, 1]);
    assertClose(result.probabilities, [0.506480391055654, 0.3071958857184984, 0.1863237232258476]);
  });

  it("keeps the fewest likeliest tokens whose probabilities reach top-p", () => {
    // Cumulative: 0.4197, 0.6743, 0.8287 — the third token is the first to reach 0.8.
    const result = tokenProbabilities(LOGITS, { ...PLAIN, topP: 0.8 });
    assert.deepEqual(result.ids, [0, 5, 1]);
    assertClose(result.probabilities, [0.506480391055654, 0.3071958857184984, 0.18632372322584756]);
    assert.deepEqual(tokenProbabilities(LOGITS, { ...PLAIN, topP: 0.4 }).ids, [0]);
  });

  it("lowers generated tokens by the presence penalty once and the frequency penalty per time", () => {
    const counts = new Map([
      [0, 2],
      [5, 1],
    ]);
    const settings = { ...PLAIN, presencePenalty: 0.5, frequencyPenalty: 0.25 };
    assertClose(
      byId(tokenProbabilities(LOGITS, settings, counts)),
      [
        0.2571655207380749, 0.2571655207380749, 0.15597877294860749, 0.03480356858777837,
        0.09460590805768597, 0.20028070892977837,
      ],
    );
    // Greedy after the penalties: tokens 0 and 1 tie at 1.0, and the lower id wins.
    assert.equal(chooseToken(LOGITS, { ...settings, temperature: 0 }, counts, Math.random), 0);
    assert.equal(
      chooseToken(
        LOGITS,
        { ...settings, temperature: 0, frequencyPenalty: 0.3 },
        counts,
        Math.random,
      ),
      1,
    );
  });

  it("takes the likeliest token when the temperature is 0, whatever the draw", () => {
    for (const u of [0, 0.5, 0.999]) {
      assert.equal(
        chooseToken(LOGITS, GREEDY, new Map(), () => u),
        0,
      );
    }
  });

  it("draws tokens as often as their probabilities say", () => {
    const rng = createRng(7);
    const settings = { ...PLAIN, temperature: 0.7 };
    const draws = 20_000;
    const seen = LOGITS.map(() => 0);
    for (let i = 0; i < draws; i++) {
      const id = chooseToken(LOGITS, settings, new Map(), () => rng.next());
      seen[id] = (seen[id] ?? 0) + 1;
    }
    const expected = [
      0.521455748320926, 0.12496741054363171, 0.06117675354806455, 0.007177205710612431,
      0.02994856945822624, 0.255274312418539,
    ];
    expected.forEach((p, id) => {
      // Five standard deviations of a binomial count: a fair sampler fails this about once in 3.5 million runs.
      const sd = Math.sqrt(draws * p * (1 - p));
      assert.ok(
        Math.abs((seen[id] ?? 0) - draws * p) < 5 * sd,
        `token ${id} drawn ${seen[id]} times, expected about ${Math.round(draws * p)}`,
      );
    });
  });
});

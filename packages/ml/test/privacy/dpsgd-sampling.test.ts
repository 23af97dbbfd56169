import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng } from "../../src/random/seeded.js";
import { DpSgdLedger, poissonSample, privacySpent } from "../../src/privacy/index.js";

describe("poissonSample", () => {
  it("puts each row in a batch independently with probability q", () => {
    // Against the Binomial(n, q) batch size and Bernoulli(q) inclusion of each row.
    const rows = 40;
    const q = 0.3;
    const draws = 4000;
    const rng = createRng(17);
    const counts = new Float64Array(rows);
    const sizes: number[] = [];
    let pairs = 0;
    for (let d = 0; d < draws; d++) {
      const batch = poissonSample(rows, q, () => rng.next());
      assert.ok(
        batch.every(
          (r, i) =>
            Number.isInteger(r) && r >= 0 && r < rows && (i === 0 || r > (batch[i - 1] ?? -1)),
        ),
      );
      batch.forEach((r) => {
        counts[r] = (counts[r] ?? 0) + 1;
      });
      if (batch.includes(0) && batch.includes(1)) {
        pairs += 1;
      }
      sizes.push(batch.length);
    }
    const mean = sizes.reduce((a, b) => a + b, 0) / draws;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1);
    const nq = rows * q;
    const binomialVariance = rows * q * (1 - q);
    assert.ok(Math.abs(mean - nq) < 5 * Math.sqrt(binomialVariance / draws), `mean size ${mean}`);
    assert.ok(Math.abs(variance / binomialVariance - 1) < 0.12, `size variance ${variance}`);
    const se = Math.sqrt((q * (1 - q)) / draws);
    counts.forEach((c, r) => {
      assert.ok(Math.abs(c / draws - q) < 5 * se, `row ${r} in ${c} of ${draws} batches`);
    });
    // Two rows together as often as independence says: q².
    assert.ok(Math.abs(pairs / draws - q * q) < 5 * Math.sqrt((q * q * (1 - q * q)) / draws));
  });

  it("takes every row at q = 1 and can give an empty batch at a small q", () => {
    assert.deepEqual(
      poissonSample(5, 1, () => 0.5),
      [0, 1, 2, 3, 4],
    );
    const rng = createRng(3);
    const sizes = Array.from(
      { length: 200 },
      () => poissonSample(10, 0.01, () => rng.next()).length,
    );
    assert.ok(sizes.includes(0));
  });
});

describe("DpSgdLedger", () => {
  it("spends after t steps what the accountant gives for t steps", () => {
    const ledger = new DpSgdLedger({
      noiseMultiplier: 1.1,
      sampleRate: 0.01,
      delta: 1e-5,
      targetEpsilon: null,
    });
    for (const steps of [1, 10, 250, 1000]) {
      const expected = privacySpent({
        history: [{ noiseMultiplier: 1.1, sampleRate: 0.01, steps }],
        delta: 1e-5,
      });
      assert.deepEqual(ledger.spentAfter(steps), expected);
    }
    assert.equal(ledger.spent.epsilon, 0);
    ledger.step();
    ledger.step();
    assert.equal(ledger.steps, 2);
    assert.equal(ledger.spent.epsilon, ledger.spentAfter(2).epsilon);
  });

  it("refuses the step that would exceed the target", () => {
    const options = { noiseMultiplier: 1, sampleRate: 0.2, delta: 1e-5 };
    const at = (steps: number) =>
      privacySpent({ history: [{ ...options, steps }], delta: 1e-5 }).epsilon;
    const target = (at(5) + at(6)) / 2;
    const ledger = new DpSgdLedger({ ...options, targetEpsilon: target });
    let taken = 0;
    while (ledger.canStep()) {
      ledger.step();
      taken += 1;
    }
    assert.equal(taken, 5);
    assert.ok(ledger.spent.epsilon <= target);
  });
});

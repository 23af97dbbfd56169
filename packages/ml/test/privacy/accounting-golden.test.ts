// The accountant over the whole range the release policies rely on: sampling
// rates 0.001..1, noise multipliers 0.5..4, up to 10,000 steps, at Opacus's
// default orders. Opacus is not installable where this project is built, and
// neither is Google's dp-accounting; the reference is privacy-golden.json, written
// by packages/ml/scripts/privacy-golden.py, which computes the RDP of the sampled
// Gaussian mechanism from its definition in 30-digit arithmetic (exact binomial
// sums for integer orders, numerical integration for fractional ones) and converts
// it to epsilon with Opacus's formula (Balle et al. 2020, Theorem 21).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DEFAULT_RDP_ORDERS, computeRdp, privacySpent } from "../../src/privacy/index.js";

interface Golden {
  orders: number[];
  rdpPerStep: { q: number; sigma: number; rdp: number[] }[];
  epsilons: {
    q: number;
    sigma: number;
    steps: number;
    delta: number;
    epsilon: number;
    order: number;
  }[];
}

const golden = JSON.parse(
  readFileSync(new URL("./privacy-golden.json", import.meta.url), "utf8"),
) as Golden;

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe("RDP accountant against 30-digit reference values", () => {
  it("uses exactly the orders the Python reference (Opacus's DEFAULT_ALPHAS) uses", () => {
    assert.deepEqual([...DEFAULT_RDP_ORDERS], golden.orders);
  });

  it("computes the per-step RDP at every default order to 1e-6 relative (q 0.001..1, sigma 0.5..4)", () => {
    assert.equal(golden.rdpPerStep.length, 25);
    let worst = 0;
    for (const ref of golden.rdpPerStep) {
      const rdp = computeRdp({ sampleRate: ref.q, noiseMultiplier: ref.sigma, steps: 1 });
      rdp.forEach((r, i) => {
        const e = relErr(r, ref.rdp[i] ?? Number.NaN);
        worst = Math.max(worst, e);
        assert.ok(
          e < 1e-6,
          `q ${ref.q}, sigma ${ref.sigma}, order ${golden.orders[i]}: ${r} vs ${ref.rdp[i]}`,
        );
      });
    }
    assert.ok(worst < 1e-6);
  });

  it("gives the same epsilon and optimal order over 1..10,000 steps at delta 1e-5", () => {
    assert.equal(golden.epsilons.length, 100);
    for (const ref of golden.epsilons) {
      const spent = privacySpent({
        history: [{ sampleRate: ref.q, noiseMultiplier: ref.sigma, steps: ref.steps }],
        delta: ref.delta,
      });
      const label = `q ${ref.q}, sigma ${ref.sigma}, ${ref.steps} steps`;
      assert.ok(
        relErr(spent.epsilon, ref.epsilon) < 1e-6,
        `${label}: ${spent.epsilon} vs ${ref.epsilon}`,
      );
      assert.equal(spent.order, ref.order, label);
    }
  });
});

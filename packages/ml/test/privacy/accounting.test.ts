// Reference values published by Opacus and TensorFlow Privacy, each cited beside
// its use. Opacus itself cannot be installed where this project is built and
// tested, so its published test values stand in for running it; the grid test in
// accounting-golden.test.ts checks the rest of the range.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_RDP_ORDERS,
  PrivacyParameterError,
  RdpAccountant,
  computeRdp,
  noiseMultiplierFor,
  privacySpent,
  rdpToEpsilon,
} from "../../src/privacy/index.js";

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

function rejects(fn: () => unknown, parameter: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PrivacyParameterError, String(err));
    assert.equal(err.parameter, parameter);
    assert.match(err.message, message);
    return true;
  });
}

describe("default Rényi orders", () => {
  it("are Opacus's RDPAccountant.DEFAULT_ALPHAS (opacus/accountants/rdp.py)", () => {
    assert.equal(DEFAULT_RDP_ORDERS.length, 99 + 52);
    assert.equal(DEFAULT_RDP_ORDERS[0], 1.1);
    assert.equal(DEFAULT_RDP_ORDERS[1], 1.2);
    assert.equal(DEFAULT_RDP_ORDERS[98], 10.9);
    assert.equal(DEFAULT_RDP_ORDERS[99], 12);
    assert.equal(DEFAULT_RDP_ORDERS.at(-1), 63);
  });
});

describe("RDP of the sampled Gaussian mechanism", () => {
  it("matches TensorFlow Privacy's test_compute_rdp_scalar: q=0.1, sigma=2, 10 steps, order 5 -> 0.07737", () => {
    // repo tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py
    // (assertAlmostEqual(rdp_scalar, 0.07737, places=5))
    const [rdp] = computeRdp({ sampleRate: 0.1, noiseMultiplier: 2, steps: 10 }, [5]);
    assert.ok(Math.abs((rdp ?? 0) - 0.07737) < 5e-6);
  });

  it("matches TensorFlow Privacy's test_compute_rdp_sequence, integer and fractional orders", () => {
    // repo tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py:
    // compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]) within 1e-5
    const rdp = computeRdp(
      { sampleRate: 0.01, noiseMultiplier: 2.5, steps: 50 },
      [1.5, 2.5, 5, 50, 100],
    );
    const published = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
    rdp.forEach((r, i) => {
      assert.ok(Math.abs(r - (published[i] ?? 0)) < 1e-5, `order ${i}: ${r}`);
    });
  });

  it("is alpha / (2 sigma^2) per step without sampling (q = 1)", () => {
    // tensorflow_privacy rdp_accountant_test.py test_compute_rdp_no_sampling: q=1, sigma=10, order 20 -> 0.1
    assert.deepEqual(computeRdp({ sampleRate: 1, noiseMultiplier: 10, steps: 1 }, [20]), [0.1]);
  });
});

describe("epsilon from RDP (Opacus's conversion)", () => {
  it("matches Opacus's test_rdp_accountant: sigma 1.5, q 0.04, int(90/0.04) steps, delta 1e-5 -> 7.32911117143", () => {
    // repo pytorch/opacus, opacus/tests/accountants_test.py (assertAlmostEqual, 7 places)
    const accountant = new RdpAccountant();
    for (let i = 0; i < Math.trunc(90 / 0.04); i++) {
      accountant.step({ noiseMultiplier: 1.5, sampleRate: 0.04 });
    }
    assert.deepEqual(accountant.history, [{ noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250 }]);
    const epsilon = accountant.getEpsilon(1e-5);
    assert.ok(relErr(epsilon, 7.32911117143) < 1e-6, String(epsilon));
  });

  it("matches the heterogeneous-composition example of Opacus's rdp.py docstring -> (0.336, 23)", () => {
    // repo pytorch/opacus, opacus/accountants/analysis/rdp.py module docstring:
    // parameters [(1e-5, 1.0, 10), (1e-4, 3.0, 4)], orders 2..32, delta 1e-5 -> (0.336, 23)
    const orders = Array.from({ length: 31 }, (_, i) => i + 2);
    const spent = privacySpent({
      history: [
        { sampleRate: 1e-5, noiseMultiplier: 1, steps: 10 },
        { sampleRate: 1e-4, noiseMultiplier: 3, steps: 4 },
      ],
      delta: 1e-5,
      orders,
    });
    assert.equal(Number(spent.epsilon.toFixed(3)), 0.336);
    assert.equal(spent.order, 23);
  });

  it("adds RDP over a history: two entries spend what their summed RDP converts to", () => {
    const a = { noiseMultiplier: 1.1, sampleRate: 0.01, steps: 3000 };
    const b = { noiseMultiplier: 2, sampleRate: 0.05, steps: 700 };
    const ra = computeRdp(a);
    const rb = computeRdp(b);
    const summed = rdpToEpsilon(
      DEFAULT_RDP_ORDERS,
      ra.map((r, i) => r + (rb[i] ?? 0)),
      1e-5,
    );
    const spent = privacySpent({ history: [a, b], delta: 1e-5 });
    assert.equal(spent.epsilon, summed.epsilon);
    assert.ok(spent.epsilon > privacySpent({ history: [a], delta: 1e-5 }).epsilon);
  });

  it("has spent nothing before any step (like Opacus)", () => {
    assert.equal(new RdpAccountant().getEpsilon(1e-5), 0);
  });
});

describe("noise multiplier for a target epsilon", () => {
  it("matches Opacus's test_get_noise_multiplier_rdp_epochs: eps 8, delta 1e-5, q 0.04, 90 epochs -> 1.416", () => {
    // repo pytorch/opacus, opacus/tests/accountants_test.py (assertAlmostEqual, places=4)
    const result = noiseMultiplierFor({
      targetEpsilon: 8,
      delta: 1e-5,
      sampleRate: 0.04,
      epochs: 90,
    });
    assert.ok(Math.abs(result.noiseMultiplier - 1.416) < 5e-5, String(result.noiseMultiplier));
    assert.ok(result.epsilon <= 8 && result.epsilon >= 8 - 0.01);
  });

  it("matches Opacus's test_get_noise_multiplier_rdp_steps: eps 8, delta 1e-5, q 0.04, 2000 steps -> 1.3562", () => {
    // repo pytorch/opacus, opacus/tests/accountants_test.py (assertAlmostEqual, places=4)
    const result = noiseMultiplierFor({
      targetEpsilon: 8,
      delta: 1e-5,
      sampleRate: 0.04,
      steps: 2000,
    });
    assert.ok(Math.abs(result.noiseMultiplier - 1.3562) < 5e-5, String(result.noiseMultiplier));
  });

  it("never overshoots the target (Opacus's test_get_noise_multiplier_overshoot)", () => {
    for (const [epsilon, epochs, sampleRate, delta] of [
      [1, 10, 1e-2, 1e-4],
      [3.7, 55, 5e-3, 1e-6],
      [10, 100, 1e-1, 1e-5],
    ] as const) {
      const { noiseMultiplier } = noiseMultiplierFor({
        targetEpsilon: epsilon,
        delta,
        sampleRate,
        epochs,
      });
      const steps = Math.trunc(epochs / sampleRate);
      const spent = privacySpent({ history: [{ noiseMultiplier, sampleRate, steps }], delta });
      assert.ok(spent.epsilon < epsilon);
    }
  });

  it("refuses a target no noise multiplier up to 1e6 reaches, naming what to change", () => {
    rejects(
      () => noiseMultiplierFor({ targetEpsilon: 1e-6, delta: 1e-5, sampleRate: 1, steps: 10_000 }),
      "targetEpsilon",
      /cannot be reached.*raise epsilon or delta/,
    );
  });
});

describe("accounting input errors", () => {
  const ok = { noiseMultiplier: 1, sampleRate: 0.01, steps: 100 };
  it("rejects a sampling rate outside (0, 1]", () => {
    for (const sampleRate of [0, -0.1, 1.0001, Number.NaN]) {
      rejects(
        () => computeRdp({ ...ok, sampleRate }),
        "sampleRate",
        /sampleRate must lie in \(0, 1\]/,
      );
    }
  });

  it("rejects a noise multiplier <= 0", () => {
    rejects(() => computeRdp({ ...ok, noiseMultiplier: 0 }), "noiseMultiplier", /> 0, got 0/);
    rejects(
      () => {
        new RdpAccountant().step({ noiseMultiplier: -1, sampleRate: 0.1 });
      },
      "noiseMultiplier",
      /got -1/,
    );
  });

  it("rejects steps that are not a whole number and orders <= 1", () => {
    rejects(() => computeRdp({ ...ok, steps: 1.5 }), "steps", /whole number/);
    rejects(() => computeRdp(ok, [1, 2]), "orders", /orders\[0\] must be a finite number > 1/);
  });

  it("rejects delta outside (0, 1), epsilon <= 0, and steps with epochs together", () => {
    rejects(() => privacySpent({ history: [ok], delta: 0 }), "delta", /open interval \(0, 1\)/);
    rejects(() => privacySpent({ history: [ok], delta: 1 }), "delta", /open interval/);
    rejects(
      () => noiseMultiplierFor({ targetEpsilon: 0, delta: 1e-5, sampleRate: 0.1, steps: 10 }),
      "targetEpsilon",
      /> 0/,
    );
    rejects(
      () =>
        noiseMultiplierFor({
          targetEpsilon: 1,
          delta: 1e-5,
          sampleRate: 0.1,
          steps: 10,
          epochs: 1,
        }),
      "steps",
      /either steps or epochs/,
    );
    rejects(
      () => noiseMultiplierFor({ targetEpsilon: 1, delta: 1e-5, sampleRate: 0.1 }),
      "steps",
      /either steps or epochs/,
    );
  });
});

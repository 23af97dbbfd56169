// Statistical tests of the mechanisms' noise. Each check is at significance 0.001
// and draws from a seeded source with its own fixed seed, so it gives the same
// verdict on every run: a correct mechanism passes for ever, a broken one fails
// for ever (a fresh seed would fail a correct mechanism once in a thousand).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  estimateRandomisedResponseFrequencies,
  exponentialMechanism,
  gaussianMechanism,
  gaussianNoise,
  kAryRandomisedResponse,
  laplaceMechanism,
  outputGranularity,
  laplaceNoise,
  randomisedResponse,
  secureUniform,
  secureUniformPositive,
  secureUniformSource,
  seededUniformSource,
  type UniformSource,
} from "../../src/privacy/index.js";
import {
  CHI2_CRITICAL_001,
  chiSquared,
  ksCritical,
  ksCritical001,
  ksStatistic,
} from "./mechanisms-stats.js";

const golden = JSON.parse(
  readFileSync(new URL("./privacy-golden.json", import.meta.url), "utf8"),
) as {
  analyticGaussian: { epsilon: number; delta: number; sensitivity: number; sigma: number }[];
};

const N = 20_000;

function laplaceCdf(center: number, scale: number): (x: number) => number {
  return (x) =>
    x < center ? 0.5 * Math.exp((x - center) / scale) : 1 - 0.5 * Math.exp(-(x - center) / scale);
}

// The normal CDF by Abramowitz & Stegun 26.2.17 (absolute error < 7.5e-8, far
// below the KS critical value 0.0138 at n = 20,000): independent of the
// package's own erfc.
function normalCdf(center: number, sigma: number): (x: number) => number {
  return (x) => {
    const z = (x - center) / sigma;
    const t = 1 / (1 + 0.2316419 * Math.abs(z));
    const poly =
      t *
      (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
    const upper = (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
    return z >= 0 ? 1 - upper : upper;
  };
}

/** `count` draws of `draw`, each given `source`. */
function drawsWith<T>(source: UniformSource, count: number, draw: (s: UniformSource) => T): T[] {
  return Array.from({ length: count }, () => draw(source));
}

describe("secure uniform source", () => {
  it("gives 53-bit multiples in [0, 1) and the log-safe variant never returns 0", () => {
    const xs = Array.from({ length: N }, secureUniform);
    assert.ok(xs.every((x) => x >= 0 && x < 1 && Number.isInteger(x * 2 ** 53)));
    const ps = Array.from({ length: N }, secureUniformPositive);
    assert.ok(ps.every((x) => x > 0 && x < 1));
  });

  it("has no gross bias (KS at significance 1e-12, so a correct source never fails in practice)", () => {
    // A misplaced bit in the 53-bit layout halves the range (D = 0.5) or leaves
    // gaps; this catches that without making the build flaky.
    const xs = Array.from({ length: N }, secureUniform);
    const d = ksStatistic(xs, (x) => x);
    assert.ok(d < ksCritical(N, 1e-12), `D = ${d}`);
  });

  it("is what the mechanisms draw from when no source is given", () => {
    assert.equal(secureUniformSource.uniform, secureUniform);
    assert.equal(secureUniformSource.uniformPositive, secureUniformPositive);
    // Two unseeded calls agree with probability below 2^-40 for the float noise
    // and 2^-128 for the 128 nearly fair coin flips.
    assert.notEqual(laplaceNoise(1), laplaceNoise(1));
    assert.notEqual(gaussianNoise(1), gaussianNoise(1));
    assert.notEqual(
      laplaceMechanism(0, { sensitivity: 1, epsilon: 1 }),
      laplaceMechanism(0, { sensitivity: 1, epsilon: 1 }),
    );
    const flips = (): string =>
      Array.from({ length: 128 }, () => (randomisedResponse(true, 1e-9) ? "1" : "0")).join("");
    assert.notEqual(flips(), flips());
    const picks = (): string =>
      Array.from({ length: 64 }, () =>
        exponentialMechanism([0, 0, 0, 0], { sensitivity: 1, epsilon: 1 }),
      ).join("");
    assert.notEqual(picks(), picks());
  });
});

describe("seeded uniform source", () => {
  it("repeats every mechanism's draws exactly for the same seed", () => {
    const run = (seed: number): unknown[] => {
      const s = seededUniformSource(seed);
      return [
        laplaceNoise(3, s),
        laplaceMechanism(7, { sensitivity: 1, epsilon: 0.5 }, s),
        gaussianNoise(2, s),
        gaussianMechanism(1, { sensitivity: 1, epsilon: 1, delta: 1e-5 }, s),
        exponentialMechanism([1, 2, 3, 4, 5, 6, 7, 8], { sensitivity: 1, epsilon: 0.1 }, s),
        randomisedResponse(true, 0.1, s),
        kAryRandomisedResponse(2, 10, 0.1, s),
        s.uniform(),
        s.uniformPositive(),
      ];
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });

  it("gives uniform 53-bit doubles on [0, 1) (KS) and never 0 from the log-safe variant", () => {
    const source = seededUniformSource(1);
    const xs = Array.from({ length: N }, () => source.uniform());
    assert.ok(xs.every((x) => x >= 0 && x < 1 && Number.isInteger(x * 2 ** 53)));
    // The low word is used: a 32-bit uniform would be a multiple of 2^-32.
    assert.ok(xs.some((x) => !Number.isInteger(x * 2 ** 32)));
    const d = ksStatistic(xs, (x) => x);
    assert.ok(d < ksCritical001(N), `D = ${d}`);
    const ps = Array.from({ length: N }, () => source.uniformPositive());
    assert.ok(ps.every((x) => x > 0 && x < 1));
  });

  it("rejects a seed that is not a non-negative integer", () => {
    assert.throws(() => seededUniformSource(-1), /seed must be a non-negative integer, got -1/);
    assert.throws(() => seededUniformSource(1.5), /seed must be a non-negative integer/);
  });
});

describe("Laplace mechanism noise", () => {
  it("is Laplace with scale sensitivity / epsilon around the true value (KS)", () => {
    const value = 100;
    const samples = drawsWith(seededUniformSource(2), N, (s) =>
      laplaceMechanism(value, { sensitivity: 2, epsilon: 0.5 }, s),
    );
    const d = ksStatistic(samples, laplaceCdf(value, 4));
    assert.ok(d < ksCritical001(N), `D = ${d}, critical ${ksCritical001(N)}`);
  });

  it("is detected by the same test when the scale is 10% off", () => {
    const samples = drawsWith(seededUniformSource(3), N, (s) =>
      laplaceMechanism(0, { sensitivity: 1, epsilon: 1 }, s),
    );
    assert.ok(ksStatistic(samples, laplaceCdf(0, 1.1)) > ksCritical001(N));
  });

  it("releases multiples of a power-of-two lattice step, whatever the input's low bits", () => {
    const g = outputGranularity(1 / 0.3);
    assert.equal(Math.log2(g), Math.round(Math.log2(g)));
    // the smallest power of two >= 2^-40 scales
    assert.ok(g >= (1 / 0.3) * 2 ** -40 && g < (1 / 0.3) * 2 ** -39);
    for (const value of [0.1, 1 / 3, 12345.678901234]) {
      const out = laplaceMechanism(value, { sensitivity: 1, epsilon: 0.3 });
      assert.ok(Number.isInteger(out / g), `${out} is not a multiple of ${g}`);
    }
  });
});

describe("Gaussian mechanism noise", () => {
  it("has the classic sigma sqrt(2 ln(1.25/delta)) * sensitivity / epsilon (KS)", () => {
    // sqrt(2 ln(125000)) / 0.5 = 9.6965...
    const sigma = Math.sqrt(2 * Math.log(1.25 / 1e-5)) / 0.5;
    const samples = drawsWith(seededUniformSource(4), N, (s) =>
      gaussianMechanism(
        -3,
        { sensitivity: 1, epsilon: 0.5, delta: 1e-5, calibration: "classic" },
        s,
      ),
    );
    const d = ksStatistic(samples, normalCdf(-3, sigma));
    assert.ok(d < ksCritical001(N), `D = ${d}`);
  });

  it("has the analytic sigma of Balle & Wang, checked against a 30-digit solution (KS)", () => {
    const ref = golden.analyticGaussian.find((g) => g.epsilon === 3 && g.delta === 1e-6);
    assert.ok(ref !== undefined);
    const samples = drawsWith(seededUniformSource(5), N, (s) =>
      gaussianMechanism(0, { sensitivity: ref.sensitivity, epsilon: 3, delta: 1e-6 }, s),
    );
    assert.ok(ksStatistic(samples, normalCdf(0, ref.sigma)) < ksCritical001(N));
    // and a 10% wider normal is rejected by the same test
    assert.ok(ksStatistic(samples, normalCdf(0, ref.sigma * 1.1)) > ksCritical001(N));
  });

  it("draws plain N(0, sigma^2) noise on the lattice of sigma", () => {
    const samples = drawsWith(seededUniformSource(6), N, (s) => gaussianNoise(2.5, s));
    assert.ok(ksStatistic(samples, normalCdf(0, 2.5)) < ksCritical001(N));
    const g = outputGranularity(2.5);
    assert.ok(samples.slice(0, 100).every((x) => Number.isInteger(x / g)));
  });
});

describe("exponential mechanism selection", () => {
  it("picks candidate i with probability proportional to exp(eps * u_i / (2 * sensitivity)) (chi-squared)", () => {
    const utilities = [0, 1, 2, 3, 5];
    const epsilon = 1;
    const counts = utilities.map(() => 0);
    const source = seededUniformSource(7);
    for (let i = 0; i < N; i++) {
      const k = exponentialMechanism(utilities, { sensitivity: 1, epsilon }, source);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const weights = utilities.map((u) => Math.exp((epsilon * u) / 2));
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = weights.map((w) => (N * w) / total);
    const stat = chiSquared(counts, expected);
    assert.ok(stat < (CHI2_CRITICAL_001[4] ?? 0), `chi2 = ${stat}, counts ${counts.join(",")}`);
  });

  it("does not overflow with very large utilities", () => {
    const pick = exponentialMechanism([1e308, 1e308 - 1e300, -1e308], {
      sensitivity: 1,
      epsilon: 1,
    });
    assert.ok(pick === 0 || pick === 1);
  });
});

describe("randomised response", () => {
  it("binary: reports the truth with probability e^eps / (1 + e^eps) (chi-squared)", () => {
    const epsilon = Math.log(3); // keep probability 3/4
    let truthful = 0;
    const source = seededUniformSource(8);
    for (let i = 0; i < N; i++) {
      if (randomisedResponse(i % 2 === 0, epsilon, source) === (i % 2 === 0)) {
        truthful += 1;
      }
    }
    const stat = chiSquared([truthful, N - truthful], [0.75 * N, 0.25 * N]);
    assert.ok(stat < (CHI2_CRITICAL_001[1] ?? 0), `chi2 = ${stat}`);
  });

  it("k-ary: reported frequencies follow p*f + q*(1 - f) and the estimator recovers f (chi-squared)", () => {
    const k = 4;
    const epsilon = 1;
    const truth = [0.1, 0.2, 0.3, 0.4];
    const p = Math.E / (Math.E + k - 1);
    const q = 1 / (Math.E + k - 1);
    const reported = [0, 0, 0, 0];
    const source = seededUniformSource(9);
    truth.forEach((f, value) => {
      for (let i = 0; i < f * N; i++) {
        const r = kAryRandomisedResponse(value, k, epsilon, source);
        reported[r] = (reported[r] ?? 0) + 1;
      }
    });
    const expected = truth.map((f) => N * (p * f + q * (1 - f)));
    const stat = chiSquared(reported, expected);
    assert.ok(stat < (CHI2_CRITICAL_001[3] ?? 0), `chi2 = ${stat}`);
    // The estimate's standard deviation is about sqrt(r(1-r)/N)/(p-q) < 0.009 here;
    // 0.04 is more than 4 of them.
    const estimate = estimateRandomisedResponseFrequencies(reported, epsilon);
    estimate.forEach((f, i) => {
      assert.ok(Math.abs(f - (truth[i] ?? 0)) < 0.04, `f[${i}] = ${f}`);
    });
  });

  it("the estimator inverts the expected reported counts exactly (it is unbiased)", () => {
    const epsilon = 0.7;
    const k = 3;
    const truth = [0.5, 0.3, 0.2];
    const p = Math.exp(epsilon) / (Math.exp(epsilon) + k - 1);
    const q = 1 / (Math.exp(epsilon) + k - 1);
    const expectedCounts = truth.map((f) => 1e6 * (p * f + q * (1 - f)));
    // Whole counts: the expected counts are chosen to be integers up to rounding.
    const counts = expectedCounts.map((c) => Math.round(c));
    const estimate = estimateRandomisedResponseFrequencies(counts, epsilon);
    estimate.forEach((f, i) => {
      assert.ok(Math.abs(f - (truth[i] ?? 0)) < 1e-5);
    });
  });
});

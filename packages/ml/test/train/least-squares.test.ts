import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadBoston } from "../../src/data/index.js";
import { TrainInputError, leastSquares } from "../../src/train/index.js";
import { withIntercept } from "./helpers.js";

interface Case {
  name: string;
  rows: number;
  cols: number;
  x?: number[];
  y?: number[];
  coef: number[];
  condition: number;
}

// Coefficients from numpy.linalg.lstsq, written by scripts/train-golden.py.
const golden = JSON.parse(
  readFileSync(new URL("fixtures/least-squares.json", import.meta.url), "utf8"),
) as { cases: Case[] };

function assertClose(actual: Float64Array, expected: number[], condition: number): void {
  // Backward-stable solvers agree to about cond(x) · machine epsilon, relative to ‖b‖.
  const scale = Math.max(...expected.map(Math.abs));
  const tolerance = 100 * condition * Number.EPSILON * scale;
  expected.forEach((e, j) => {
    assert.ok(
      Math.abs((actual[j] ?? Number.NaN) - e) <= tolerance,
      `coefficient ${j}: ${actual[j]} vs numpy ${e} (tolerance ${tolerance})`,
    );
  });
}

describe("leastSquares", () => {
  for (const c of golden.cases.filter((k) => k.x !== undefined)) {
    it(`matches numpy.linalg.lstsq on ${c.name}`, () => {
      const coef = leastSquares(
        Float64Array.from(c.x ?? []),
        Float64Array.from(c.y ?? []),
        c.rows,
        c.cols,
      );
      assertClose(coef, c.coef, c.condition);
    });
  }

  it("matches numpy.linalg.lstsq on unscaled Boston with an intercept", () => {
    const c = golden.cases.find((k) => k.name === "boston-raw-with-intercept");
    assert.ok(c);
    const boston = loadBoston();
    const cols = boston.featureNames.length + 1;
    const coef = leastSquares(withIntercept(boston.x, cols - 1), boston.y, boston.y.length, cols);
    assertClose(coef, c.coef, c.condition);
  });

  it("rejects a column that is a multiple of another", () => {
    const x = Float64Array.from([1, 2, 2, 4, 3, 6, 4, 8]);
    assert.throws(
      () => leastSquares(x, Float64Array.from([1, 2, 3, 4]), 4, 2),
      (e: unknown) =>
        e instanceof TrainInputError && /column 1 .*linear combination/.test(e.message),
    );
  });

  it("rejects shapes that do not fit and values that are not finite", () => {
    const y = Float64Array.from([1, 2, 3]);
    assert.throws(
      () => leastSquares(new Float64Array(5), y, 3, 2),
      /x has 5 values but rows × cols is 3 × 2/,
    );
    assert.throws(
      () => leastSquares(new Float64Array(6), y.subarray(0, 2), 3, 2),
      /y has 2 values but x has 3 rows/,
    );
    assert.throws(
      () => leastSquares(new Float64Array(6), y.subarray(0, 2), 2, 3),
      /at least as many rows as columns/,
    );
    assert.throws(
      () => leastSquares(Float64Array.from([1, 0, 1, Number.NaN, 1, 2]), y, 3, 2),
      /x row 1, column 1: NaN is not a finite number/,
    );
  });
});

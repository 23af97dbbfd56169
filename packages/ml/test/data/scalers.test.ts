import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DataError,
  loadBoston,
  loadIris,
  MinMaxScaler,
  StandardScaler,
} from "../../src/data/index.js";
import type { TabularDataset } from "../../src/data/index.js";
import { assertClose, golden } from "./golden.js";

const small: TabularDataset = {
  name: "small",
  task: "regression",
  featureNames: ["a", "b", "c"],
  targetName: "t",
  x: Float64Array.from(golden.small.x.flat()),
  y: new Float64Array(golden.small.x.length),
  classes: [],
};
const smallNew = Float64Array.from(golden.small.new.flat());

describe("StandardScaler (scikit-learn reference values)", () => {
  for (const [name, data, fresh] of [
    ["iris", loadIris(), loadIris().x.slice(0, 20)],
    ["boston", loadBoston(), loadBoston().x.slice(0, 65)],
    ["small", small, smallNew],
  ] as const) {
    it(`fits mean, population variance and scale of ${name} and transforms as sklearn`, () => {
      const expected = golden.standardScaler[name];
      assert.ok(expected);
      const scaler = new StandardScaler().fit(data);
      assertClose(scaler.mean, expected.mean);
      assertClose(scaler.variance, expected.var, 1e-10);
      assertClose(scaler.scale, expected.scale, 1e-10);
      assertClose(scaler.transform(fresh), expected.transformed.flat(), 1e-10);
      assert.ok(Array.isArray(scaler.mean) && Array.isArray(scaler.scale));
    });
  }

  it("keeps scale 1 for a constant column, so it maps to 0 instead of NaN", () => {
    const scaler = new StandardScaler().fit(small);
    assert.deepEqual(scaler.scale.slice(1), [1, 1]);
    const out = scaler.transform(small.x);
    assert.equal(out[1], 0);
    assert.ok(Math.abs(out[2] ?? 1) < 1e-15);
  });

  it("refuses transform before fit, a matrix of the wrong width, and NaN in training data", () => {
    assert.throws(() => new StandardScaler().transform(new Float64Array(3)), /called before fit/);
    const scaler = new StandardScaler().fit(small);
    assert.throws(
      () => scaler.transform(new Float64Array(4)),
      /StandardScaler.transform: 4 values do not make rows of 3 features/,
    );
    const bad = { ...small, x: Float64Array.from([1, 2, 3, 4, Number.NaN, 6]) };
    assert.throws(
      () => new StandardScaler().fit(bad),
      (e: unknown) =>
        e instanceof DataError &&
        e.message === 'StandardScaler.fit on "small": row 2, column "b" is NaN' &&
        e.row === 2,
    );
  });
});

describe("MinMaxScaler (scikit-learn reference values)", () => {
  for (const [name, data, fresh] of [
    ["boston", loadBoston(), loadBoston().x.slice(0, 65)],
    ["small", small, smallNew],
  ] as const) {
    it(`fits data range, scale and min of ${name} and transforms as sklearn`, () => {
      const expected = golden.minMaxScaler[name];
      assert.ok(expected);
      const scaler = new MinMaxScaler().fit(data);
      assert.deepEqual(scaler.dataMin, expected.dataMin);
      assert.deepEqual(scaler.dataMax, expected.dataMax);
      assertClose(scaler.scale, expected.scale);
      assertClose(scaler.min, expected.min);
      assertClose(scaler.transform(fresh), expected.transformed.flat());
    });
  }

  it("maps the training data into [0, 1] with the extremes at 0 and 1", () => {
    const boston = loadBoston();
    const out = new MinMaxScaler().fit(boston).transform(boston.x);
    assert.ok(out.every((v) => v >= 0 && v <= 1 + 1e-15));
    assert.equal(Math.min(...out), 0);
  });

  it("refuses transform before fit", () => {
    assert.throws(
      () => new MinMaxScaler().transform(new Float64Array(3)),
      /MinMaxScaler.transform called before fit/,
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DataError,
  loadBoston,
  loadIris,
  loadSpamAssassin,
  trainTestSplit,
  trainValTestSplit,
} from "../../src/data/index.js";
import type { TabularDataset } from "../../src/data/index.js";
import { golden } from "./golden.js";

function labelled(classSizes: readonly number[]): TabularDataset {
  const y = Float64Array.from(classSizes.flatMap((size, c) => new Array<number>(size).fill(c)));
  return {
    name: "labelled",
    task: "classification",
    featureNames: ["i"],
    targetName: "c",
    x: Float64Array.from(y, (_, i) => i),
    y,
    classes: classSizes.map((_, c) => `c${c}`),
  };
}

function classCounts(y: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) {
    const c = y[i] ?? 0;
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}

describe("trainTestSplit", () => {
  it("gives the same split for the same seed and another for another seed", () => {
    const iris = loadIris();
    const a = trainTestSplit(iris, { testFraction: 0.2, seed: 42 });
    const b = trainTestSplit(iris, { testFraction: 0.2, seed: 42 });
    const c = trainTestSplit(iris, { testFraction: 0.2, seed: 43 });
    assert.deepEqual(a.testIndices, b.testIndices);
    assert.deepEqual(a.trainIndices, b.trainIndices);
    assert.notDeepEqual(a.testIndices, c.testIndices);
  });

  it("partitions the rows and copies each row with its label", () => {
    const iris = loadIris();
    const { train, test, trainIndices, testIndices } = trainTestSplit(iris, {
      testFraction: 0.3,
      seed: 1,
    });
    assert.equal(testIndices.length, 45);
    assert.equal(trainIndices.length, 105);
    assert.deepEqual(
      [...trainIndices, ...testIndices].sort((p, q) => p - q),
      Array.from({ length: 150 }, (_, i) => i),
    );
    testIndices.forEach((row, k) => {
      assert.deepEqual(
        [...test.x.subarray(k * 4, k * 4 + 4)],
        [...iris.x.subarray(row * 4, row * 4 + 4)],
      );
      assert.equal(test.y[k], iris.y[row]);
    });
    assert.equal(train.y.length, 105);
  });

  for (const g of golden.stratified) {
    it(`stratifies class sizes ${g.classSizes.join("/")} at test fraction ${g.testSize} as StratifiedShuffleSplit`, () => {
      const data = labelled(g.classSizes);
      for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
        const split = trainTestSplit(data, { testFraction: g.testSize, seed });
        const outcome = {
          train: classCounts(split.train.y, g.classSizes.length),
          test: classCounts(split.test.y, g.classSizes.length),
        };
        assert.ok(
          g.outcomes.some((o) => JSON.stringify(o) === JSON.stringify(outcome)),
          `seed ${seed}: ${JSON.stringify(outcome)} is not among scikit-learn's ${JSON.stringify(g.outcomes)}`,
        );
      }
    });
  }

  it("stratifies text datasets by label", () => {
    const spam = loadSpamAssassin();
    const { test } = trainTestSplit(spam, { testFraction: 0.2, seed: 3 });
    // 4150 ham and 1896 spam; scikit-learn gives 831 and 379 (data-golden.json).
    assert.deepEqual(classCounts(test.labels, 2), [831, 379]);
    assert.equal(test.texts.length, 1210);
  });

  it("does not stratify regression data and refuses to when asked", () => {
    const boston = loadBoston();
    const { test } = trainTestSplit(boston, { testFraction: 0.25, seed: 9 });
    assert.equal(test.y.length, 127);
    assert.throws(
      () => trainTestSplit(boston, { testFraction: 0.25, seed: 9, stratify: true }),
      (e: unknown) =>
        e instanceof DataError &&
        e.message === 'cannot stratify dataset "boston": it is a regression dataset',
    );
  });

  it("refuses a class of one row, a fraction out of range and a test set smaller than the class count", () => {
    assert.throws(
      () => trainTestSplit(labelled([5, 1]), { testFraction: 0.5, seed: 0 }),
      /class index 1 has only 1 row \(need at least 2\); pass stratify: false/,
    );
    assert.throws(
      () => trainTestSplit(loadIris(), { testFraction: 1.2, seed: 0 }),
      /testFraction must be a number in \(0, 1\), got 1.2/,
    );
    assert.throws(
      () => trainTestSplit(loadIris(), { testFraction: 0.01, seed: 0 }),
      /a part of 2 rows cannot hold all 3 classes/,
    );
    // Without stratification a class of one row is fine.
    assert.equal(
      trainTestSplit(labelled([5, 1]), { testFraction: 0.5, seed: 0, stratify: false }).test.y
        .length,
      3,
    );
  });
});

describe("trainValTestSplit", () => {
  it("splits into three disjoint stratified parts of exact sizes, repeatably", () => {
    const iris = loadIris();
    const s = trainValTestSplit(iris, { valFraction: 0.2, testFraction: 0.2, seed: 5 });
    assert.equal(s.valIndices.length, 30);
    assert.equal(s.testIndices.length, 30);
    assert.equal(s.trainIndices.length, 90);
    assert.equal(new Set([...s.trainIndices, ...s.valIndices, ...s.testIndices]).size, 150);
    assert.deepEqual(classCounts(s.val.y, 3), [10, 10, 10]);
    assert.deepEqual(classCounts(s.test.y, 3), [10, 10, 10]);
    assert.deepEqual(
      trainValTestSplit(iris, { valFraction: 0.2, testFraction: 0.2, seed: 5 }).valIndices,
      s.valIndices,
    );
  });

  it("refuses fractions that leave no training rows", () => {
    assert.throws(
      () => trainValTestSplit(loadIris(), { valFraction: 0.5, testFraction: 0.5, seed: 0 }),
      /valFraction 0.5 and testFraction 0.5 leave no training rows out of 150 in dataset "iris"/,
    );
  });
});

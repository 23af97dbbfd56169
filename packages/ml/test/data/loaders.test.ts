import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DataError,
  isTextDataset,
  loadBoston,
  loadBuiltin,
  loadCpsWages,
  loadIris,
  loadSpamAssassin,
} from "../../src/data/index.js";

describe("built-in datasets", () => {
  it("loads Iris: 150 rows of 4 features, classes in documented order, first row known", () => {
    const iris = loadIris();
    assert.equal(iris.task, "classification");
    assert.deepEqual(iris.classes, ["setosa", "versicolor", "virginica"]);
    assert.equal(iris.featureNames.length, 4);
    assert.equal(iris.y.length, 150);
    assert.equal(iris.x.length, 600);
    assert.deepEqual([...iris.x.subarray(0, 4)], [5.1, 3.5, 1.4, 0.2]);
    assert.equal(iris.y[0], 0);
    // UCI iris.data row 150: 5.9,3.0,5.1,1.8,Iris-virginica
    assert.deepEqual([...iris.x.subarray(596, 600)], [5.9, 3, 5.1, 1.8]);
    assert.equal(iris.y[149], 2);
    const counts = [0, 0, 0];
    iris.y.forEach((c) => (counts[c] = (counts[c] ?? 0) + 1));
    assert.deepEqual(counts, [50, 50, 50]);
  });

  it("loads Boston: 506 rows, 13 features, target medv, first row as published", () => {
    const boston = loadBoston();
    assert.equal(boston.task, "regression");
    assert.equal(boston.targetName, "medv");
    assert.equal(boston.featureNames.length, 13);
    assert.equal(boston.y.length, 506);
    assert.equal(boston.x.length, 506 * 13);
    // First row of Harrison & Rubinfeld's data as in StatLib's boston file.
    assert.deepEqual(
      [...boston.x.subarray(0, 13)],
      [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9, 4.98],
    );
    assert.equal(boston.y[0], 24);
    assert.deepEqual(boston.classes, []);
  });

  it("loads CPS wages with one-hot categorical columns", () => {
    const cps = loadCpsWages();
    assert.equal(cps.task, "regression");
    assert.equal(cps.targetName, "wage");
    assert.equal(cps.y.length, 534);
    assert.deepEqual(cps.featureNames, [
      "education",
      "south",
      "experience",
      "union",
      "age",
      "married",
      "gender=female",
      "gender=male",
      "race=hispanic",
      "race=other",
      "race=white",
      "occupation=clerical",
      "occupation=management",
      "occupation=other",
      "occupation=professional",
      "occupation=sales",
      "occupation=service",
      "sector=construction",
      "sector=manufacturing",
      "sector=other",
    ]);
    const d = cps.featureNames.length;
    // First record: education 8, female, experience 21, union, wage 5.1, age 35, hispanic, other, manufacturing.
    assert.deepEqual(
      [...cps.x.subarray(0, d)],
      [8, 0, 21, 1, 35, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
    );
    assert.equal(cps.y[0], 5.1);
    // Each categorical block holds exactly one 1 per row.
    for (let i = 0; i < cps.y.length; i++) {
      const row = cps.x.subarray(i * d, i * d + d);
      const blocks = [
        [6, 8],
        [8, 11],
        [11, 17],
        [17, 20],
      ] as const;
      for (const [from, to] of blocks) {
        assert.equal(
          row.subarray(from, to).reduce((a, b) => a + b, 0),
          1,
        );
      }
    }
  });

  it("loads SpamAssassin as ham/spam texts with routing headers removed", () => {
    const spam = loadSpamAssassin();
    assert.deepEqual(spam.classes, ["ham", "spam"]);
    assert.equal(spam.texts.length, 6046);
    assert.equal(spam.labels.length, 6046);
    // Package groups: easy-ham-1 2500, easy-ham-2 1400, hard-ham-1 250, spam-1 500, spam-2 1396.
    assert.equal(
      spam.labels.reduce((a, b) => a + b, 0),
      1896,
    );
    const first = spam.texts[0] ?? "";
    assert.ok(first.startsWith("Re: New Sequences Window\n\n"), first.slice(0, 80));
    assert.ok(!first.includes("Return-Path:"));
    assert.ok(!spam.texts.some((t) => t.startsWith("From ") && t.includes("\nReceived: ")));
  });

  it("loads by name and lists the valid names for an unknown one", () => {
    assert.equal(loadBuiltin("iris").y.length, 150);
    assert.ok(isTextDataset(loadBuiltin("spam")));
    assert.throws(
      () => loadBuiltin("mnist"),
      (e: unknown) =>
        e instanceof DataError &&
        e.message ===
          'unknown built-in dataset "mnist"; valid names are "iris", "boston", "spam", "cps-wages"',
    );
  });
});

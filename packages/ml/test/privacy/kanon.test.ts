import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  KAnonymityError,
  checkKAnonymity,
  createRng,
  mondrian,
  type Table,
} from "../../src/index.js";

// Figure 2 of Machanavajjhala, Kifer, Gehrke and Venkitasubramaniam, "l-Diversity:
// Privacy Beyond k-Anonymity" (ICDE 2006; ACM TKDD 2007): the 4-anonymous inpatient
// table whose third block all has cancer (the homogeneity attack).
const INPATIENT: Table = {
  columns: ["zip", "age", "nationality", "condition"],
  rows: [
    ["130**", "<30", "*", "Heart Disease"],
    ["130**", "<30", "*", "Heart Disease"],
    ["130**", "<30", "*", "Viral Infection"],
    ["130**", "<30", "*", "Viral Infection"],
    ["1485*", "≥40", "*", "Cancer"],
    ["1485*", "≥40", "*", "Heart Disease"],
    ["1485*", "≥40", "*", "Viral Infection"],
    ["1485*", "≥40", "*", "Viral Infection"],
    ["130**", "3*", "*", "Cancer"],
    ["130**", "3*", "*", "Cancer"],
    ["130**", "3*", "*", "Cancer"],
    ["130**", "3*", "*", "Cancer"],
  ],
};
const QI = ["zip", "age", "nationality"];

// Six patients: ages 25–28 and three zip codes, worked through by hand below.
const PATIENTS: Table = {
  columns: ["age", "sex", "zip", "disease"],
  rows: [
    ["25", "Male", "53711", "Flu"],
    ["25", "Female", "53712", "Hepatitis"],
    ["26", "Male", "53711", "Bronchitis"],
    ["27", "Male", "53710", "Broken Arm"],
    ["27", "Female", "53712", "AIDS"],
    ["28", "Male", "53711", "Hepatitis"],
  ],
};

describe("checkKAnonymity", () => {
  it("finds k = 4 and distinct l = 1 in the l-diversity paper's 4-anonymous table", () => {
    const report = checkKAnonymity(INPATIENT, {
      quasiIdentifiers: QI,
      k: 4,
      sensitive: "condition",
      l: 2,
    });
    assert.equal(report.k, 4);
    assert.equal(report.classes, 3);
    assert.equal(report.recordsAtRisk, 0);
    assert.equal(report.satisfiesK, true);
    assert.equal(report.l, 1);
    assert.equal(report.classesBelowL, 1);
    assert.equal(report.recordsBelowL, 4);
    assert.equal(report.satisfiesL, false);
  });

  it("counts the records at risk in classes smaller than the requested k", () => {
    const report = checkKAnonymity(PATIENTS, { quasiIdentifiers: ["age", "sex"], k: 2 });
    // Classes: (25,M) (25,F) (26,M) (27,M) (27,F) (28,M): all singletons.
    assert.equal(report.k, 1);
    assert.equal(report.classes, 6);
    assert.equal(report.recordsAtRisk, 6);
    assert.equal(report.satisfiesK, false);
    const bySex = checkKAnonymity(PATIENTS, { quasiIdentifiers: ["sex"], k: 3 });
    assert.deepEqual(
      [bySex.k, bySex.classes, bySex.recordsAtRisk, bySex.classesAtRisk],
      [2, 2, 2, 1],
    );
  });

  it("names the columns when a quasi-identifier is not one, and refuses k above the row count", () => {
    assert.throws(
      () => checkKAnonymity(PATIENTS, { quasiIdentifiers: ["age", "postcode"] }),
      (err: unknown) =>
        err instanceof KAnonymityError &&
        err.message ===
          'quasi-identifier "postcode" is not a column; the columns are age, sex, zip, disease',
    );
    assert.throws(
      () => checkKAnonymity(PATIENTS, { quasiIdentifiers: ["age"], k: 7 }),
      /k = 7 is larger than the table \(6 rows\)/,
    );
    assert.throws(
      () => checkKAnonymity(PATIENTS, { quasiIdentifiers: ["age"], k: 0 }),
      /k must be a whole number ≥ 1/,
    );
    assert.throws(
      () => checkKAnonymity({ columns: ["a"], rows: [] }, { quasiIdentifiers: ["a"] }),
      /the table has no rows/,
    );
    assert.throws(
      () => checkKAnonymity(PATIENTS, { quasiIdentifiers: ["age"], sensitive: "age" }),
      /also a quasi-identifier/,
    );
  });
});

describe("mondrian", () => {
  it("cuts at the median of the widest normalised range, as worked by hand", () => {
    // Root: age range 3/3 = 1, zip range 2/2 = 1; the tie goes to the first QI, age.
    // Lower median of 25,25,26,27,27,28 is 26: {25,25,26} | {27,27,28}.
    // Left: zip width 1/2 > age 1/3, but zip ≤ 53711 leaves one record on the right
    // side, and so does age ≤ 25: no allowed cut. Right: likewise. Two classes of 3.
    const result = mondrian(PATIENTS, { quasiIdentifiers: ["age", "zip"], k: 2 });
    assert.deepEqual(
      result.table.rows.map((r) => [r[0], r[2]]),
      [
        ["25-26", "53711-53712"],
        ["25-26", "53711-53712"],
        ["25-26", "53711-53712"],
        ["27-28", "53710-53712"],
        ["27-28", "53710-53712"],
        ["27-28", "53710-53712"],
      ],
    );
    assert.equal(result.classes, 2);
    assert.equal(result.smallestClass, 3);
    // NCP: age (3·1/3 + 3·1/3)/6 = 1/3; zip (3·1/2 + 3·1)/6 = 3/4; mean 13/24.
    assert.ok(Math.abs((result.informationLoss.ncpByQuasiIdentifier.age ?? 0) - 1 / 3) < 1e-12);
    assert.ok(Math.abs((result.informationLoss.ncpByQuasiIdentifier.zip ?? 0) - 0.75) < 1e-12);
    assert.ok(Math.abs(result.informationLoss.ncp - 13 / 24) < 1e-12);
    assert.equal(result.informationLoss.discernibility, 18);
    assert.equal(result.informationLoss.normalizedAverageClassSize, 1.5);
    // Other columns pass through unchanged.
    assert.deepEqual(
      result.table.rows.map((r) => r[3]),
      PATIENTS.rows.map((r) => r[3]),
    );
  });

  it("writes categories as sets, or as the common ancestor in a supplied hierarchy", () => {
    const marital: Table = {
      columns: ["status", "income"],
      rows: [["Married-civ"], ["Married-AF"], ["Divorced"], ["Never-married"]].map(([s], i) => [
        s ?? "",
        String(i),
      ]),
    };
    const hierarchy = [
      ["Married-civ", "Married", "*"],
      ["Married-AF", "Married", "*"],
      ["Divorced", "Not-married", "*"],
      ["Never-married", "Not-married", "*"],
    ];
    const withTree = mondrian(marital, {
      quasiIdentifiers: ["status"],
      k: 2,
      hierarchies: { status: hierarchy },
    });
    assert.deepEqual(
      withTree.table.rows.map((r) => r[0]),
      ["Married", "Married", "Not-married", "Not-married"],
    );
    // Each class covers 2 of the 4 leaves.
    assert.equal(withTree.informationLoss.ncp, 0.5);
    assert.equal(withTree.kinds.status, "hierarchy");
    // Without a hierarchy the sorted categories are cut at their median:
    // Divorced, Married-AF | Married-civ, Never-married.
    const asSets = mondrian(marital, { quasiIdentifiers: ["status"], k: 2 });
    assert.deepEqual(
      asSets.table.rows.map((r) => r[0]),
      [
        "{Married-civ,Never-married}",
        "{Divorced,Married-AF}",
        "{Divorced,Married-AF}",
        "{Married-civ,Never-married}",
      ],
    );
    assert.throws(
      () =>
        mondrian(marital, {
          quasiIdentifiers: ["status"],
          k: 2,
          hierarchies: { status: hierarchy.slice(1) },
        }),
      /row 1, column "status": "Married-civ" is not a leaf/,
    );
  });

  it("always gives classes of at least k and keeps every record, on random tables", () => {
    const rng = createRng(42);
    for (let trial = 0; trial < 20; trial++) {
      const n = 30 + rng.int(200);
      const k = 2 + rng.int(9);
      const table: Table = {
        columns: ["age", "zip", "sex", "salary"],
        rows: Array.from({ length: n }, () => [
          String(18 + rng.int(70)),
          String(10000 + rng.int(50) * 7),
          rng.next() < 0.5 ? "F" : "M",
          String(rng.int(100000)),
        ]),
      };
      const result = mondrian(table, {
        quasiIdentifiers: ["age", "zip", "sex"],
        k,
        categorical: ["zip"],
      });
      const check = checkKAnonymity(result.table, { quasiIdentifiers: ["age", "zip", "sex"] });
      assert.ok(check.k >= k, `trial ${trial}: k ${check.k} < ${k}`);
      assert.equal(check.classes, result.classes);
      assert.equal(result.table.rows.length, n);
      result.table.rows.forEach((row, i) => {
        const original = table.rows[i] ?? [];
        assert.equal(row[3], original[3]);
        const age = Number(original[0]);
        const range = /^(\d+)-(\d+)$/.exec(row[0] ?? "");
        assert.ok(
          range === null
            ? row[0] === original[0]
            : Number(range[1]) <= age && age <= Number(range[2]),
        );
        const zip = row[1] ?? "";
        assert.ok(
          zip === original[1] ||
            zip
              .slice(1, -1)
              .split(",")
              .includes(original[1] ?? ""),
        );
      });
      assert.ok(result.informationLoss.ncp >= 0 && result.informationLoss.ncp <= 1);
      assert.ok(result.informationLoss.discernibility >= n * k);
    }
  });

  it("refuses k larger than the table and unknown quasi-identifiers", () => {
    assert.throws(
      () => mondrian(PATIENTS, { quasiIdentifiers: ["age"], k: 10 }),
      /k = 10 is larger than the table/,
    );
    assert.throws(
      () => mondrian(PATIENTS, { quasiIdentifiers: ["age", "height"], k: 2 }),
      /quasi-identifier "height" is not a column; the columns are age, sex, zip, disease/,
    );
  });
});

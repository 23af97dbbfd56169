import assert from "node:assert/strict";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DataError, readCsv, readJsonl } from "../../src/data/index.js";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-data-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Asserts that `promise` rejects with a DataError whose message is exactly `message`. */
async function rejectsWith(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

describe("readCsv", () => {
  it("reads features and a text label, classes sorted, header trimmed, BOM skipped", async () => {
    const path = file(
      "flowers.csv",
      "\uFEFFsepal_length, sepal_width ,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n\n6.3,3.3,virginica\n4.9,3.0,setosa\n",
    );
    const data = await readCsv(path, { target: "species" });
    assert.equal(data.name, "flowers");
    assert.equal(data.task, "classification");
    assert.deepEqual(data.featureNames, ["sepal_length", "sepal_width"]);
    assert.deepEqual(data.classes, ["setosa", "versicolor", "virginica"]);
    assert.deepEqual([...data.x], [5.1, 3.5, 7, 3.2, 6.3, 3.3, 4.9, 3]);
    assert.deepEqual([...data.y], [0, 1, 2, 0]);
    assert.equal(data.droppedRows, 0);
  });

  it("guesses the task: few distinct integers are classes, other numbers regression", async () => {
    const ints = file("ints.csv", "a,label\n1,0\n2,1\n3,1\n4,10\n");
    const asClasses = await readCsv(ints, { target: "label" });
    assert.equal(asClasses.task, "classification");
    assert.deepEqual(asClasses.classes, ["0", "1", "10"]);
    assert.deepEqual([...asClasses.y], [0, 1, 1, 2]);
    const reals = file("reals.csv", "a,price\n1,10.5\n2,11\n3,12.25\n");
    const regression = await readCsv(reals, { target: "price" });
    assert.equal(regression.task, "regression");
    assert.deepEqual([...regression.y], [10.5, 11, 12.25]);
    const forced = await readCsv(ints, { target: "label", task: "regression" });
    assert.deepEqual([...forced.y], [0, 1, 1, 10]);
  });

  it("selects and orders features, and one-hot encodes categorical columns", async () => {
    const path = file(
      "people.csv",
      "age,city,height,y\n30,Paris,1.8,1.5\n41,Oslo,1.7,2.5\n22,Paris,1.6,3.5\n",
    );
    const data = await readCsv(path, {
      target: "y",
      features: ["city", "age"],
      categorical: ["city"],
    });
    assert.deepEqual(data.featureNames, ["age", "city=Oslo", "city=Paris"]);
    assert.deepEqual([...data.x], [30, 0, 1, 41, 1, 0, 22, 0, 1]);
  });

  it("keeps categories as written and refuses a categorical column that is not a feature", async () => {
    const path = file("zip.csv", "zip,rooms,price\n02134,3,10.5\n2134,4,12.5\n02134,2,9.25\n");
    const data = await readCsv(path, { target: "price", categorical: ["zip"] });
    assert.deepEqual(data.featureNames, ["rooms", "zip=02134", "zip=2134"]);
    assert.deepEqual([...data.x], [3, 1, 0, 4, 0, 1, 2, 1, 0]);
    await rejectsWith(
      readCsv(path, { target: "price", features: ["rooms"], categorical: ["zip"] }),
      'categorical column "zip" is not among the features: rooms',
    );
  });

  it("names the missing column and lists those that exist", async () => {
    const path = file("m.csv", "a,b\n1,2\n");
    await rejectsWith(
      readCsv(path, { target: "label" }),
      `${path}: no column "label"; the columns are "a", "b"`,
    );
    await rejectsWith(
      readCsv(path, { target: "b", features: ["a", "c"] }),
      `${path}: no column "c"; the columns are "a", "b"`,
    );
  });

  it("gives row and column of a value that is not a number, with a hint for categories", async () => {
    const rows = Array.from({ length: 15 }, (_, i) => `${i},${i % 2}`);
    const path = file("abc.csv", ["x,y", ...rows, "abc,1"].join("\n"));
    await assert.rejects(readCsv(path, { target: "y" }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(
        e.message,
        'row 17, column "x": "abc" is not a number (if "x" holds categories, list it in the categorical option)',
      );
      assert.equal(e.row, 17);
      assert.equal(e.column, "x");
      return true;
    });
  });

  it("refuses empty cells, NaN and Infinity with their position unless dropInvalid", async () => {
    const path = file("holes.csv", "x,z,y\n1,2,a\n,2,b\n3,NaN,a\n4,5,\n5,-Infinity,b\n6,7,b\n");
    await rejectsWith(
      readCsv(path, { target: "y" }),
      'row 3, column "x": empty cell; fix it or pass dropInvalid: true to drop such rows',
    );
    const onlyNan = file("nan.csv", "x,y\n1,a\n2,b\n3,nan\n");
    await rejectsWith(
      readCsv(onlyNan, { target: "y" }),
      'row 4, column "y": "nan" (not a finite number) is not a valid value; fix it or pass dropInvalid: true to drop such rows',
    );
    const data = await readCsv(path, { target: "y", dropInvalid: true });
    assert.equal(data.droppedRows, 4);
    assert.deepEqual([...data.x], [1, 2, 6, 7]);
    assert.deepEqual(data.classes, ["a", "b"]);
  });

  it("refuses ragged rows, an empty file, a header alone and a single class", async () => {
    await rejectsWith(
      readCsv(file("ragged.csv", "a,b,c\n1,2,3\n4,5\n"), { target: "c" }),
      "row 3: 2 fields where the header has 3; every row needs one value per column",
    );
    const empty = file("empty.csv", "");
    await rejectsWith(
      readCsv(empty, { target: "y" }),
      `${empty} is empty: expected a header row and data rows`,
    );
    await rejectsWith(
      readCsv(file("head.csv", "a,y\n"), { target: "y" }),
      '"head" has a header but no data rows',
    );
    await rejectsWith(
      readCsv(file("one.csv", "a,y\n1,cat\n2,cat\n"), { target: "y" }),
      'column "y" has only one class ("cat"); classification needs at least two',
    );
    await rejectsWith(
      readCsv(file("reg.csv", "a,y\n1,2.5\n2,high\n"), { target: "y", task: "regression" }),
      'row 3, column "y": "high" is not a number',
    );
    await rejectsWith(
      readCsv(file("dup.csv", "a,a,y\n1,2,3\n"), { target: "y" }),
      `${join(dir, "dup.csv")}: column "a" appears twice in the header`,
    );
    const missing = join(dir, "nope.csv");
    await rejectsWith(readCsv(missing, { target: "y" }), `${missing}: no such file`);
  });

  it("reports malformed CSV as a DataError", async () => {
    const path = file("quote.csv", 'a,y\n"1,2\n');
    await assert.rejects(readCsv(path, { target: "y" }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /not valid CSV: .*quote/i);
      return true;
    });
  });

  it("streams a generated file of 200,000 rows", async () => {
    const path = join(dir, "large.csv");
    const out = createWriteStream(path);
    out.write("f0,f1,f2,label\n");
    for (let start = 0; start < 200_000; start += 10_000) {
      let chunk = "";
      for (let i = start; i < start + 10_000; i++) {
        chunk += `${i},${(i % 97) / 4},${-i * 0.5},${i % 3 === 0 ? "yes" : "no"}\n`;
      }
      out.write(chunk);
    }
    await new Promise<void>((resolve, reject) => {
      out.on("error", reject);
      out.end(resolve);
    });
    const data = await readCsv(path, { target: "label" });
    assert.equal(data.y.length, 200_000);
    assert.deepEqual(data.classes, ["no", "yes"]);
    const last = 199_999;
    assert.deepEqual(
      [...data.x.subarray(last * 3, last * 3 + 3)],
      [last, (last % 97) / 4, -last * 0.5],
    );
    assert.equal(data.y[last], last % 3 === 0 ? 1 : 0);
    assert.equal(
      data.y.reduce((a, b) => a + b, 0),
      66_667,
    );
  });
});

describe("readJsonl", () => {
  it("reads one object per line, numbers as JSON numbers or numeric strings, blank lines skipped", async () => {
    const path = file(
      "reviews.jsonl",
      '{"length": 120, "stars": "4", "label": "good"}\n\n{"length": 80, "stars": 1, "label": "bad", "extra": true}\n{"length": 95.5, "stars": 5, "label": "good"}\n',
    );
    const data = await readJsonl(path, { target: "label" });
    assert.equal(data.name, "reviews");
    assert.deepEqual(data.featureNames, ["length", "stars"]);
    assert.deepEqual(data.classes, ["bad", "good"]);
    assert.deepEqual([...data.x], [120, 4, 80, 1, 95.5, 5]);
    assert.deepEqual([...data.y], [1, 0, 1]);
  });

  it("gives the line and column of a missing key, a bad value, null, and bad JSON", async () => {
    await rejectsWith(
      readJsonl(file("a.jsonl", '{"x": 1, "y": 0}\n{"y": 1}\n'), { target: "y" }),
      'row 2: column "x" is missing; this row has "y"',
    );
    await rejectsWith(
      readJsonl(file("b.jsonl", '{"x": 1, "y": 0}\n{"x": "abc", "y": 1}\n'), { target: "y" }),
      'row 2, column "x": "abc" is not a number (if "x" holds categories, list it in the categorical option)',
    );
    await rejectsWith(
      readJsonl(file("c.jsonl", '{"x": 1, "y": 0}\n{"x": null, "y": 1}\n'), { target: "y" }),
      'row 2, column "x": empty cell; fix it or pass dropInvalid: true to drop such rows',
    );
    await assert.rejects(
      readJsonl(file("d.jsonl", '{"x": 1, "y": 0}\n{"x": 2, "y": 1\n'), { target: "y" }),
      (e: unknown) =>
        e instanceof DataError && e.row === 2 && e.message.startsWith("row 2: not valid JSON ("),
    );
    await rejectsWith(
      readJsonl(file("e.jsonl", "[1, 2]\n"), { target: "y" }),
      "row 1: expected a JSON object, got an array",
    );
    const empty = file("f.jsonl", "\n\n");
    await rejectsWith(
      readJsonl(empty, { target: "y" }),
      `${empty} is empty: expected one JSON object per line`,
    );
    const missing = join(dir, "nope.jsonl");
    await rejectsWith(readJsonl(missing, { target: "y" }), `${missing}: no such file`);
    const g = file("g.jsonl", '{"x": 1}\n');
    await rejectsWith(readJsonl(g, { target: "y" }), `${g}: no column "y"; the columns are "x"`);
  });

  it("drops rows with null with dropInvalid and counts them", async () => {
    const data = await readJsonl(
      file(
        "h.jsonl",
        '{"x": 1, "y": 0}\n{"x": null, "y": 1}\n{"x": 3, "y": 1}\n{"x": 4, "y": null}\n',
      ),
      { target: "y", dropInvalid: true },
    );
    assert.equal(data.droppedRows, 2);
    assert.deepEqual([...data.x], [1, 3]);
    assert.deepEqual(data.classes, ["0", "1"]);
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { datasetFingerprint, loadIris, subset } from "../../src/data/index.js";
import type { TabularDataset, TextDataset } from "../../src/data/index.js";

const tiny: TabularDataset = {
  name: "tiny",
  task: "regression",
  featureNames: ["a"],
  targetName: "t",
  x: Float64Array.from([1.5, -0]),
  y: Float64Array.from([2, Number.NaN]),
  classes: [],
};

describe("datasetFingerprint", () => {
  it("is the SHA-256 of the documented encoding (computed here byte by byte)", () => {
    const header =
      '{"format":"gatehouse-dataset-v1","kind":"tabular","task":"regression","featureNames":["a"],"targetName":"t","classes":[],"rows":2}\n';
    const bytes = Buffer.concat([
      Buffer.from(header, "utf8"),
      Buffer.from("000000000000f83f", "hex"), // 1.5 little-endian
      Buffer.from("0000000000000000", "hex"), // -0 written as 0
      Buffer.from("0000000000000040", "hex"), // 2
      Buffer.from("000000000000f87f", "hex"), // NaN, canonical
    ]);
    assert.equal(datasetFingerprint(tiny), createHash("sha256").update(bytes).digest("hex"));
  });

  it("encodes text datasets as length-prefixed UTF-8 texts then int32 labels", () => {
    const data: TextDataset = {
      name: "t",
      texts: ["hé", ""],
      labels: Int32Array.from([1, 0]),
      classes: ["a", "b"],
    };
    const bytes = Buffer.concat([
      Buffer.from(
        '{"format":"gatehouse-dataset-v1","kind":"text","classes":["a","b"],"rows":2}\n',
        "utf8",
      ),
      Buffer.from("03000000", "hex"),
      Buffer.from("hé", "utf8"),
      Buffer.from("00000000", "hex"),
      Buffer.from("0100000000000000", "hex"),
    ]);
    assert.equal(datasetFingerprint(data), createHash("sha256").update(bytes).digest("hex"));
  });

  it("is the same for the same data under another name, and changes with one value or the row order", () => {
    const iris = loadIris();
    const base = datasetFingerprint(iris);
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(datasetFingerprint({ ...loadIris(), name: "renamed" }), base);
    const x = iris.x.slice();
    x[77] = (x[77] ?? 0) + 0.1;
    assert.notEqual(datasetFingerprint({ ...iris, x }), base);
    const y = iris.y.slice();
    y[0] = 1;
    assert.notEqual(datasetFingerprint({ ...iris, y }), base);
    const reversed = subset(
      iris,
      Array.from({ length: 150 }, (_, i) => 149 - i),
    );
    assert.notEqual(datasetFingerprint(reversed), base);
    assert.notEqual(datasetFingerprint({ ...iris, featureNames: ["a", "b", "c", "d"] }), base);
  });
});

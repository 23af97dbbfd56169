import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportOnnx, OnnxError, openOnnxModel, readOnnxModelInfo } from "../../src/onnx/index.js";
import type { OnnxModel } from "../../src/onnx/index.js";
import { createRng } from "../../src/random/seeded.js";
import { multiclassLogistic } from "./fixtures.js";

function onnxError(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof OnnxError, `expected an OnnxError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("openOnnxModel", () => {
  let dir = "";
  let file = "";
  let model: OnnxModel;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "gatehouse-onnx-"));
    file = path.join(dir, "model.onnx");
    writeFileSync(file, exportOnnx(multiclassLogistic));
    model = await openOnnxModel(file);
  });
  after(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the input, outputs and feature count of a file", () => {
    assert.equal(model.name, "model.onnx");
    assert.deepEqual(model.inputNames, ["features"]);
    assert.deepEqual(model.outputNames, ["probabilities", "label"]);
    assert.equal(model.featureCount, 4);
    assert.deepEqual(model.metadata.classLabels, ["setosa", "versicolor", "virginica"]);
  });

  it("takes Float32Array and Float64Array rows alike", async () => {
    const x64 = new Float64Array([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]);
    const a = await model.run(x64, 2);
    const b = await model.run(Float32Array.from(x64), 2);
    assert.deepEqual(a.probabilities?.data, b.probabilities?.data);
    assert.deepEqual(a.label?.dims, [2]);
  });

  it("names the model and both feature counts when a dataset has the wrong width", async () => {
    const x = new Float64Array(13 * 3);
    await assert.rejects(
      model.run(x, 3),
      onnxError(/^model\.onnx expects 4 features per row; the dataset has 13$/),
    );
  });

  it("rejects rows that do not divide the values", async () => {
    await assert.rejects(
      model.run(new Float64Array(10), 3),
      onnxError(/x has 10 values, which is not 3 rows of equal length/),
    );
    await assert.rejects(model.run(new Float64Array(4), 0), onnxError(/rows is 0/));
  });

  it("rejects a file of random bytes as not a valid ONNX model", async () => {
    const rng = createRng(99);
    const garbage = path.join(dir, "garbage.onnx");
    writeFileSync(
      garbage,
      Uint8Array.from({ length: 512 }, () => rng.int(256)),
    );
    await assert.rejects(
      openOnnxModel(garbage),
      onnxError(/^garbage\.onnx is not a valid ONNX model: /),
    );
  });

  it("rejects a text file and a truncated model as not valid ONNX models", async () => {
    const text = path.join(dir, "readme.onnx");
    writeFileSync(text, "this is not a model\n");
    await assert.rejects(openOnnxModel(text), onnxError(/^readme\.onnx is not a valid ONNX model/));
    const bytes = exportOnnx(multiclassLogistic);
    await assert.rejects(
      openOnnxModel(bytes.subarray(0, bytes.length - 40), { name: "cut.onnx" }),
      onnxError(/^cut\.onnx is not a valid ONNX model/),
    );
  });

  it("says which file cannot be read", async () => {
    const missing = path.join(dir, "missing.onnx");
    await assert.rejects(openOnnxModel(missing), onnxError(/cannot read .*missing\.onnx/));
  });
});

describe("readOnnxModelInfo", () => {
  it("rejects bytes that decode but hold no graph", () => {
    // Field 1 (ir_version) = 8 and nothing else: a well-formed message, but not a model.
    assert.throws(
      () => readOnnxModelInfo(Uint8Array.from([0x08, 0x08]), "header.onnx"),
      onnxError(/^header\.onnx is not a valid ONNX model: it has no graph$/),
    );
  });
});

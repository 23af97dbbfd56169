import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exportOnnx, openOnnxModel } from "../../src/onnx/index.js";
import type { OnnxExportSpec } from "../../src/onnx/index.js";
import {
  binaryLogistic,
  linearRegression,
  mlpClassifier,
  mlpRegressor,
  multiclassLogistic,
  rawRows,
} from "./fixtures.js";

// Needs python3 with the `onnx` and `onnxruntime` packages (pip install onnx onnxruntime).
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "onnx_python_check.py");

interface PythonReport {
  ir_version: number;
  opset: { domain: string; version: number }[];
  producer_name: string;
  metadata: Record<string, string>;
  outputs: Record<string, { dims: number[]; data: number[] }>;
}

function runPython(file: string, x: Float64Array, rows: number): PythonReport {
  const result = spawnSync("python3", [SCRIPT, file], {
    input: JSON.stringify({ rows, x: Array.from(x) }),
    encoding: "utf8",
  });
  assert.equal(
    result.status,
    0,
    `python3 onnx check failed (are onnx and onnxruntime installed?): ${result.stderr}`,
  );
  return JSON.parse(result.stdout) as PythonReport;
}

const MODELS: [string, OnnxExportSpec][] = [
  ["linear regression", linearRegression],
  ["binary logistic regression", binaryLogistic],
  ["multiclass logistic regression", multiclassLogistic],
  ["MLP classifier with one-hot columns", mlpClassifier],
  ["MLP regressor", mlpRegressor],
];

describe("exported files in the Python ONNX tooling", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gatehouse-onnx-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, spec] of MODELS) {
    it(`a ${what} passes onnx.checker full_check and Python onnxruntime agrees with onnxruntime-node`, async () => {
      const file = path.join(dir, `${spec.kind}-${what.length}.onnx`);
      writeFileSync(file, exportOnnx(spec));
      const rows = 12;
      const x = rawRows(spec, rows, 7);

      const report = runPython(file, x, rows);
      assert.equal(report.ir_version, 8);
      assert.deepEqual(report.opset, [{ domain: "", version: 17 }]);
      assert.equal(report.producer_name, "gatehouse");
      assert.equal(report.metadata.licence, spec.metadata.licence);
      assert.equal(report.metadata.feature_names, JSON.stringify(spec.preprocessing.featureNames));
      if (spec.classes !== undefined) {
        assert.deepEqual(JSON.parse(report.metadata.class_labels ?? "null"), spec.classes);
      }

      const model = await openOnnxModel(file);
      try {
        const node = await model.run(x, rows);
        assert.deepEqual(Object.keys(report.outputs).sort(), Object.keys(node).sort());
        for (const [name, py] of Object.entries(report.outputs)) {
          const ours = node[name];
          assert.ok(ours !== undefined);
          assert.deepEqual(py.dims, ours.dims, `${name} dims`);
          const values = Array.from(ours.data as ArrayLike<number | bigint>, Number);
          py.data.forEach((v, i) => {
            assert.ok(
              Math.abs(v - (values[i] ?? NaN)) <= 1e-6,
              `${name}[${i}]: Python ${v} vs node ${values[i]}`,
            );
          });
        }
      } finally {
        await model.close();
      }
    });
  }
});

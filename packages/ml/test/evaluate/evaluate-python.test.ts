import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadBoston, loadIris, type TabularDataset } from "../../src/data/index.js";
import {
  applyTrainingSplit,
  evaluateOnnxModel,
  parseTrainingSplit,
  TRAINING_SPLIT_KEY,
} from "../../src/evaluate/index.js";
import { openOnnxModel } from "../../src/onnx/index.js";
import { trainReference } from "../../src/reference/index.js";

// Needs python3 with onnxruntime and scikit-learn (pip install onnxruntime scikit-learn).
const SCRIPT = path.join(import.meta.dirname, "sklearn_evaluate.py");

/** Writes raw features then the target, one row per line, as the Python check reads them. */
async function writeRows(file: string, data: TabularDataset): Promise<void> {
  const width = data.featureNames.length;
  const lines = Array.from({ length: data.y.length }, (_, i) =>
    [...data.x.subarray(i * width, (i + 1) * width), data.y[i]].map(String).join(","),
  );
  await writeFile(file, `${lines.join("\n")}\n`);
}

function closeTo(actual: number, expected: number, name: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${name}: Gatehouse ${actual}, scikit-learn ${expected}`,
  );
}

describe("evaluation of an exported model agrees with onnxruntime and scikit-learn in Python", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-eval-py-"));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  for (const [name, load] of [
    ["iris", loadIris],
    ["boston", loadBoston],
  ] as const) {
    it(`${name}: every metric of the test split, to 1e-9`, async () => {
      const out = path.join(work, name);
      await trainReference(name, { outDir: out, seed: 3, epochs: 30 });
      const modelFile = path.join(out, "model.onnx");
      const data = load();
      const model = await openOnnxModel(modelFile);
      const split = parseTrainingSplit(model.metadata.metadataProps[TRAINING_SPLIT_KEY]);
      await model.close();
      assert.ok(split !== undefined, "the model records its split");
      const test = applyTrainingSplit(data, split).test;
      const rowsFile = path.join(out, "test-rows.csv");
      await writeRows(rowsFile, test);
      const { report } = await evaluateOnnxModel(modelFile, data);
      assert.equal(report.split.rows, test.y.length);

      const python = spawnSync(
        "python3",
        [SCRIPT, modelFile, rowsFile, data.task, String(data.classes.length)],
        { encoding: "utf8" },
      );
      assert.equal(
        python.status,
        0,
        `python3 check failed (are onnxruntime and scikit-learn installed?): ${python.stderr}`,
      );
      const expected = JSON.parse(python.stdout) as Record<string, number>;
      assert.deepEqual(Object.keys(report.metrics).sort(), Object.keys(expected).sort());
      for (const [metric, value] of Object.entries(expected)) {
        closeTo(report.metrics[metric] ?? Number.NaN, value, metric);
      }
    });
  }
});

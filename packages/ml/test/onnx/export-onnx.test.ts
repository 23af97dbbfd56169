import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { exportOnnx, OnnxError, openOnnxModel } from "../../src/onnx/index.js";
import type { OnnxExportSpec, OnnxOutput } from "../../src/onnx/index.js";
import {
  binaryLogistic,
  linearRegression,
  mlpClassifier,
  mlpRegressor,
  multiclassLogistic,
  rawRows,
} from "./fixtures.js";
import { argmax, forward, probabilities, rowsOf } from "./reference-forward.js";

const TOLERANCE = 1e-5;

async function runExported(
  spec: OnnxExportSpec,
  x: Float64Array,
): Promise<Record<string, OnnxOutput>> {
  const model = await openOnnxModel(exportOnnx(spec), { name: "model.onnx" });
  try {
    return await model.run(x, x.length / spec.preprocessing.featureNames.length);
  } finally {
    await model.close();
  }
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const a = actual[i] ?? NaN;
    assert.ok(Math.abs(a - e) <= TOLERANCE, `${what}[${i}]: ${a} vs reference ${e}`);
  });
}

function output(outputs: Record<string, OnnxOutput>, name: string): OnnxOutput {
  const out = outputs[name];
  assert.ok(out !== undefined, `missing output ${name}`);
  return out;
}

async function checkClassifier(spec: OnnxExportSpec, rows: number, seed: number): Promise<void> {
  const f = spec.preprocessing.featureNames.length;
  const x = rawRows(spec, rows, seed);
  const outputs = await runExported(spec, x);
  const expected = rowsOf(x, f).map((row) => probabilities(spec, row));
  const k = spec.classes?.length ?? 0;
  const probs = output(outputs, "probabilities");
  assert.deepEqual(probs.dims, [rows, k]);
  assertClose(probs.data as Float32Array, expected.flat(), "probabilities");
  const label = output(outputs, "label");
  assert.equal(label.type, "int64");
  assert.deepEqual(label.dims, [rows]);
  assert.deepEqual(
    Array.from(label.data as BigInt64Array, Number),
    expected.map((p) => argmax(p)),
  );
}

describe("exportOnnx run in onnxruntime-node", () => {
  it("a linear regression predicts the standard-scaled raw features' affine map", async () => {
    const x = rawRows(linearRegression, 20, 1);
    const outputs = await runExported(linearRegression, x);
    const prediction = output(outputs, "prediction");
    assert.deepEqual(prediction.dims, [20, 1]);
    assertClose(
      prediction.data as Float32Array,
      rowsOf(x, 4)
        .map((row) => forward(linearRegression, row))
        .flat(),
      "prediction",
    );
  });

  it("a binary logistic regression reports both class probabilities and the argmax label", async () => {
    await checkClassifier(binaryLogistic, 24, 2);
  });

  it("a multiclass logistic regression matches the softmax of the scaled features", async () => {
    await checkClassifier(multiclassLogistic, 30, 3);
  });

  it("an MLP classifier applies one-hot encoding of named categorical columns inside the graph", async () => {
    await checkClassifier(mlpClassifier, 36, 4);
  });

  it("an MLP regressor without a scaler outputs every regression target", async () => {
    const x = rawRows(mlpRegressor, 15, 5);
    const prediction = output(await runExported(mlpRegressor, x), "prediction");
    assert.deepEqual(prediction.dims, [15, 2]);
    assertClose(
      prediction.data as Float32Array,
      rowsOf(x, 3)
        .map((row) => forward(mlpRegressor, row))
        .flat(),
      "prediction",
    );
  });

  it("an unscaled raw row differs from its scaled version, so the scaler is in the graph", async () => {
    // Feeding already-standardised values must not give the same prediction as raw values.
    const raw = new Float64Array([6.2, 68.5, 3.8, 408]);
    const standardised = new Float64Array([0, 0, 0, 0]);
    const a = output(await runExported(linearRegression, raw), "prediction").data as Float32Array;
    const b = output(await runExported(linearRegression, standardised), "prediction")
      .data as Float32Array;
    // At the scaler's mean every scaled feature is 0, so the prediction is the bias alone.
    assertClose(a, [linearRegression.layers[0]?.bias[0] ?? NaN], "prediction at the mean");
    assert.ok(Math.abs((a[0] ?? NaN) - (b[0] ?? NaN)) > 1e-3);
  });

  it("an unknown category code gives an all-zero indicator block", async () => {
    const spec: OnnxExportSpec = {
      kind: "linear-regression",
      layers: [
        {
          inputSize: 3,
          outputSize: 1,
          weights: [10, 100, 1000],
          bias: [1],
          activation: "linear",
        },
      ],
      preprocessing: { featureNames: ["code"], oneHot: [{ column: 0, categories: [4, 8, 15] }] },
      metadata: { licence: "mit", producerVersion: "1" },
    };
    const prediction = output(
      await runExported(spec, new Float64Array([8, 15, 4, 16])),
      "prediction",
    );
    assert.deepEqual(Array.from(prediction.data as Float32Array), [101, 1001, 11, 1]);
  });
});

describe("exportOnnx file contents", () => {
  it("writes opset 17, IR 8, the producer and the metadata properties", async () => {
    const model = await openOnnxModel(exportOnnx(mlpClassifier), { name: "model.onnx" });
    try {
      const m = model.metadata;
      assert.equal(m.irVersion, 8);
      assert.deepEqual(m.opsets, [{ domain: "", version: 17 }]);
      assert.equal(m.producerName, "gatehouse");
      assert.equal(m.producerVersion, "0.1.0");
      assert.equal(m.description, "test model");
      assert.equal(m.licence, "apache-2.0");
      assert.equal(m.cardUrl, "https://hub.example.org/acme/model/card");
      assert.deepEqual(m.classLabels, ["a", "b", "c", "d"]);
      assert.deepEqual(m.featureNames, ["colour", "x1", "x2", "size", "x3"]);
      assert.equal(m.metadataProps.model_kind, "mlp");
      assert.equal(m.metadataProps.class_labels, '["a","b","c","d"]');
      assert.deepEqual(model.inputNames, ["features"]);
      assert.deepEqual(model.outputNames, ["probabilities", "label"]);
      assert.equal(model.featureCount, 5);
      assert.deepEqual(model.inputs[0]?.shape, ["N", 5]);
      assert.deepEqual(
        model.outputs.map((o) => [o.name, o.elementType, o.shape]),
        [
          ["probabilities", "float", ["N", 4]],
          ["label", "int64", ["N"]],
        ],
      );
    } finally {
      await model.close();
    }
  });

  it("leaves out card_url and class_labels when there are none", async () => {
    const model = await openOnnxModel(exportOnnx(mlpRegressor));
    try {
      assert.deepEqual(Object.keys(model.metadata.metadataProps), [
        "licence",
        "feature_names",
        "model_kind",
      ]);
      assert.equal(model.metadata.classLabels, undefined);
      assert.equal(model.metadata.licence, "cc-by-4.0");
    } finally {
      await model.close();
    }
  });

  it("gives byte-identical files for the same description, even from copied arrays", () => {
    const copy: OnnxExportSpec = structuredClone(mlpClassifier);
    const a = exportOnnx(mlpClassifier);
    const b = exportOnnx(copy);
    assert.ok(a.length > 0);
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
  });

  it("gives different bytes when one weight changes", () => {
    const changed = structuredClone(multiclassLogistic);
    const layer = changed.layers[0];
    assert.ok(layer !== undefined);
    (layer.weights as Float64Array)[5] = 0.125;
    assert.notDeepEqual(
      Buffer.from(exportOnnx(multiclassLogistic)),
      Buffer.from(exportOnnx(changed)),
    );
  });
});

describe("exportOnnx rejects inconsistent descriptions", () => {
  const cases: [string, (spec: OnnxExportSpec) => OnnxExportSpec, RegExp][] = [
    [
      "a first layer that does not match the preprocessed width",
      (s) => ({ ...s, preprocessing: { featureNames: s.preprocessing.featureNames } }),
      /layers\[0\]\.inputSize is 8 but the preprocessed row .* has 5 values/,
    ],
    [
      "a one-hot column name that is not a feature",
      (s) => ({
        ...s,
        preprocessing: {
          ...s.preprocessing,
          oneHot: [{ column: "weight", categories: [0, 1] }],
        },
      }),
      /preprocessing\.oneHot\[0\]\.column: "weight" is not one of preprocessing\.featureNames/,
    ],
    [
      "a scaler with the wrong number of means",
      (s) => ({
        ...s,
        preprocessing: {
          ...s.preprocessing,
          scaler: { kind: "standard", mean: [0], scale: [1, 1, 1] },
        },
      }),
      /preprocessing\.scaler\.mean has 1 values; expected 3/,
    ],
    [
      "a zero scale",
      (s) => ({
        ...s,
        preprocessing: {
          ...s.preprocessing,
          scaler: { kind: "standard", mean: [0, 0, 0], scale: [1, 0, 1] },
        },
      }),
      /preprocessing\.scaler\.scale\[1\] is 0/,
    ],
    [
      "a NaN weight",
      (s) => {
        const w = Float64Array.from(s.layers[1]?.weights ?? []);
        w[3] = NaN;
        return { ...s, layers: s.layers.map((l, i) => (i === 1 ? { ...l, weights: w } : l)) };
      },
      /layers\[1\]\.weights\[3\] is NaN/,
    ],
    [
      "more classes than softmax outputs",
      (s) => ({ ...s, classes: ["a", "b", "c", "d", "e"] }),
      /layers\[2\] has outputSize 4 with softmax activation; for 5 classes use softmax with outputSize 5/,
    ],
    [
      "a classifier head without classes",
      (s) => ({
        kind: s.kind,
        layers: s.layers,
        preprocessing: s.preprocessing,
        metadata: s.metadata,
      }),
      /activation is softmax but no classes are given/,
    ],
    [
      "an empty licence",
      (s) => ({ ...s, metadata: { ...s.metadata, licence: " " } }),
      /metadata\.licence is empty/,
    ],
    [
      "duplicate feature names",
      (s) => ({
        ...s,
        preprocessing: { ...s.preprocessing, featureNames: ["colour", "x1", "x1", "size", "x3"] },
      }),
      /featureNames has "x1" twice/,
    ],
  ];
  for (const [what, change, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => exportOnnx(change(mlpClassifier)),
        (error: unknown) => {
          assert.ok(error instanceof OnnxError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("rejects a linear regression with two layers", () => {
    assert.throws(
      () =>
        exportOnnx({
          ...linearRegression,
          layers: [...linearRegression.layers, ...linearRegression.layers],
        }),
      /a linear-regression has exactly one layer; got 2/,
    );
  });
});

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { padSequences, Vocabulary } from "../../src/data/index.js";
import {
  encodeTexts,
  exportOnnx,
  exportTextOnnx,
  OnnxError,
  openOnnxModel,
  readOnnxModelInfo,
  readTextPreprocessing,
} from "../../src/onnx/index.js";
import type { OnnxTextExportSpec, OnnxTextPreprocessingInfo } from "../../src/onnx/index.js";
import { createRng } from "../../src/random/seeded.js";
import { trainTextClassifier } from "../../src/train/index.js";
import type { TextModel } from "../../src/train/index.js";
import { binaryLogistic } from "./fixtures.js";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "onnx_python_check.py");
const SEQUENCE_LENGTH = 12;

// Each class draws from its own words plus shared ones; capitals, punctuation and a
// contraction exercise the tokenizer, rare words fall out of the capped vocabulary, and texts
// up to 18 words are cut to 12 ids.
const WORDS: Record<string, string[]> = {
  spam: ["FREE", "money!", "winner", "claim", "prize", "cash", "Offer"],
  ham: ["meeting", "tomorrow", "lunch", "report", "Thanks,", "agenda", "team"],
  news: ["election", "minister", "storm", "market", "court", "vote", "weather"],
};
const SHARED = ["the", "a", "you", "don't", "and", "to", "of", "is"];

function syntheticTexts(classes: readonly string[], count: number, seed: number) {
  const rng = createRng(seed);
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % classes.length;
    const own = WORDS[classes[label] ?? ""] ?? [];
    const words: string[] = [];
    const length = 3 + rng.int(16);
    for (let w = 0; w < length; w++) {
      const r = rng.next();
      words.push(
        r < 0.45
          ? (own[rng.int(own.length)] ?? "")
          : r < 0.9
            ? (SHARED[rng.int(SHARED.length)] ?? "")
            : `rare${rng.int(1000)}`,
      );
    }
    texts.push(words.join(" "));
    labels.push(label);
  }
  return { texts, labels };
}

interface TrainedText {
  texts: string[];
  ids: Int32Array;
  vocabulary: Vocabulary;
  model: TextModel;
  spec: OnnxTextExportSpec;
}

async function trainText(
  classes: readonly string[],
  padding: "pre" | "post",
  seed: number,
  architecture: "pooling" | "lstm" = "pooling",
): Promise<TrainedText> {
  const { texts, labels } = syntheticTexts(classes, 60, seed);
  const vocabulary = Vocabulary.build(texts, { maxSize: 30 });
  const ids = padSequences(
    texts.map((t) => vocabulary.encode(t)),
    { maxLen: SEQUENCE_LENGTH, padding, truncating: "pre" },
  ).data;
  const model = await trainTextClassifier(
    { ids, sequenceLength: SEQUENCE_LENGTH, vocabSize: vocabulary.size, labels, classes },
    { seed, architecture, embeddingDim: 8, lstmUnits: 6, epochs: 8, batchSize: 16 },
  );
  const spec: OnnxTextExportSpec = {
    kind: model.kind,
    embedding: model.embedding(),
    lstm: model.lstm(),
    layers: model.denseLayers(),
    classes: model.classes,
    preprocessing: {
      vocabulary: vocabulary.tokens,
      sequenceLength: SEQUENCE_LENGTH,
      padding,
      truncating: "pre",
    },
    metadata: {
      licence: "apache-2.0",
      cardUrl: "https://hub.example.org/acme/spam/card",
      producerVersion: "0.1.0",
      extra: { training_seed: String(seed) },
    },
  };
  return { texts, ids, vocabulary, model, spec };
}

interface PythonReport {
  outputs: Record<string, { dims: number[]; data: number[] }>;
  encoded: number[];
}

function runPython(file: string, ids: Int32Array, texts: readonly string[]): PythonReport {
  const result = spawnSync("python3", [SCRIPT, file], {
    input: JSON.stringify({ rows: texts.length, x: Array.from(ids), texts }),
    encoding: "utf8",
  });
  assert.equal(
    result.status,
    0,
    `python3 onnx check failed (are onnx and onnxruntime installed?): ${result.stderr}`,
  );
  return JSON.parse(result.stdout) as PythonReport;
}

describe("exportTextOnnx", () => {
  let dir = "";
  let binary: TrainedText;
  let multiclass: TrainedText;
  let lstm: TrainedText;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "gatehouse-text-onnx-"));
    binary = await trainText(["spam", "ham"], "pre", 3);
    multiclass = await trainText(["spam", "ham", "news"], "post", 5);
    lstm = await trainText(["spam", "ham", "news"], "pre", 7, "lstm");
  });
  after(() => {
    binary.model.dispose();
    multiclass.model.dispose();
    lstm.model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const which of [
    "binary pooling (one sigmoid unit)",
    "three-class pooling (softmax)",
    "three-class LSTM",
  ] as const) {
    it(`runs a ${which} model in onnxruntime-node as the trained model predicts`, async () => {
      const trained = which.startsWith("binary")
        ? binary
        : which.endsWith("LSTM")
          ? lstm
          : multiclass;
      const rows = trained.texts.length;
      const k = trained.spec.classes.length;
      const expected = trained.model.predict(trained.ids, rows);
      const model = await openOnnxModel(exportTextOnnx(trained.spec), { name: "text.onnx" });
      try {
        assert.deepEqual(model.inputs, [
          { name: "token_ids", elementType: "int64", shape: ["N", SEQUENCE_LENGTH] },
        ]);
        const out = await model.run(trained.ids, rows);
        const probabilityOutput = out.probabilities;
        assert.ok(probabilityOutput !== undefined);
        assert.deepEqual(probabilityOutput.dims, [rows, k]);
        const probabilities = Array.from(probabilityOutput.data as Float32Array);
        expected.forEach((p, i) => {
          assert.ok(
            Math.abs(p - (probabilities[i] ?? NaN)) <= 1e-5,
            `row ${Math.floor(i / k)}, class ${i % k}: ONNX ${probabilities[i]} vs trained ${p}`,
          );
        });
        const labels = Array.from(out.label?.data as BigInt64Array, Number);
        labels.forEach((label, r) => {
          const row = expected.subarray(r * k, (r + 1) * k);
          assert.equal(row[label], Math.max(...row), `row ${r}: label ${label} is not the argmax`);
        });
        // The same ids as a BigInt64Array give the same outputs.
        const wide = await model.run(
          BigInt64Array.from(trained.ids, (v) => BigInt(v)),
          rows,
        );
        assert.deepEqual(wide.probabilities?.data, probabilityOutput.data);
      } finally {
        await model.close();
      }
    });
  }

  it("the trained models learnt the classes, so the comparison is not between constant outputs", () => {
    for (const trained of [binary, multiclass, lstm]) {
      const k = trained.spec.classes.length;
      const p = trained.model.predict(trained.ids, trained.texts.length);
      let correct = 0;
      for (let r = 0; r < trained.texts.length; r++) {
        const row = Array.from(p.subarray(r * k, (r + 1) * k));
        if (row.indexOf(Math.max(...row)) === r % k) {
          correct++;
        }
      }
      assert.ok(
        correct / trained.texts.length > 0.8,
        `accuracy ${correct}/${trained.texts.length}`,
      );
    }
  });

  it("stores the text preprocessing, so encodeTexts gives exactly the training ids", async () => {
    for (const trained of [binary, multiclass]) {
      const model = await openOnnxModel(exportTextOnnx(trained.spec));
      try {
        const preprocessing = readTextPreprocessing(model.metadata);
        assert.deepEqual(preprocessing, {
          tokenizer: "gatehouse-words-v1",
          lowercase: true,
          vocabulary: trained.vocabulary.tokens,
          sequenceLength: SEQUENCE_LENGTH,
          padding: trained.spec.preprocessing.padding,
          truncating: "pre",
        });
        assert.deepEqual(encodeTexts(trained.texts, preprocessing), trained.ids);
        const ids = encodeTexts(["FREE money! Unheard zzyzx, qwerty."], preprocessing);
        const free = trained.vocabulary.indexOf("free");
        assert.ok(free > 1, "free is in the vocabulary");
        const tokens = [free, trained.vocabulary.indexOf("money"), 1, 1, 1];
        const pad = Array<number>(SEQUENCE_LENGTH - tokens.length).fill(0);
        assert.deepEqual(
          Array.from(ids),
          trained.spec.preprocessing.padding === "pre" ? [...pad, ...tokens] : [...tokens, ...pad],
        );
      } finally {
        await model.close();
      }
    }
  });

  it("writes the metadata entries and the same bytes for the same spec", () => {
    const bytes = exportTextOnnx(binary.spec);
    assert.deepEqual(exportTextOnnx(binary.spec), bytes);
    const info = readOnnxModelInfo(bytes);
    assert.equal(info.licence, "apache-2.0");
    assert.equal(info.cardUrl, "https://hub.example.org/acme/spam/card");
    assert.deepEqual(info.classLabels, ["spam", "ham"]);
    assert.equal(info.metadataProps.model_kind, "text-pooling");
    assert.equal(info.metadataProps.training_seed, "3");
    assert.deepEqual(info.outputs, [
      { name: "probabilities", elementType: "float", shape: ["N", 2] },
      { name: "label", elementType: "int64", shape: ["N"] },
    ]);
  });

  it("passes onnx.checker full_check; Python onnxruntime and the documented Python encoding agree", async () => {
    for (const trained of [binary, multiclass, lstm]) {
      const file = path.join(dir, `${trained.spec.kind}-${trained.spec.classes.length}.onnx`);
      writeFileSync(file, exportTextOnnx(trained.spec));
      const rows = trained.texts.length;
      const report = runPython(file, trained.ids, trained.texts);
      assert.deepEqual(report.encoded, Array.from(trained.ids));
      const model = await openOnnxModel(file);
      try {
        const node = await model.run(trained.ids, rows);
        for (const name of ["probabilities", "label"]) {
          const py = report.outputs[name];
          const ours = node[name];
          assert.ok(py !== undefined && ours !== undefined, name);
          assert.deepEqual(py.dims, ours.dims);
          const values = Array.from(ours.data as ArrayLike<number | bigint>, Number);
          py.data.forEach((v, i) => {
            assert.ok(Math.abs(v - (values[i] ?? NaN)) <= 1e-6, `${name}[${i}]`);
          });
        }
      } finally {
        await model.close();
      }
    }
  });
});

describe("exportTextOnnx and text runs refuse bad input", () => {
  let trained: TrainedText;
  before(async () => {
    trained = await trainText(["spam", "ham"], "pre", 11);
  });
  after(() => {
    trained.model.dispose();
  });

  it("refuses an LSTM model without LSTM weights and a pooling model with them", () => {
    assert.throws(
      () => exportTextOnnx({ ...trained.spec, kind: "text-lstm" }),
      new OnnxError("a text-lstm model needs lstm (TextModel.lstm()); it is missing"),
    );
    const units = 2;
    const dim = trained.spec.embedding.dim;
    const lstm = {
      inputSize: dim,
      units,
      kernel: new Float32Array(dim * 4 * units),
      recurrentKernel: new Float32Array(units * 4 * units),
      bias: new Float32Array(4 * units),
    };
    assert.throws(
      () => exportTextOnnx({ ...trained.spec, lstm }),
      /lstm is given for a text-pooling model/,
    );
    // The head reads the pooled embedding (8 values), not the 2 LSTM units.
    assert.throws(
      () => exportTextOnnx({ ...trained.spec, kind: "text-lstm", lstm }),
      /layers\[0\].inputSize is 8 but the LSTM output \(lstm.units\) has 2 values/,
    );
    assert.throws(
      () =>
        exportTextOnnx({
          ...trained.spec,
          kind: "text-lstm",
          lstm: { ...lstm, bias: new Float32Array(3) },
        }),
      /lstm.bias has 3 values; expected 8/,
    );
  });

  it("refuses a vocabulary that does not match the embedding", () => {
    assert.throws(
      () =>
        exportTextOnnx({
          ...trained.spec,
          preprocessing: {
            ...trained.spec.preprocessing,
            vocabulary: trained.vocabulary.tokens.slice(0, -1),
          },
        }),
      (e: unknown) =>
        e instanceof OnnxError &&
        e.message.includes(
          `embedding.vocabSize is ${trained.vocabulary.size} but preprocessing.vocabulary has ${trained.vocabulary.size - 1} tokens`,
        ),
    );
    assert.throws(
      () =>
        exportTextOnnx({
          ...trained.spec,
          preprocessing: {
            ...trained.spec.preprocessing,
            vocabulary: ["<oov>", "<pad>", ...trained.vocabulary.tokens.slice(2)],
          },
        }),
      /must start with "<pad>" and "<oov>"/,
    );
  });

  it("refuses embedding weights and a head that do not fit the embedding size", () => {
    const embedding = trained.model.embedding();
    assert.throws(
      () =>
        exportTextOnnx({
          ...trained.spec,
          embedding: { ...embedding, weights: embedding.weights.slice(0, -1) },
        }),
      new RegExp(
        `embedding.weights has ${embedding.weights.length - 1} values; expected ${embedding.weights.length}`,
      ),
    );
    assert.throws(
      () =>
        exportTextOnnx({
          ...trained.spec,
          embedding: {
            ...embedding,
            dim: 4,
            weights: embedding.weights.slice(0, embedding.vocabSize * 4),
          },
        }),
      /layers\[0\].inputSize is 8 but the pooled embedding \(embedding.dim\) has 4 values/,
    );
  });

  it("names the expected and given id counts when a row has the wrong length", async () => {
    const model = await openOnnxModel(exportTextOnnx(trained.spec), { name: "spam.onnx" });
    try {
      await assert.rejects(
        model.run(new Int32Array(3 * 10), 3),
        new OnnxError(`spam.onnx expects sequences of ${SEQUENCE_LENGTH} token ids; got 10`),
      );
      await assert.rejects(
        model.run(new Float64Array(2 * SEQUENCE_LENGTH), 2),
        /takes int64 token ids; pass an Int32Array or BigInt64Array, not a Float64Array/,
      );
    } finally {
      await model.close();
    }
  });

  it("refuses integer ids for a float model and text preprocessing of a model without it", async () => {
    const bytes = exportOnnx(binaryLogistic);
    assert.throws(
      () => readTextPreprocessing(readOnnxModelInfo(bytes)),
      /no "text_preprocessing" metadata entry/,
    );
    const model = await openOnnxModel(bytes, { name: "churn.onnx" });
    try {
      await assert.rejects(
        model.run(new Int32Array(3), 1),
        /churn.onnx input "features" takes float values; pass a Float64Array or Float32Array, not a Int32Array/,
      );
    } finally {
      await model.close();
    }
  });

  it("refuses to encode with a tokenizer rule it does not know or a malformed vocabulary", () => {
    const stored = readTextPreprocessing(readOnnxModelInfo(exportTextOnnx(trained.spec)));
    const other: OnnxTextPreprocessingInfo = { ...stored, tokenizer: "bert-wordpiece" };
    assert.throws(() => encodeTexts(["hi"], other), /"bert-wordpiece".*only "gatehouse-words-v1"/);
    const repeated = { ...stored, vocabulary: [...stored.vocabulary, "free"] };
    assert.throws(
      () => encodeTexts(["hi"], repeated),
      /tokens\[\d+\] "free" repeats an earlier token/,
    );
  });
});

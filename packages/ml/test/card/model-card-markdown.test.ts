import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseModelCard } from "../../../hub/src/registry/model-card.js";
import { CardInputError, modelCardMarkdown, type ModelCardInfo } from "../../src/card/index.js";

// 29 of 30 test rows right: a value whose shortest decimal has 16 significant digits.
const ACCURACY = 29 / 30;

const full: ModelCardInfo = {
  modelName: "iris-mlp",
  description: "A small multilayer perceptron that classifies iris flowers.",
  license: "apache-2.0",
  pipelineTag: "tabular-classification",
  taskName: "Tabular classification",
  tags: ["gatehouse", "iris"],
  intendedUses: ["Teaching and demonstrating the release process."],
  limitations: ["Trained on 150 flowers of three species only."],
  dataset: {
    id: "iris",
    name: "Iris",
    rows: 150,
    features: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    target: "species",
    split: { seed: 42, train: 0.7, validation: 0.1, test: 0.2, stratified: true },
    preprocessing: ["standard scaling fitted on the training split"],
  },
  training: {
    architecture: "MLP 4-16-3, ReLU, softmax output",
    optimizer: "Adam",
    learningRate: 0.01,
    epochsRun: 37,
    maxEpochs: 200,
    earlyStopping: { monitor: "validation loss", patience: 10, bestEpoch: 27 },
    batchSize: 16,
    seed: 42,
    loss: "categorical cross-entropy",
  },
  results: [
    { type: "accuracy", name: "Test accuracy", value: ACCURACY, split: "test" },
    { type: "f1", name: "Test macro F1", value: 0.9665831244778613, split: "test" },
    { type: "accuracy", name: "Validation accuracy", value: 1, split: "validation" },
  ],
  usage: {
    modelFile: "model.onnx",
    inputName: "features",
    inputType: "float32",
    inputWidth: 4,
    outputNames: ["probabilities", "label"],
  },
};

const minimal: ModelCardInfo = {
  modelName: "boston-linear",
  description: "Linear regression of house prices.",
  license: "mit",
  pipelineTag: "tabular-regression",
  dataset: { id: "boston", name: "Boston house prices", rows: 506 },
  results: [],
};

function frontMatterText(card: string): string {
  const end = card.indexOf("\n---\n", 4);
  assert.ok(card.startsWith("---\n") && end > 0, "card has front matter");
  return card.slice(4, end + 1);
}

function sectionTitles(card: string): string[] {
  return [...card.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? "");
}

describe("modelCardMarkdown front matter", () => {
  it("passes the hub's card parser with the Hugging Face model-index layout", () => {
    const data = parseModelCard(modelCardMarkdown(full));
    assert.equal(data.license, "apache-2.0");
    assert.equal(data.library_name, "onnx");
    assert.equal(data.pipeline_tag, "tabular-classification");
    assert.deepEqual(data.tags, ["gatehouse", "iris"]);
    assert.deepEqual(data.datasets, ["iris"]);
    assert.deepEqual(data.metrics, ["accuracy", "f1"]);
    assert.deepEqual(data.intended_uses, full.intendedUses);
    assert.deepEqual(data.limitations, full.limitations);
    const task = { type: "tabular-classification", name: "Tabular classification" };
    // One result per split, as huggingface_hub's eval_results_to_model_index groups them.
    assert.deepEqual(data["model-index"], [
      {
        name: "iris-mlp",
        results: [
          {
            task,
            dataset: { name: "Iris", type: "iris", split: "test" },
            metrics: [
              { type: "accuracy", value: 0.9666666666666667, name: "Test accuracy" },
              { type: "f1", value: 0.9665831244778613, name: "Test macro F1" },
            ],
          },
          {
            task,
            dataset: { name: "Iris", type: "iris", split: "validation" },
            metrics: [{ type: "accuracy", value: 1, name: "Validation accuracy" }],
          },
        ],
      },
    ]);
  });

  it("writes metric values with every digit", () => {
    const yaml = frontMatterText(modelCardMarkdown(full));
    assert.match(yaml, /^ +value: 0\.9666666666666667$/m);
  });

  it("writes tiny values so YAML 1.1 readers (PyYAML) also read a number", () => {
    const card = modelCardMarkdown({
      ...minimal,
      results: [
        { type: "mse", value: 1e-7, split: "test" },
        { type: "mae", value: 2.5e21, split: "test" },
      ],
    });
    const yaml = frontMatterText(card);
    assert.match(yaml, /value: 1\.0e-7$/m);
    for (const version of ["1.1", "1.2"] as const) {
      const data = parse(yaml, { version }) as {
        "model-index": { results: { metrics: { value: unknown }[] }[] }[];
      };
      const values = data["model-index"][0]?.results[0]?.metrics.map((m) => m.value);
      assert.deepEqual(values, [1e-7, 2.5e21], `YAML ${version}`);
    }
  });

  it("quotes names that YAML would misread", () => {
    const tricky = [
      "a: b #c",
      "yes",
      "1.0",
      "- item",
      'say "hi"\nnext line',
      "null",
      "[x]",
      "@home",
    ];
    const card = modelCardMarkdown({
      ...full,
      modelName: "model: v1 # best",
      tags: tricky,
      dataset: { ...full.dataset, id: "a: b #c", name: "a: b #c" },
    });
    const data = parseModelCard(card);
    assert.deepEqual(data.tags, tricky);
    assert.deepEqual(data.datasets, ["a: b #c"]);
    const index = data["model-index"] as {
      name: string;
      results: { dataset: { name: string; type: string } }[];
    }[];
    const [entry] = index;
    assert.ok(entry !== undefined);
    assert.equal(entry.name, "model: v1 # best");
    assert.deepEqual(entry.results[0]?.dataset, {
      name: "a: b #c",
      type: "a: b #c",
      split: "test",
    });
    // YAML 1.1 reads an unquoted yes as true.
    const old = parse(frontMatterText(card), { version: "1.1" }) as { tags: unknown[] };
    assert.deepEqual(old.tags, tricky);
  });

  it("leaves metrics and model-index out when there are no results", () => {
    const data = parseModelCard(modelCardMarkdown(minimal));
    assert.deepEqual(Object.keys(data), ["license", "library_name", "pipeline_tag", "datasets"]);
  });
});

describe("modelCardMarkdown sections", () => {
  it("has every section when every part is given", () => {
    assert.deepEqual(sectionTitles(modelCardMarkdown({ ...full, privacy: undefined })), [
      "Intended uses & limitations",
      "Training data",
      "Training procedure",
      "Evaluation results",
      "How to use",
      "Privacy",
    ]);
  });

  it("leaves out sections whose info is missing, and says there is no privacy guarantee", () => {
    const card = modelCardMarkdown(minimal);
    assert.deepEqual(sectionTitles(card), ["Training data", "Privacy"]);
    assert.match(card, /^# boston-linear$/m);
    assert.match(card, /No formal privacy guarantee/);
    assert.doesNotMatch(card, /Split:|Preprocessing|Features/);
  });

  it("describes the data split and the training run as given", () => {
    const card = modelCardMarkdown(full);
    assert.match(card, /- \*\*Rows:\*\* 150/);
    assert.match(
      card,
      /- \*\*Split:\*\* train 0\.7, validation 0\.1, test 0\.2 of the rows \(seed 42, stratified by class\)/,
    );
    assert.match(card, /1\. standard scaling fitted on the training split/);
    assert.match(card, /\| Learning rate \| 0\.01 \|/);
    assert.match(
      card,
      /\| Epochs run \| 37 of at most 200 \(early stopping on validation loss, patience 10; weights of epoch 27 kept\) \|/,
    );
    assert.match(card, /\| Batch size \| 16 \|/);
    assert.match(card, /\| Seed \| 42 \|/);
  });

  it("tabulates each result with 4 decimals and its split", () => {
    const card = modelCardMarkdown(full);
    assert.match(card, /\| Test accuracy \| 0\.9667 \| test \|/);
    assert.match(card, /\| Test macro F1 \| 0\.9666 \| test \|/);
    assert.match(card, /\| Validation accuracy \| 1 \| validation \|/);
  });

  it("shows ONNX Runtime usage with the model's real input and output names", () => {
    const card = modelCardMarkdown(full);
    assert.match(card, /session = ort\.InferenceSession\("model\.onnx"\)/);
    assert.match(card, /inputs = np\.zeros\(\(1, 4\), dtype=np\.float32\)/);
    assert.match(
      card,
      /probabilities, label = session\.run\(\["probabilities", "label"\], \{"features": inputs\}\)/,
    );
    assert.match(card, /in this order: sepal_length, sepal_width, petal_length, petal_width/);
    const regression = modelCardMarkdown({
      ...minimal,
      usage: {
        ...full.usage,
        inputWidth: 13,
        outputNames: ["prediction"],
      } as ModelCardInfo["usage"],
    });
    assert.match(
      regression,
      /prediction = session\.run\(\["prediction"\], \{"features": inputs\}\)\[0\]/,
    );
  });

  it("states a differential-privacy guarantee with its parameters", () => {
    const card = modelCardMarkdown({
      ...full,
      privacy: {
        epsilon: 2.9,
        delta: 1e-5,
        noiseMultiplier: 1.1,
        clipNorm: 1,
        sampleRate: 0.01,
        accountant: "rdp",
        steps: 3700,
      },
    });
    const privacy = card.slice(card.indexOf("## Privacy"));
    assert.match(privacy, /\(ε = 2\.9, δ = 0\.00001\)-differentially private/);
    assert.match(privacy, /\| Noise multiplier \| 1\.1 \|/);
    assert.match(privacy, /\| Clipping norm \(L2, per example\) \| 1 \|/);
    assert.match(privacy, /\| Sampling rate \| 0\.01 \|/);
    assert.match(privacy, /\| Accountant \| rdp \|/);
    assert.doesNotMatch(card, /No formal privacy guarantee/);
  });

  it("escapes names in the Markdown so they stay text", () => {
    const card = modelCardMarkdown({
      ...minimal,
      dataset: { ...minimal.dataset, name: "a: b #c | <d>" },
      results: [{ type: "r2", name: "R² | test", value: 0.5, split: "test" }],
    });
    assert.match(card, /- \*\*Dataset:\*\* a: b \\#c \\\| \\<d\\> \(id `boston`\)/);
    assert.match(card, /\| R² \\\| test \| 0\.5000 \| test \|/);
  });
});

describe("modelCardMarkdown refuses info it would misstate", () => {
  const refuses = (info: ModelCardInfo, message: RegExp): void => {
    assert.throws(
      () => modelCardMarkdown(info),
      (e: unknown) => e instanceof CardInputError && message.test(e.message),
    );
  };

  it("names the bad field", () => {
    refuses({ ...minimal, modelName: " " }, /modelName is empty/);
    refuses(
      { ...minimal, results: [{ type: "accuracy", value: NaN, split: "test" }] },
      /results\[0\]\.value is NaN: it must be a finite number/,
    );
    refuses(
      { ...minimal, dataset: { ...minimal.dataset, split: { seed: 1, train: 0.7, test: 0.2 } } },
      /dataset\.split fractions add up to 0\.8999999999999999: train, validation and test must sum to 1/,
    );
    refuses({ ...minimal, dataset: { ...minimal.dataset, rows: 0 } }, /dataset\.rows is 0/);
    refuses(
      {
        ...minimal,
        privacy: { epsilon: 1, delta: 1.5, noiseMultiplier: 1, clipNorm: 1, sampleRate: 0.1 },
      },
      /privacy\.delta is 1\.5: it must lie in \[0, 1\)/,
    );
  });
});

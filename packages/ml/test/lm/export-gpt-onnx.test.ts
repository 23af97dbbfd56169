import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { useWasmBackend } from "../../src/train/index.js";
import {
  exportGptOnnx,
  GPT_ONNX_CONFIG_KEY,
  gptLogits,
  gptPastName,
  gptPresentName,
  writeSafetensors,
  type GptConfig,
  type GptWeights,
  type GptWeightValues,
} from "../../src/lm/index.js";
import { readOnnxModelInfo } from "../../src/onnx/index.js";
import { strongGptWeights } from "./strong-gpt-weights.js";

// Needs python3 with numpy, onnx, onnxruntime and safetensors.
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "gpt_onnx_python_check.py");

const CONFIG: GptConfig = { vocabSize: 40, contextSize: 16, layers: 2, heads: 2, width: 16 };
const HEAD_SIZE = CONFIG.width / CONFIG.heads;
const TOLERANCE = 1e-4;

/** One call's inputs: token ids, mask and positions by row, and the past by name (empty when absent). */
interface Call {
  readonly ids: readonly (readonly number[])[];
  readonly mask: readonly (readonly number[])[];
  readonly positions: readonly (readonly number[])[];
  readonly past?: Readonly<Record<string, Tensor>>;
}

const int64 = (rows: readonly (readonly number[])[]): Tensor =>
  new Tensor("int64", BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]?.length ?? 0]);

async function run(session: InferenceSession, call: Call): Promise<Record<string, Tensor>> {
  const batch = call.ids.length;
  const feeds: Record<string, Tensor> = {
    input_ids: int64(call.ids),
    attention_mask: int64(call.mask),
    position_ids: int64(call.positions),
  };
  for (let i = 0; i < CONFIG.layers; i++) {
    for (const kind of ["key", "value"] as const) {
      feeds[gptPastName(i, kind)] =
        call.past?.[gptPresentName(i, kind)] ??
        new Tensor("float32", new Float32Array(0), [batch, CONFIG.heads, 0, HEAD_SIZE]);
    }
  }
  return session.run(feeds);
}

/** The tfjs forward pass's logits for one unpadded sequence, [length][vocab]. */
function tfjsLogits(weights: GptWeights, ids: readonly number[]): number[][] {
  const logits = tf.tidy(() =>
    gptLogits(CONFIG, weights, tf.tensor2d([[...ids]], undefined, "int32")),
  );
  const rows = logits.arraySync()[0] ?? [];
  logits.dispose();
  return rows;
}

/** Row `position` of batch row `row` of an ONNX logits output. */
function logitsAt(logits: Tensor, row: number, position: number): number[] {
  const [, length = 0, vocab = 0] = logits.dims;
  const start = (row * length + position) * vocab;
  return Array.from((logits.data as Float32Array).subarray(start, start + vocab));
}

function largestDifference(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] ?? NaN))), 0);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe("GPT decoder exported to ONNX with past keys and values", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-gpt-onnx-"));
  let weights: GptWeights;
  let bytes: Uint8Array;
  let session: InferenceSession;
  before(async () => {
    await useWasmBackend();
    weights = await strongGptWeights(CONFIG, 11);
    bytes = exportGptOnnx(CONFIG, weights, { "generation.max_new_tokens": "32" });
    session = await InferenceSession.create(bytes);
  });
  after(async () => {
    await session.release();
    tf.dispose([...weights.values()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the tfjs forward pass's logits for whole sequences, to 1e-4", async (t) => {
    const ids = [
      [3, 17, 39, 0, 5, 5, 5, 22, 9, 11],
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ];
    const out = await run(session, {
      ids,
      mask: ids.map((row) => row.map(() => 1)),
      positions: ids.map((row) => range(0, row.length)),
    });
    const logits = out.logits;
    assert.ok(logits !== undefined);
    assert.deepEqual(logits.dims, [2, 10, CONFIG.vocabSize]);
    assert.deepEqual(out[gptPresentName(1, "value")]?.dims, [2, CONFIG.heads, 10, HEAD_SIZE]);
    let worst = 0;
    ids.forEach((row, r) => {
      tfjsLogits(weights, row).forEach((expected, position) => {
        worst = Math.max(worst, largestDifference(logitsAt(logits, r, position), expected));
      });
    });
    t.diagnostic(`largest difference ${worst}`);
    assert.ok(worst < TOLERANCE, `largest difference ${worst}`);
  });

  it("decodes step by step from its presents as a full recompute does, to 1e-4", async (t) => {
    const sequence = [7, 30, 2, 2, 19, 38, 0, 13, 25, 4, 4, 33, 16, 8];
    // A prompt, a chunk of two new tokens on a past, then one token a call to the context's end.
    const chunks = [3, 2, ...sequence.slice(5).map(() => 1)];
    let past: Record<string, Tensor> | undefined;
    let done = 0;
    let worst = 0;
    for (const size of chunks) {
      const ids = sequence.slice(done, done + size);
      const out = await run(session, {
        ids: [ids],
        mask: [range(0, done + size).map(() => 1)],
        positions: [range(done, done + size)],
        ...(past === undefined ? {} : { past }),
      });
      const logits = out.logits;
      assert.ok(logits !== undefined);
      const full = tfjsLogits(weights, sequence.slice(0, done + size));
      ids.forEach((_, j) => {
        worst = Math.max(worst, largestDifference(logitsAt(logits, 0, j), full[done + j] ?? []));
      });
      done += size;
      assert.deepEqual(out[gptPresentName(0, "key")]?.dims, [1, CONFIG.heads, done, HEAD_SIZE]);
      past = out;
    }
    assert.equal(done, sequence.length);
    t.diagnostic(`largest difference over ${chunks.length} calls: ${worst}`);
    assert.ok(worst < TOLERANCE, `largest difference ${worst}`);
  });

  it("gives each sequence of a left-padded batch its own logits, then and on the next step", async (t) => {
    const long = [5, 9, 14, 2, 36, 21, 21, 0, 3];
    const short = [28, 6, 11, 39, 1];
    const pad = long.length - short.length;
    const mask = [long.map(() => 1), [...range(0, pad).map(() => 0), ...short.map(() => 1)]];
    // Padding's positions are never attended to; Hugging Face gives them 1.
    const positions = [
      range(0, long.length),
      [...range(0, pad).map(() => 1), ...range(0, short.length)],
    ];
    const first = await run(session, {
      ids: [long, [...range(0, pad).map(() => 0), ...short]],
      mask,
      positions,
    });
    const next = [12, 31];
    const second = await run(session, {
      ids: next.map((id) => [id]),
      mask: mask.map((row) => [...row, 1]),
      positions: [[long.length], [short.length]],
      past: first,
    });
    assert.ok(first.logits !== undefined && second.logits !== undefined);
    let worst = 0;
    [long, short].forEach((sequence, r) => {
      const offset = r === 0 ? 0 : pad;
      const alone = tfjsLogits(weights, [...sequence, next[r] ?? 0]);
      sequence.forEach((_, j) => {
        worst = Math.max(
          worst,
          largestDifference(logitsAt(first.logits as Tensor, r, offset + j), alone[j] ?? []),
        );
      });
      worst = Math.max(
        worst,
        largestDifference(logitsAt(second.logits as Tensor, r, 0), alone[sequence.length] ?? []),
      );
    });
    t.diagnostic(`largest difference ${worst}`);
    assert.ok(worst < TOLERANCE, `largest difference ${worst}`);
  });

  it("runs in Python's onnxruntime as a numpy GPT-2 computes it, last hidden state too, to 1e-4", async (t) => {
    const model = path.join(dir, "model.onnx");
    writeFileSync(model, bytes);
    const file = path.join(dir, "model.safetensors");
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, w] of weights) {
      tensors.set(name, { shape: w.shape, data: (await w.data()) as Float32Array });
    }
    await writeSafetensors(file, tensors);
    const job = {
      model,
      weights: file,
      config: CONFIG,
      ids: [
        [4, 8, 15, 16, 23, 39, 0, 1],
        [0, 0, 0, 10, 20, 30, 2, 3],
      ],
      lengths: [8, 5],
      next: [7, 35],
    };
    const check = spawnSync("python3", [SCRIPT], { input: JSON.stringify(job), encoding: "utf8" });
    assert.equal(
      check.status,
      0,
      `Python check failed (onnx, onnxruntime installed?): ${check.stderr}`,
    );
    const result = JSON.parse(check.stdout) as {
      checker: string;
      configInMetadata: boolean;
      inputs: string[];
      outputs: string[];
      logits: number;
      step: number;
      cache: number;
      hidden: number;
    };
    t.diagnostic(
      `largest differences: logits ${result.logits}, step ${result.step}, cache ${result.cache}, last hidden state ${result.hidden}`,
    );
    assert.equal(result.checker, "ok");
    assert.ok(result.configInMetadata);
    assert.deepEqual(result.inputs, [
      "input_ids",
      "attention_mask",
      "position_ids",
      "past_key_values.0.key",
      "past_key_values.0.value",
      "past_key_values.1.key",
      "past_key_values.1.value",
    ]);
    assert.deepEqual(result.outputs, [
      "logits",
      "present.0.key",
      "present.0.value",
      "present.1.key",
      "present.1.value",
      "last_hidden_state",
    ]);
    for (const key of ["logits", "step", "cache", "hidden"] as const) {
      assert.ok(result[key] < TOLERANCE, `${key}: largest difference ${result[key]}`);
    }
  });

  it("records the configuration and the caller's metadata, and refuses a caller's configuration key", () => {
    const info = readOnnxModelInfo(bytes);
    assert.deepEqual(info.metadataProps, {
      [GPT_ONNX_CONFIG_KEY]: JSON.stringify(CONFIG),
      "generation.max_new_tokens": "32",
    });
    assert.throws(
      () => exportGptOnnx(CONFIG, weights, { [GPT_ONNX_CONFIG_KEY]: "{}" }),
      /metadata key gatehouse\.gpt_config is written by the export from the configuration; remove it from the metadata/,
    );
  });

  it("refuses weights missing one or of the wrong shape, naming the weight", () => {
    const missing = new Map(weights);
    missing.delete("h.1.mlp.c_fc.bias");
    assert.throws(
      () => exportGptOnnx(CONFIG, missing),
      /the weights have no h\.1\.mlp\.c_fc\.bias; a model of this configuration needs it/,
    );
    const transposed = tf.zeros([CONFIG.width * 3, CONFIG.width]);
    const reshaped = new Map<string, GptWeightValues>(weights);
    reshaped.set("h.0.attn.c_attn.weight", transposed);
    assert.throws(
      () => exportGptOnnx(CONFIG, reshaped),
      /weight h\.0\.attn\.c_attn\.weight has shape \[48, 16\]; a model of this configuration needs \[16, 48\]/,
    );
    transposed.dispose();
    const short = new Map<string, GptWeightValues>(weights);
    short.set("wpe", new Float32Array(10));
    assert.throws(
      () => exportGptOnnx(CONFIG, short),
      /weight wpe has 10 values; a model of this configuration needs 256 \(\[16, 16\]\)/,
    );
  });
});

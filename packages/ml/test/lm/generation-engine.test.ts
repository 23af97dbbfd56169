import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { createRng } from "../../src/random/seeded.js";
import { useWasmBackend } from "../../src/train/index.js";
import {
  BpeTokenizer,
  createGenerationEngine,
  END_OF_TEXT,
  exportGptOnnx,
  generateLm,
  GPT_ONNX_GENERATION_KEY,
  GPT_ONNX_NAMES,
  GPT_ONNX_TOKENIZER_KEY,
  gptPastName,
  gptWeightsFrom,
  GREEDY,
  initGptWeights,
  LmInputError,
  toTokenizerJson,
  trainBpe,
  type GenerationEngine,
  type GenerationRequest,
  type GenerationResult,
  type GptConfig,
  type GptWeights,
} from "../../src/lm/index.js";

const CORPUS = [
  "the cat sat on the mat and the dog sat on the log",
  "a café on the corner sells bread, coffee and tea",
  "中文的文字和英文的文字 mixed with words",
  "numbers 12 34 56 and symbols !? ... -- ++",
];
const tokenizer = new BpeTokenizer(
  trainBpe(CORPUS, { vocabSize: 300, specialTokens: [END_OF_TEXT] }),
);
const EOS = tokenizer.id(END_OF_TEXT);
const CONFIG: GptConfig = {
  vocabSize: tokenizer.size,
  contextSize: 24,
  layers: 2,
  heads: 2,
  width: 16,
};
const SAMPLED = {
  temperature: 0.9,
  topK: 40,
  topP: 0.95,
  presencePenalty: 0.3,
  frequencyPenalty: 0.2,
};

/** Seeded weights scaled up from GPT-2's initial ones, so that the logits are far from flat. */
async function testWeights(): Promise<GptWeights> {
  const initial = initGptWeights(CONFIG, createRng(5));
  const values = new Map<string, Float32Array>();
  for (const [name, w] of initial) {
    const data = (await w.data()) as Float32Array;
    values.set(name, name.includes("ln_") ? data : Float32Array.from(data, (v) => v * 10));
    w.dispose();
  }
  return gptWeightsFrom(CONFIG, values);
}

/** A request's result with the text its deltas streamed. */
async function streamed(
  engine: GenerationEngine,
  request: GenerationRequest,
): Promise<{ result: GenerationResult; deltas: string[] }> {
  const deltas: string[] = [];
  const result = await engine.generate(request, (delta) => deltas.push(delta));
  return { result, deltas };
}

describe("generation engine over the exported decoder", () => {
  let weights: GptWeights;
  let bytes: Uint8Array;
  let engine: GenerationEngine;
  before(async () => {
    await useWasmBackend();
    weights = await testWeights();
    bytes = exportGptOnnx(CONFIG, weights, {
      [GPT_ONNX_TOKENIZER_KEY]: JSON.stringify(toTokenizerJson(tokenizer)),
      [GPT_ONNX_GENERATION_KEY]: JSON.stringify({ bos_token_id: EOS, eos_token_id: EOS }),
    });
    engine = await createGenerationEngine(bytes);
  });
  after(async () => {
    await engine.close();
    tf.dispose([...weights.values()]);
  });

  it("generates greedily what the tfjs model gives by full recompute, to the end of the context", async () => {
    for (const prompt of ["the cat", "a café on", "中文的 words and 12"]) {
      const promptTokens = tokenizer.encode(prompt).length;
      // The last token is drawn with the context full; one more would need a position past it.
      const room = CONFIG.contextSize - promptTokens + 1;
      const expected = await generateLm(CONFIG, weights, tokenizer, prompt, {
        ...GREEDY,
        maxTokens: room,
        seed: 0,
        stopAt: EOS,
      });
      const result = await engine.generate({ prompt, maxTokens: room + 10 });
      assert.equal(result.text, expected, `prompt ${JSON.stringify(prompt)}`);
      assert.equal(result.promptTokens, promptTokens);
      assert.equal(result.finishReason, "length");
      assert.equal(result.completionTokens, room);
      assert.equal(tokenizer.decode(result.ids), expected);
      assert.ok((result.timeToFirstTokenMs ?? -1) >= 0);
    }
  });

  it("samples with a seed as the tfjs reference does with the same seed", async () => {
    const prompt = "the dog sat";
    const expected = await generateLm(CONFIG, weights, tokenizer, prompt, {
      ...SAMPLED,
      maxTokens: 12,
      seed: 42,
      stopAt: EOS,
    });
    const result = await engine.generate({ prompt, maxTokens: 12, sampling: SAMPLED, seed: 42 });
    assert.equal(result.text, expected);
  });

  it("gives each of several requests, joining and leaving a running batch, the tokens it gives alone, in fewer runs than tokens", async (t) => {
    const requests: GenerationRequest[] = [
      { prompt: "the cat sat on the mat", maxTokens: 14 },
      { prompt: "a", maxTokens: 18, sampling: SAMPLED, seed: 1 },
      { prompt: "中文的文字", maxTokens: 10 },
      { prompt: "numbers 12 34", maxTokens: 16, sampling: SAMPLED, seed: 2 },
      { prompt: "tea and", maxTokens: 12, sampling: SAMPLED, seed: 3 },
    ];
    const serial = await createGenerationEngine(bytes, { batching: false });
    const alone: GenerationResult[] = [];
    for (const request of requests) {
      alone.push(await serial.generate(request));
    }
    await serial.close();

    const batched = await createGenerationEngine(bytes);
    const results: Promise<GenerationResult>[] = [];
    const activeAtJoin: number[] = [];
    // Requests 2 and 3 join once request 0 has streamed a few pieces (or ended), 4 once 1 has.
    const joinAfter = (piecesOf: number, pieces: number, joiners: number[]): void => {
      let seen = 0;
      let joined = false;
      const join = () => {
        if (!joined) {
          joined = true;
          activeAtJoin.push(batched.activeCount);
          for (const j of joiners) {
            results[j] = batched.generate(requests[j] as GenerationRequest);
          }
        }
      };
      results[piecesOf] = batched.generate(requests[piecesOf] as GenerationRequest, () => {
        seen += 1;
        if (seen === pieces) {
          join();
        }
      });
      void results[piecesOf].finally(join);
    };
    joinAfter(0, 3, [2, 3]);
    joinAfter(1, 6, [4]);
    const together = await Promise.all(
      requests.map(async (_, i) => {
        // Joiners are started by the callbacks above before their starters end.
        for (let tries = 0; results[i] === undefined && tries < 1000; tries++) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        return results[i] as Promise<GenerationResult>;
      }),
    );
    together.forEach((result, i) => {
      assert.deepEqual(result.ids, alone[i]?.ids, `request ${i}`);
      assert.equal(result.text, alone[i]?.text);
      assert.equal(result.finishReason, alone[i]?.finishReason);
    });
    // Both joins came while their starters were being decoded, beside the other starter.
    assert.deepEqual(
      activeAtJoin.map((n) => n >= 2),
      [true, true],
      `active at joins: ${activeAtJoin.join(", ")}`,
    );
    const tokens = together.reduce((sum, r) => sum + r.completionTokens, 0);
    t.diagnostic(`${batched.runs} runs for ${tokens} tokens`);
    assert.ok(batched.runs < tokens, `${batched.runs} runs for ${tokens} tokens`);
    // Five prefills and at least as many steps as the longest request needs after its prefill.
    const longest = Math.max(...together.map((r) => r.completionTokens));
    assert.ok(batched.runs >= requests.length + longest - 1);
    assert.equal(batched.activeCount, 0);
    await batched.close();
  });

  it("streams deltas that join to the text, and ends at a stop sequence left out of both", async () => {
    const prompt = "a café";
    const free = await streamed(engine, { prompt, maxTokens: 16, sampling: SAMPLED, seed: 9 });
    assert.equal(free.deltas.join(""), free.result.text);
    const text = free.result.text;
    // A stop sequence the model will write: two characters from the middle of its free text.
    const middle = Array.from(text).slice(4, 6).join("");
    assert.equal(Array.from(middle).length, 2, `free text too short: ${JSON.stringify(text)}`);
    const stopped = await streamed(engine, {
      prompt,
      maxTokens: 16,
      sampling: SAMPLED,
      seed: 9,
      stop: ["never written here", middle],
    });
    assert.equal(stopped.result.finishReason, "stop");
    assert.equal(stopped.result.text, text.slice(0, text.indexOf(middle)));
    assert.equal(stopped.deltas.join(""), stopped.result.text);
    assert.ok(!stopped.deltas.join("").includes(middle));
  });

  it("ends with length at max tokens", async () => {
    const result = await engine.generate({ prompt: "the", maxTokens: 3 });
    assert.equal(result.finishReason, "length");
    assert.equal(result.completionTokens, 3);
    assert.equal(result.ids.length, 3);
  });

  it("ends an aborted request with abort and frees its place, the others going on as alone", async () => {
    const other: GenerationRequest = {
      prompt: "the dog",
      maxTokens: 16,
      sampling: SAMPLED,
      seed: 4,
    };
    const alone = await engine.generate(other);
    const controller = new AbortController();
    let pieces = 0;
    const aborted = engine.generate(
      { prompt: "the cat", maxTokens: 20, sampling: SAMPLED, seed: 5, signal: controller.signal },
      () => {
        pieces += 1;
        if (pieces === 2) {
          controller.abort();
        }
      },
    );
    const beside = engine.generate(other);
    const [result, besideResult] = await Promise.all([aborted, beside]);
    assert.equal(result.finishReason, "abort");
    assert.ok(result.completionTokens < 20);
    assert.deepEqual(besideResult.ids, alone.ids);
    assert.equal(engine.activeCount, 0);
    assert.equal(engine.waitingCount, 0);

    const already = await engine.generate({
      prompt: "the",
      maxTokens: 5,
      signal: AbortSignal.abort(),
    });
    assert.equal(already.finishReason, "abort");
    assert.equal(already.completionTokens, 0);
    assert.equal(already.timeToFirstTokenMs, undefined);
  });

  it("ends with abort a request aborted while it waits for an engine without batching", async () => {
    const serial = await createGenerationEngine(bytes, { batching: false });
    const controller = new AbortController();
    const first = serial.generate({ prompt: "the cat", maxTokens: 10 }, () => {
      controller.abort();
    });
    const second = serial.generate({ prompt: "the dog", maxTokens: 10, signal: controller.signal });
    const [firstResult, secondResult] = await Promise.all([first, second]);
    assert.equal(firstResult.finishReason, "length");
    assert.equal(secondResult.finishReason, "abort");
    assert.equal(secondResult.completionTokens, 0);
    await serial.close();
  });

  it("takes a request made as the one before it resolves", async () => {
    const chained = await engine
      .generate({ prompt: "the", maxTokens: 2 })
      .then(() => engine.generate({ prompt: "the cat", maxTokens: 3 }));
    assert.equal(chained.completionTokens, 3);
  });

  it("refuses running and new requests once closed", async () => {
    const closing = await createGenerationEngine(bytes);
    let closed: Promise<void> | undefined;
    const running = closing.generate({ prompt: "the cat", maxTokens: 20 }, () => {
      closed ??= closing.close();
    });
    await assert.rejects(running, /the generation engine was closed; start a new one to generate/);
    await closed;
    await assert.rejects(
      closing.generate({ prompt: "the", maxTokens: 2 }),
      /the generation engine was closed/,
    );
  });

  it("refuses a prompt longer than the context, naming both lengths", async () => {
    const ids = Array.from({ length: CONFIG.contextSize + 1 }, (_, i) => 10 + i);
    await assert.rejects(
      engine.generate({ prompt: ids, maxTokens: 4 }),
      (err: unknown) =>
        err instanceof LmInputError &&
        err.message === "the prompt has 25 tokens; this model's context is 24; shorten the prompt",
    );
    await assert.rejects(
      engine.generate({ prompt: "", maxTokens: 4 }),
      /the prompt is empty; give at least one token to continue/,
    );
    await assert.rejects(
      engine.generate({ prompt: [CONFIG.vocabSize], maxTokens: 4 }),
      /prompt token id 300 is outside the vocabulary of 300/,
    );
    assert.equal(engine.activeCount, 0);
  });

  it("embeds each input as the mean of its last hidden state, scaled to length 1", async () => {
    const texts = ["the cat sat on the mat", "a café on the corner", "the cat sat on the mat"];
    const inputs = texts.map((text) => tokenizer.encode(text));
    const vectors = await engine.embed(inputs);
    // The reference: the exported file run once per input by onnxruntime itself (the
    // export's tests hold last_hidden_state to a numpy GPT-2), pooled here.
    const session = await InferenceSession.create(bytes);
    const headSize = CONFIG.width / CONFIG.heads;
    const int64 = (values: readonly number[]) =>
      new Tensor("int64", BigInt64Array.from(values, BigInt), [1, values.length]);
    try {
      for (const [i, ids] of inputs.entries()) {
        const feeds: Record<string, Tensor> = {
          [GPT_ONNX_NAMES.inputIds]: int64(ids),
          [GPT_ONNX_NAMES.attentionMask]: int64(ids.map(() => 1)),
          [GPT_ONNX_NAMES.positionIds]: int64(ids.map((_, j) => j)),
        };
        for (let layer = 0; layer < CONFIG.layers; layer++) {
          for (const kind of ["key", "value"] as const) {
            feeds[gptPastName(layer, kind)] = new Tensor("float32", new Float32Array(0), [
              1,
              CONFIG.heads,
              0,
              headSize,
            ]);
          }
        }
        const hidden = (await session.run(feeds))[GPT_ONNX_NAMES.lastHiddenState]
          ?.data as Float32Array;
        const mean = Array.from(
          { length: CONFIG.width },
          (_, j) =>
            ids.reduce((sum, _id, t) => sum + (hidden[t * CONFIG.width + j] ?? 0), 0) / ids.length,
        );
        const length = Math.sqrt(mean.reduce((sum, v) => sum + v * v, 0));
        const vector = vectors[i] ?? new Float32Array(0);
        assert.equal(vector.length, CONFIG.width);
        mean.forEach((v, j) => {
          assert.ok(Math.abs((vector[j] ?? NaN) - v / length) < 1e-5, `input ${i}, dimension ${j}`);
        });
      }
    } finally {
      await session.release();
    }
    assert.deepEqual(vectors[0], vectors[2], "the same text, the same vector");
    await assert.rejects(
      engine.embed([[]]),
      /the input is empty; give at least one token to embed/,
    );
    await assert.rejects(
      engine.embed([Array.from({ length: CONFIG.contextSize + 1 }, () => 10)]),
      /the input has 25 tokens; this model's context is 24; shorten the input/,
    );
  });

  it("refuses a model without a tokenizer in its metadata, naming the key", async () => {
    await assert.rejects(
      createGenerationEngine(exportGptOnnx(CONFIG, weights)),
      /the model has no gatehouse\.tokenizer in its metadata/,
    );
  });
});

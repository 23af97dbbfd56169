import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import * as tf from "@tensorflow/tfjs";
import { gptHidden, gptWeightsFrom, readLmFolder } from "@gatehouse/ml";
import { pythonEnv, runProcess } from "../compat/python-client.js";
import { settleUsage } from "../limits/usage-support.js";
import { expectStatus } from "../security/support.js";
import { enable, publishAt, trainIris } from "../serve/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { refusalOf, serveTinyLm, trainTinyLm, type TinyLm } from "./support.js";

const PYTHON_EMBEDDINGS = fileURLToPath(new URL("./openai_embeddings.py", import.meta.url));
const LM = "acme/tiny-lm@v1";
/** Writes a copy of the exported decoder without last_hidden_state, as files exported before it are. */
const STRIP_HIDDEN_STATE = `
import sys, onnx
model = onnx.load(sys.argv[1])
kept = [o for o in model.graph.output if o.name != "last_hidden_state"]
del model.graph.output[:]
model.graph.output.extend(kept)
model.graph.node.remove(next(n for n in model.graph.node if "last_hidden_state" in n.output))
onnx.save(model, sys.argv[2])
`;
const TEXTS = ["Call me Ishmael.", "The whale, the whale!", "Call me Ishmael."];

const clientOf = (hub: TestHub, token: string) =>
  new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: token, maxRetries: 0 });

/** Posts to /v1/embeddings without the SDK, for what the SDK would not send. */
async function post(hub: TestHub, token: string, json: unknown) {
  const res = await hub.request("POST", "/v1/embeddings", { token, json });
  return {
    status: res.status,
    body: (await res.json()) as { error: { message: string; param: string | null; code: string } },
  };
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, v, i) => sum + v * (b[i] ?? NaN), 0);

// The store is not what these tests are about: one dialect is enough.
describe("embeddings from a served language model through the OpenAI-compatible API", () => {
  let hub: TestHub;
  let lm: TinyLm;
  let owner: string;
  let caller: string;
  let stranger: string;
  /** The mean of the tfjs model's final hidden states over `text`, scaled to length 1. */
  let reference: (text: string) => Promise<number[]>;
  let width: number;
  let calls = 0;

  before(async () => {
    lm = await trainTinyLm();
    const folder = await readLmFolder(lm.dir);
    width = folder.config.width;
    reference = async (text) => {
      const weights = gptWeightsFrom(
        folder.config,
        new Map([...folder.weights].map(([name, t]) => [name, t.data])),
      );
      const ids = lm.tokenizer.encode(text);
      const hidden = tf.tidy(() =>
        gptHidden(folder.config, weights, tf.tensor2d([ids], [1, ids.length], "int32"))
          .mean(1)
          .squeeze(),
      );
      const mean = Array.from(await hidden.data());
      tf.dispose([hidden, ...weights.values()]);
      const length = Math.sqrt(dot(mean, mean));
      return mean.map((v) => v / length);
    };
    hub = await startHub("sqlite");
    ({ owner, caller, stranger } = await serveTinyLm(hub, lm));
    const iris = await trainIris();
    await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
    await enable(hub, owner, "acme/iris", "v1");
    await iris.cleanup();
  });
  after(async () => {
    await hub.close();
    await lm.cleanup();
  });

  it("embeds texts as the model's own tfjs forward pass does, each of length 1, counting tokens with its tokenizer", async () => {
    const answer = await clientOf(hub, caller).embeddings.create({
      model: LM,
      input: TEXTS,
      encoding_format: "float",
    });
    calls += 1;
    assert.equal(answer.object, "list");
    assert.equal(answer.model, LM);
    assert.deepEqual(
      answer.data.map((d) => [d.object, d.index, d.embedding.length]),
      TEXTS.map((_, i) => ["embedding", i, width]),
    );
    for (const [i, text] of TEXTS.entries()) {
      const expected = await reference(text);
      const got = answer.data[i]?.embedding ?? [];
      const worst = Math.max(...got.map((v, j) => Math.abs(v - (expected[j] ?? NaN))));
      assert.ok(worst < 1e-4, `input ${i}: largest difference ${worst}`);
      assert.ok(Math.abs(dot(got, got) - 1) < 1e-5, `input ${i} has length 1`);
    }
    assert.deepEqual(answer.data[0]?.embedding, answer.data[2]?.embedding);
    const tokens = TEXTS.reduce((n, t) => n + lm.tokenizer.encode(t).length, 0);
    assert.deepEqual(answer.usage, { prompt_tokens: tokens, total_tokens: tokens });
  });

  it("gives the same vectors as base64, the SDK's default, and for a text's token ids", async () => {
    const client = clientOf(hub, caller);
    const floats = await client.embeddings.create({
      model: LM,
      input: TEXTS[0] ?? "",
      encoding_format: "float",
    });
    // Unasked, the SDK asks for base64 and decodes the float32 bytes itself.
    const decoded = await client.embeddings.create({ model: LM, input: TEXTS[0] ?? "" });
    const ids = await client.embeddings.create({
      model: LM,
      input: [lm.tokenizer.encode(TEXTS[0] ?? ""), lm.tokenizer.encode(TEXTS[1] ?? "")],
      encoding_format: "float",
    });
    const width = await client.embeddings.create({
      model: LM,
      input: "whale",
      dimensions: floats.data[0]?.embedding.length ?? 0,
    });
    calls += 4;
    assert.deepEqual(decoded.data[0]?.embedding, floats.data[0]?.embedding);
    assert.deepEqual(ids.data[0]?.embedding, floats.data[0]?.embedding);
    assert.equal(ids.data.length, 2);
    assert.equal(width.data[0]?.embedding.length, floats.data[0]?.embedding.length);
  });

  it("refuses inputs it cannot embed, saying what to change", async () => {
    const long = "whale ".repeat(200);
    const tooLong = await post(hub, caller, { model: LM, input: ["Call me", long] });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(
      [tooLong.body.error.code, tooLong.body.error.param],
      ["context_length_exceeded", "input"],
    );
    assert.match(
      tooLong.body.error.message,
      new RegExp(
        `^This model's maximum context length is ${lm.contextSize} tokens, but input 1 has \\d+ tokens; shorten it$`,
      ),
    );
    const empty = await post(hub, caller, { model: LM, input: "" });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.message, "the input is empty; give at least one token to embed");
    const dimensions = await post(hub, caller, { model: LM, input: "whale", dimensions: 8 });
    assert.equal(dimensions.status, 400);
    assert.equal(dimensions.body.error.param, "dimensions");
    assert.match(
      dimensions.body.error.message,
      new RegExp(`gives embeddings of ${width} dimensions and cannot shorten them`),
    );
    const outside = await post(hub, caller, { model: LM, input: [[lm.tokenizer.size]] });
    assert.equal(outside.status, 400);
    assert.match(outside.body.error.message, /outside the vocabulary/);
    const unknown = await post(hub, caller, { model: LM, input: "whale", pooling: "last" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /pooling/);
    const none = await post(hub, caller, { model: LM, input: [] });
    assert.equal(none.status, 400);
    assert.match(none.body.error.message, /input/);
    const iris = await post(hub, caller, { model: "acme/iris@v1", input: "whale" });
    assert.equal(iris.status, 400);
    assert.match(iris.body.error.message, /acme\/iris@v1 is not a language model/);
    calls += 7;
  });

  it("answers a private version to its owner and as a missing model to anyone else", async () => {
    const own = await clientOf(hub, owner).embeddings.create({
      model: "acme/secret-lm@v1",
      input: "whale",
    });
    assert.equal(own.data.length, 1);
    const refusal = async (model: string) => {
      const answer = await post(hub, stranger, { model, input: "x" });
      assert.equal(answer.status, 404);
      assert.equal(answer.body.error.code, "model_not_found");
      return JSON.stringify(answer.body).replaceAll(model, "MODEL");
    };
    assert.equal(await refusal("acme/secret-lm@v1"), await refusal("acme/missing@v1"));
    calls += 3;
  });

  it("refuses, before any limit counts it, a model exported before it gave its hidden state", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-old-lm-"));
    try {
      const file = path.join(dir, "model.onnx");
      const stripped = path.join(dir, "old.onnx");
      await writeFile(file, lm.files["model.onnx"]);
      const run = await runProcess(["-c", STRIP_HIDDEN_STATE, file, stripped], pythonEnv(), "");
      assert.equal(run.code, 0, `this test needs python3 with onnx: ${run.stderr}`);
      await publishAt(hub, owner, "acme/old-lm", "api", "v1", {
        "model.onnx": await readFile(stripped),
        "README.md": lm.files["README.md"],
      });
      await enable(hub, owner, "acme/old-lm", "v1");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expectStatus(
      hub.request("PUT", "/api/models/acme/old-lm/versions/v1/limits", {
        token: owner,
        json: { requests: { perMinute: 1 } },
      }),
      200,
    );
    for (let i = 0; i < 2; i += 1) {
      const old = await post(hub, caller, { model: "acme/old-lm@v1", input: "whale" });
      assert.equal(old.status, 400, "refused alike each time: the minute's one call is not spent");
      assert.equal(old.body.error.param, "model");
      assert.match(
        old.body.error.message,
        /^acme\/old-lm@v1 was exported before its file gave the hidden state embeddings are pooled from/,
      );
    }
    // It still generates.
    const completion = await clientOf(hub, caller).completions.create({
      model: "acme/old-lm@v1",
      prompt: "Call me",
      max_tokens: 2,
    });
    assert.equal(completion.model, "acme/old-lm@v1");
    calls += 3;
  });

  it("counts an embedding's tokens in the token limits and records them", async () => {
    await expectStatus(
      hub.request("PUT", "/api/models/acme/tiny-lm/versions/v1/limits", {
        token: owner,
        json: { tokens: { perMinute: 40 } },
      }),
      200,
    );
    const client = clientOf(hub, caller);
    const first = await client.embeddings
      .create({ model: LM, input: "Call me Ishmael.", encoding_format: "float" })
      .withResponse();
    const spent = first.data.usage.prompt_tokens;
    assert.equal(first.response.headers.get("x-ratelimit-limit-tokens"), "40");
    assert.equal(first.response.headers.get("x-ratelimit-remaining-tokens"), String(40 - spent));
    const over = await refusalOf(
      client.embeddings.create({ model: LM, input: "whale ".repeat(Math.ceil(40 / 2)) }),
    );
    assert.ok(over instanceof OpenAI.RateLimitError, String(over));
    calls += 2;
    await expectStatus(
      hub.request("DELETE", "/api/models/acme/tiny-lm/versions/v1/limits", { token: owner }),
      204,
    );
    await settleUsage(hub, calls);
    const record = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["endpoint", "status", "prompt_tokens", "completion_tokens"])
      .where("endpoint", "=", "embeddings")
      .where("status", "=", 200)
      .orderBy("at", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    assert.deepEqual(record, {
      endpoint: "embeddings",
      status: 200,
      prompt_tokens: spent,
      completion_tokens: 0,
    });
  });

  it("embeds through the Python openai package as through the npm SDK", async () => {
    const run = await runProcess(
      [PYTHON_EMBEDDINGS],
      pythonEnv(),
      JSON.stringify({ base_url: `${hub.url}/v1`, api_key: caller, model: LM, input: TEXTS }),
    );
    assert.equal(
      run.code,
      0,
      `this test needs python3 with the openai package: python3 -m pip install openai\n${run.stderr}`,
    );
    const out = JSON.parse(run.stdout) as { vectors: number[][]; prompt_tokens: number };
    const npm = await clientOf(hub, caller).embeddings.create({
      model: LM,
      input: TEXTS,
      encoding_format: "float",
    });
    calls += 2;
    assert.deepEqual(
      out.vectors,
      npm.data.map((d) => d.embedding),
    );
    assert.equal(out.prompt_tokens, npm.usage.prompt_tokens);
  });
});

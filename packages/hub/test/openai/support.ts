import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createRng,
  END_OF_TEXT,
  initGptWeights,
  writeLmFolder,
  generateLm,
  GREEDY,
  gptWeightsFrom,
  readLmFolder,
  trainLanguageModel,
  type BpeTokenizer,
  type F32Tensor,
} from "@gatehouse/ml";
import { expectStatus } from "../security/support.js";
import { enable, publishAt } from "../serve/support.js";
import type { TestHub } from "../support/harness.js";

/** A size that trains in seconds: what it writes is not the point, only that the hub serves it faithfully. */
const TINY = { vocabSize: 300, contextSize: 128, layers: 1, heads: 2, width: 16 };

/** A small language model as `gatehouse train lm` writes it, and an independent way to continue its text. */
export interface TinyLm {
  readonly dir: string;
  /** model.onnx and README.md (whose card states the chat template). */
  readonly files: { readonly "model.onnx": Buffer; readonly "README.md": Buffer };
  readonly contextSize: number;
  readonly tokenizer: BpeTokenizer;
  /**
   * The greedy continuation of `prompt` by the tfjs model of the folder (a
   * full pass over the context each token), against which the hub's ONNX
   * engine with its key/value cache is checked.
   */
  greedy(prompt: string, maxTokens: number): Promise<string>;
  cleanup(): Promise<void>;
}

/** Trains a tiny language model on a few chapters of Moby Dick. */
export async function trainTinyLm(): Promise<TinyLm> {
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-openai-lm-"));
  await trainLanguageModel({
    corpus: "moby-dick",
    outDir: dir,
    size: TINY,
    steps: 8,
    batchSize: 4,
    learningRate: 3e-3,
    warmupSteps: 2,
    seed: 3,
    licence: "openrail",
  });
  const folder = await readLmFolder(dir);
  const values = new Map([...folder.weights].map(([name, t]) => [name, t.data]));
  const weights = gptWeightsFrom(folder.config, values);
  const eos = folder.tokenizer.id(END_OF_TEXT);
  return {
    dir,
    files: {
      "model.onnx": await readFile(path.join(dir, "model.onnx")),
      "README.md": await readFile(path.join(dir, "README.md")),
    },
    contextSize: folder.config.contextSize,
    tokenizer: folder.tokenizer,
    greedy: (prompt, maxTokens) =>
      generateLm(folder.config, weights, folder.tokenizer, prompt, {
        ...GREEDY,
        maxTokens,
        seed: 0,
        stopAt: eos,
      }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A decoder with untrained weights, wide and long enough that generating its
 * whole context takes a second or more, with `tokenizer`. Its end-of-text
 * token's embedding is zero, so its logit is 0 at every step while the
 * likeliest of the other tokens is above it: greedy decoding never ends
 * before the context is full, and a test of a client leaving mid-stream does
 * not race the model.
 */
export async function slowLm(tokenizer: BpeTokenizer, dir: string): Promise<Buffer> {
  const config = { vocabSize: tokenizer.size, contextSize: 1024, layers: 4, heads: 4, width: 128 };
  const eos = tokenizer.id(END_OF_TEXT);
  const weights = new Map<string, F32Tensor>();
  for (const [name, variable] of initGptWeights(config, createRng(9))) {
    const data = variable.dataSync() as Float32Array;
    const shape = variable.shape;
    variable.dispose();
    if (name === "wte") {
      data.fill(0, eos * config.width, (eos + 1) * config.width);
    }
    weights.set(name, { shape, data });
  }
  await writeLmFolder(dir, { config, weights, tokenizer }, { eos_token_id: eos });
  return readFile(path.join(dir, "model.onnx"));
}

/**
 * Serves `lm` on `hub` twice, as acme/tiny-lm@v1 at api and acme/secret-lm@v1
 * private, for the organisation acme that olivia owns; carl and stan are
 * other users. Answers their tokens.
 */
export async function serveTinyLm(
  hub: TestHub,
  lm: TinyLm,
): Promise<{ owner: string; caller: string; stranger: string }> {
  const owner = await hub.createUser("olivia");
  const caller = await hub.createUser("carl");
  const stranger = await hub.createUser("stan");
  await expectStatus(
    hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
    201,
  );
  await publishAt(hub, owner, "acme/tiny-lm", "api", "v1", lm.files);
  await publishAt(hub, owner, "acme/secret-lm", "private", "v1", lm.files);
  await enable(hub, owner, "acme/tiny-lm", "v1");
  await enable(hub, owner, "acme/secret-lm", "v1");
  return { owner, caller, stranger };
}

/** What a call a test expects to be refused throws; the test fails if it is answered. */
export function refusalOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => assert.fail("the call was answered"),
    (err: unknown) => err,
  );
}

/** A user's id by name, as usage records hold it. */
export async function userIdOf(hub: TestHub, name: string): Promise<string> {
  const row = await hub.built.ctx.db
    .selectFrom("namespaces")
    .select("id")
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Starts a streamed completion as `token`, reads its first event and hangs
 * up, as a client that goes away mid-stream.
 */
export async function leaveMidStream(
  hub: TestHub,
  token: string,
  body: Record<string, unknown>,
): Promise<void> {
  const controller = new AbortController();
  const res = await fetch(`${hub.url}/v1/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = res.body?.getReader();
  assert.ok(reader !== undefined, "the stream has no body");
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value as Uint8Array), /^data: \{/);
  controller.abort();
}

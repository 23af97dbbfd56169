import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { settleUsage } from "../limits/usage-support.js";
import { expectStatus } from "../security/support.js";
import { enable, publishAt } from "../serve/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { leaveMidStream, refusalOf, slowLm, trainTinyLm, type TinyLm } from "./support.js";

const PROMPT = "Call me";
/** The version on the front hub, and the upstream hub's names for the models it proxies to. */
const PROXIED = "acme/proxied-lm@v1";
const UPSTREAM_LM = "acme/tiny-lm@v1";
const UPSTREAM_SLOW = "acme/slow-lm@v1";

const clientOf = (hub: TestHub, token: string) =>
  new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: token, maxRetries: 0 });

/** Serves `id@v1` on `hub` through the engine at `upstream` (the version holds only its card). */
function enableUpstream(hub: TestHub, token: string, id: string, url: string, model: string) {
  return hub.request("PUT", `/api/models/${id}/versions/v1/serving`, {
    token,
    json: { upstream: { url, model } },
  });
}

// A second Gatehouse hub is the engine: it speaks the OpenAI-compatible API as vLLM does.
describe("a version served by an upstream engine, through the front hub's OpenAI-compatible API", () => {
  let engine: TestHub;
  let front: TestHub;
  let lm: TinyLm;
  let owner: string;
  let caller: string;
  let outsider: string;
  let engineKey: string;
  let calls = 0;

  before(async () => {
    lm = await trainTinyLm();
    engine = await startHub("sqlite");
    const engineOwner = await engine.createUser("olivia");
    engineKey = await engine.createUser("front");
    await expectStatus(
      engine.request("POST", "/api/orgs", { token: engineOwner, json: { name: "acme" } }),
      201,
    );
    await publishAt(engine, engineOwner, "acme/tiny-lm", "api", "v1", lm.files);
    await enable(engine, engineOwner, "acme/tiny-lm", "v1");
    const dir = path.join(lm.dir, "slow");
    await mkdir(dir);
    await publishAt(engine, engineOwner, "acme/slow-lm", "api", "v1", {
      "model.onnx": await slowLm(lm.tokenizer, dir),
    });
    await enable(engine, engineOwner, "acme/slow-lm", "v1");

    front = await startHub("sqlite", {
      GATEHOUSE_UPSTREAM_KEYS: JSON.stringify({ [new URL(engine.url).origin]: engineKey }),
    });
    owner = await front.createUser("olivia");
    caller = await front.createUser("carl");
    outsider = await front.createUser("oscar");
    await expectStatus(
      front.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
      201,
    );
    await publishAt(front, owner, "acme/proxied-lm", "api", "v1", {
      "README.md": lm.files["README.md"],
    });
    await publishAt(front, owner, "acme/proxied-slow", "api", "v1", { "README.md": "# slow\n" });
    await publishAt(front, owner, "acme/private-lm", "private", "v1", {
      "README.md": "# private\n",
    });
    await expectStatus(
      enableUpstream(front, owner, "acme/proxied-lm", `${engine.url}/v1`, UPSTREAM_LM),
      200,
    );
    await expectStatus(
      enableUpstream(front, owner, "acme/proxied-slow", `${engine.url}/v1`, UPSTREAM_SLOW),
      200,
    );
    await expectStatus(
      enableUpstream(front, owner, "acme/private-lm", `${engine.url}/v1`, UPSTREAM_LM),
      200,
    );
  });
  after(async () => {
    await front.close();
    await engine.close();
    await lm.cleanup();
  });

  it("refuses an upstream that does not serve the model, or cannot be reached, naming what is wrong", async () => {
    const wrong = await enableUpstream(
      front,
      owner,
      "acme/proxied-lm",
      `${engine.url}/v1`,
      "acme/nothing@v1",
    );
    assert.equal(wrong.status, 400);
    assert.match(
      ((await wrong.json()) as { error: string }).error,
      /serves no model "acme\/nothing@v1" that the hub's key may call; it lists acme\/slow-lm@v1, acme\/tiny-lm@v1/,
    );
    const gone = await enableUpstream(
      front,
      owner,
      "acme/proxied-lm",
      "http://127.0.0.1:9/v1",
      UPSTREAM_LM,
    );
    assert.equal(gone.status, 400);
    assert.match(
      ((await gone.json()) as { error: string }).error,
      /the engine at http:\/\/127\.0\.0\.1:9\/v1 cannot be used/,
    );
    const status = (await (
      await front.request("GET", "/api/models/acme/proxied-lm/versions/v1/serving", {
        token: owner,
      })
    ).json()) as { protocol: string; upstream: { url: string; model: string } };
    assert.equal(status.protocol, "openai");
    const listed = await clientOf(front, caller).models.list();
    calls += 1;
    assert.deepEqual(listed.data.map((m) => m.id).sort(), [
      "acme/proxied-lm@v1",
      "acme/proxied-slow@v1",
    ]);
    assert.deepEqual(status.upstream, { url: `${engine.url}/v1`, model: UPSTREAM_LM });
  });

  it("answers as the engine does, under the front hub's name, and records the engine's token counts", async () => {
    const ask = { prompt: PROMPT, max_tokens: 10, temperature: 0 };
    const direct = await clientOf(engine, engineKey).completions.create({
      ...ask,
      model: UPSTREAM_LM,
    });
    const proxied = await clientOf(front, caller).completions.create({ ...ask, model: PROXIED });
    calls += 1;
    assert.equal(proxied.model, PROXIED);
    assert.equal(proxied.choices[0]?.text, direct.choices[0]?.text);
    assert.deepEqual(proxied.usage, direct.usage);
    await settleUsage(front, calls);
    const [record] = await front.built.ctx.db
      .selectFrom("usage_records")
      .select(["status", "prompt_tokens", "completion_tokens"])
      .orderBy("at", "desc")
      .limit(1)
      .execute();
    assert.deepEqual(record, {
      status: 200,
      prompt_tokens: direct.usage?.prompt_tokens,
      completion_tokens: direct.usage?.completion_tokens,
    });
  });

  it("streams through, dropping the usage chunk it forced upstream unless the caller asked for it", async () => {
    const client = clientOf(front, caller);
    const ask = { model: PROXIED, prompt: PROMPT, max_tokens: 10, temperature: 0 };
    const whole = await client.completions.create(ask);
    const collect = async (includeUsage: boolean) => {
      const stream = await client.completions.create({
        ...ask,
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      const chunks = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
      }
      return chunks;
    };
    const plain = await collect(false);
    const counted = await collect(true);
    calls += 3;
    assert.equal(plain.map((c) => c.choices[0]?.text ?? "").join(""), whole.choices[0]?.text);
    assert.ok(plain.every((c) => c.choices.length > 0 && c.model === PROXIED));
    assert.ok(plain.every((c) => (c as { usage?: unknown }).usage === undefined));
    const last = counted.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last.usage, whole.usage);
    const chat = await client.chat.completions.create({
      model: PROXIED,
      messages: [{ role: "user", content: "Who are you?" }],
      max_completion_tokens: 6,
      temperature: 0,
      stream: true,
    });
    let content = "";
    for await (const chunk of chat) {
      content += chunk.choices[0]?.delta.content ?? "";
    }
    calls += 1;
    assert.equal(content, await lm.greedy("User: Who are you?\nAssistant:", 6));
  });

  it("passes the engine's refusals on in OpenAI's shape, and hides a private version as a missing one", async () => {
    const long = "Call me Ishmael. ".repeat(100);
    const err = await refusalOf(
      clientOf(front, caller).completions.create({ model: PROXIED, prompt: long, max_tokens: 1 }),
    );
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.code, "context_length_exceeded");
    assert.match(err.message, /maximum context length is 128 tokens/);
    const hidden = await refusalOf(
      clientOf(front, outsider).completions.create({ model: "acme/private-lm@v1", prompt: PROMPT }),
    );
    assert.ok(hidden instanceof OpenAI.NotFoundError, String(hidden));
    assert.equal(hidden.code, "model_not_found");
    calls += 2;
  });

  it("cancels the engine's request when the caller leaves mid-stream", async () => {
    await leaveMidStream(front, caller, {
      model: "acme/proxied-slow@v1",
      prompt: PROMPT,
      max_tokens: 1000,
      temperature: 0,
    });
    calls += 1;
    await settleUsage(front, calls);
    // The engine saw its caller, the front hub, leave: its call is recorded abandoned.
    const engineGone = async () => {
      for (let waited = 0; waited < 20_000; waited += 50) {
        await engine.built.ctx.usage.flush();
        const rows = await engine.built.ctx.db
          .selectFrom("usage_records")
          .select("status")
          .where("status", "=", 499)
          .execute();
        if (rows.length > 0) {
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    };
    assert.ok(await engineGone(), "the engine's request ran on after the caller left");
    const records = await front.built.ctx.db
      .selectFrom("usage_records")
      .select("status")
      .where("status", "=", 499)
      .execute();
    assert.equal(records.length, 1);
  });

  it("runs the front hub's use checks on what the engine streams back, and refuses token ids it cannot read", async () => {
    const expected = await lm.greedy(PROMPT, 12);
    const word = /(?<![\p{L}\p{N}_])\p{L}{2,}(?![\p{L}\p{N}_])/u.exec(expected)?.[0];
    assert.ok(word !== undefined, `the greedy continuation ${JSON.stringify(expected)} has a word`);
    const card = lm.files["README.md"]
      .toString("utf8")
      .replace(
        /^---\n/,
        `---\nuse_checks:\n  - restriction: harmful-pii\n    on: prompt\n    patterns: ['\\d{3}-\\d{2}-\\d{4}']\n  - restriction: violence\n    on: output\n    words: [${JSON.stringify(word)}]\n`,
      );
    await publishAt(front, owner, "acme/checked-lm", "api", "v1", { "README.md": card });
    await expectStatus(
      enableUpstream(front, owner, "acme/checked-lm", `${engine.url}/v1`, UPSTREAM_LM),
      200,
    );
    const client = clientOf(front, caller);
    const pii = await refusalOf(
      client.completions.create({ model: "acme/checked-lm@v1", prompt: "SSN 123-45-6789" }),
    );
    assert.ok(pii instanceof OpenAI.BadRequestError, String(pii));
    assert.deepEqual([pii.code, pii.param], ["content_policy_violation", "prompt"]);
    const ids = await refusalOf(
      client.completions.create({ model: "acme/checked-lm@v1", prompt: [5, 6, 7] }),
    );
    assert.ok(ids instanceof OpenAI.BadRequestError, String(ids));
    assert.equal(
      (ids.error as { message: string }).message,
      "acme/checked-lm@v1 checks prompts against its acceptable-use terms, which read text; send the prompt as text, not token ids",
    );
    const whole = await refusalOf(
      client.completions.create({
        model: "acme/checked-lm@v1",
        prompt: PROMPT,
        max_tokens: 12,
        temperature: 0,
      }),
    );
    assert.ok(whole instanceof OpenAI.BadRequestError, String(whole));
    assert.equal(whole.code, "content_policy_violation");
    const stream = await client.completions.create({
      model: "acme/checked-lm@v1",
      prompt: PROMPT,
      max_tokens: 12,
      temperature: 0,
      stream: true,
    });
    let sent = "";
    const cut = await refusalOf(
      (async () => {
        for await (const chunk of stream) {
          sent += chunk.choices[0]?.text ?? "";
        }
      })(),
    );
    calls += 4;
    assert.match(String(cut), /under its use restriction "violence"/);
    const at = expected.search(new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, "u"));
    assert.ok(expected.startsWith(sent), `${JSON.stringify(sent)} begins the greedy text`);
    assert.ok(sent.length <= at, `${JSON.stringify(sent)} stops before ${JSON.stringify(word)}`);
  });
  it("proxies embeddings under the front hub's name, with the engine's vectors and counts, and checks their inputs", async () => {
    const input = ["Call me Ishmael.", "The whale"];
    const direct = await clientOf(engine, engineKey).embeddings.create({
      model: UPSTREAM_LM,
      input,
      encoding_format: "float",
    });
    const client = clientOf(front, caller);
    const proxied = await client.embeddings.create({ model: PROXIED, input });
    assert.equal(proxied.model, PROXIED);
    assert.deepEqual(
      proxied.data.map((d) => d.embedding),
      direct.data.map((d) => d.embedding),
    );
    assert.deepEqual(proxied.usage, direct.usage);
    const pii = await refusalOf(
      client.embeddings.create({ model: "acme/checked-lm@v1", input: "SSN 123-45-6789" }),
    );
    assert.ok(pii instanceof OpenAI.BadRequestError, String(pii));
    assert.deepEqual([pii.code, pii.param], ["content_policy_violation", "input"]);
    const ids = await refusalOf(
      client.embeddings.create({ model: "acme/checked-lm@v1", input: [5, 6, 7] }),
    );
    assert.ok(ids instanceof OpenAI.BadRequestError, String(ids));
    assert.match(
      (ids.error as { message: string }).message,
      /send the input as text, not token ids/,
    );
    calls += 3;
    await settleUsage(front, calls);
    const [record] = await front.built.ctx.db
      .selectFrom("usage_records")
      .select(["endpoint", "status", "prompt_tokens", "completion_tokens"])
      .where("status", "=", 200)
      .orderBy("at", "desc")
      .limit(1)
      .execute();
    assert.deepEqual(record, {
      endpoint: "embeddings",
      status: 200,
      prompt_tokens: direct.usage.prompt_tokens,
      completion_tokens: 0,
    });
  });
});

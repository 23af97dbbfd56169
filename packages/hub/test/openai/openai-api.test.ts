import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import OpenAI from "openai";
import { expectStatus } from "../security/support.js";
import { enable, publishAt, trainIris } from "../serve/support.js";
import { settleUsage } from "../limits/usage-support.js";
import { startHub, type TestHub } from "../support/harness.js";
import {
  leaveMidStream,
  refusalOf,
  serveTinyLm,
  slowLm,
  trainTinyLm,
  userIdOf,
  type TinyLm,
} from "./support.js";
import { pythonEnv, runProcess } from "../compat/python-client.js";

const PYTHON_CLIENT = fileURLToPath(new URL("./openai_client.py", import.meta.url));
const PYTHON_HINT =
  "this test needs python3 with the openai package: python3 -m pip install openai";

const LM = "acme/tiny-lm@v1";
/** A model that never ends a text early (support.ts: slowLm). */
const SLOW = "acme/slow-lm@v1";
const PROMPT = "Call me";

/** An SDK client of the hub with `token` as the API key, which never retries, so a refusal is seen once. */
const clientOf = (hub: TestHub, token: string) =>
  new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: token, maxRetries: 0 });

/** Posts to an OpenAI route without the SDK, for what the SDK would refuse to send. */
async function post(hub: TestHub, route: string, token: string | undefined, json: unknown) {
  const res = await hub.request("POST", route, { ...(token === undefined ? {} : { token }), json });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as {
      error: { message: string; type: string; param: string | null; code: string | null };
    },
  };
}

// The store is not what these tests are about: one dialect is enough.
describe("the OpenAI-compatible API over a served language model", () => {
  let hub: TestHub;
  let lm: TinyLm;
  let owner: string;
  let caller: string;
  let stranger: string;
  let calls = 0;

  before(async () => {
    lm = await trainTinyLm();
    hub = await startHub("sqlite");
    ({ owner, caller, stranger } = await serveTinyLm(hub, lm));
    const dir = path.join(lm.dir, "slow");
    await mkdir(dir);
    await publishAt(hub, owner, "acme/slow-lm", "api", "v1", {
      "model.onnx": await slowLm(lm.tokenizer, dir),
    });
    await enable(hub, owner, "acme/slow-lm", "v1");
  });
  after(async () => {
    await hub.close();
    await lm.cleanup();
  });

  it("lists the served language models a caller may call, and not a private one", async () => {
    const ids = async (token: string) =>
      (await clientOf(hub, token).models.list()).data.map((m) => m.id).sort();
    assert.deepEqual(await ids(caller), [SLOW, LM]);
    assert.deepEqual(await ids(owner), ["acme/secret-lm@v1", SLOW, LM]);
    calls += 2;
  });

  it("completes a prompt greedily as the model's own tfjs forward pass does, counting tokens with its tokenizer", async () => {
    const expected = await lm.greedy(PROMPT, 12);
    const completion = await clientOf(hub, caller).completions.create({
      model: LM,
      prompt: PROMPT,
      max_tokens: 12,
      temperature: 0,
    });
    calls += 1;
    assert.equal(completion.object, "text_completion");
    assert.equal(completion.model, LM);
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0]?.text, expected);
    const promptTokens = lm.tokenizer.encode(PROMPT).length;
    const usage = completion.usage;
    assert.ok(usage !== undefined, "the completion has no usage");
    assert.equal(usage.prompt_tokens, promptTokens);
    const completionTokens = usage.completion_tokens;
    assert.ok(completionTokens >= 1 && completionTokens <= 12, `${completionTokens} tokens`);
    assert.equal(usage.total_tokens, promptTokens + completionTokens);
    assert.equal(completion.choices[0].finish_reason, completionTokens === 12 ? "length" : "stop");
  });

  it("streams a completion whose pieces join into the whole answer, ending with the usage chunk asked for", async () => {
    const whole = await clientOf(hub, caller).completions.create({
      model: LM,
      prompt: PROMPT,
      max_tokens: 10,
      temperature: 0,
    });
    const stream = await clientOf(hub, caller).completions.create({
      model: LM,
      prompt: PROMPT,
      max_tokens: 10,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    calls += 2;
    let text = "";
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.text ?? "";
    }
    assert.equal(text, whole.choices[0]?.text);
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last.usage, whole.usage);
    // On the wire, every chunk before the last says usage null.
    assert.ok(chunks.slice(0, -1).every((c) => (c as { usage?: unknown }).usage === null));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, whole.choices[0]?.finish_reason);
  });

  it("answers a chat through the card's template, whole and streamed alike", async () => {
    const messages = [{ role: "user" as const, content: "Who are you?" }];
    // The card's template: "User: …" on a line, then "Assistant:" for the model to continue.
    const expected = await lm.greedy("User: Who are you?\nAssistant:", 8);
    const client = clientOf(hub, caller);
    const chat = await client.chat.completions.create({
      model: LM,
      messages,
      max_completion_tokens: 8,
      temperature: 0,
    });
    assert.equal(chat.object, "chat.completion");
    assert.equal(chat.choices[0]?.message.role, "assistant");
    assert.equal(chat.choices[0].message.content, expected);
    const stream = await client.chat.completions.create({
      model: LM,
      messages,
      max_completion_tokens: 8,
      temperature: 0,
      stream: true,
    });
    calls += 2;
    let content = "";
    let role: string | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      role ??= chunk.choices[0]?.delta.role;
      content += chunk.choices[0]?.delta.content ?? "";
    }
    assert.equal(role, "assistant");
    assert.equal(content, expected);
  });

  it("gives n choices, each seeded apart, the same again for the same seed", async () => {
    const ask = { model: LM, prompt: PROMPT, max_tokens: 8, n: 3, seed: 11, temperature: 1 };
    const client = clientOf(hub, caller);
    const first = await client.completions.create(ask);
    const again = await client.completions.create(ask);
    calls += 2;
    assert.deepEqual(
      first.choices.map((c) => c.index),
      [0, 1, 2],
    );
    const texts = first.choices.map((c) => c.text);
    assert.ok(new Set(texts).size > 1, `three choices alike: ${JSON.stringify(texts)}`);
    assert.deepEqual(
      again.choices.map((c) => c.text),
      texts,
    );
    assert.equal(first.usage?.prompt_tokens, lm.tokenizer.encode(PROMPT).length);
  });

  it("answers a model that does not exist and one hidden from the caller alike: 404 model_not_found", async () => {
    const client = clientOf(hub, stranger);
    const refusal = async (model: string) => {
      const err = await refusalOf(
        client.completions.create({ model, prompt: PROMPT, max_tokens: 2 }),
      );
      assert.ok(err instanceof OpenAI.NotFoundError, String(err));
      assert.equal(err.code, "model_not_found");
      assert.equal(err.param, "model");
      return err.message.replaceAll(model, "MODEL");
    };
    assert.equal(await refusal("acme/secret-lm@v1"), await refusal("acme/missing@v1"));
    assert.equal(await refusal("acme/secret-lm"), await refusal("not-a-model-name"));
    calls += 4;
  });

  it("refuses a prompt longer than the context, naming both lengths, and max_tokens above it", async () => {
    const long = "Call me Ishmael. ".repeat(100);
    const tooLong = await post(hub, "/v1/completions", caller, {
      model: LM,
      prompt: long,
      max_tokens: 1,
    });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.code, "context_length_exceeded");
    assert.equal(tooLong.body.error.type, "invalid_request_error");
    assert.match(
      tooLong.body.error.message,
      new RegExp(
        `maximum context length is ${lm.contextSize} tokens, but the prompt has ${lm.tokenizer.encode(long).length} tokens`,
      ),
    );
    const tooMany = await post(hub, "/v1/completions", caller, {
      model: LM,
      prompt: PROMPT,
      max_tokens: lm.contextSize + 1,
    });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.param, "max_tokens");
    assert.match(tooMany.body.error.message, new RegExp(`at most ${lm.contextSize}`));
    calls += 2;
  });

  it("refuses unknown parameters, too many choices, a malformed message list and stream_options without a stream", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "/v1/completions",
        { model: LM, prompt: PROMPT, logit_bias: {} },
        /unknown field "logit_bias"/,
      ],
      ["/v1/completions", { model: LM, prompt: PROMPT, n: 9 }, /n must be <= 8/],
      ["/v1/completions", { model: LM, prompt: [PROMPT, ""] }, /prompt 1 is empty/],
      ["/v1/completions", { model: LM }, /prompt/],
      [
        "/v1/chat/completions",
        { model: LM, messages: [] },
        /messages must NOT have fewer than 1 items/,
      ],
      ["/v1/chat/completions", { model: LM, messages: [{ role: "robot", content: "hi" }] }, /role/],
      ["/v1/chat/completions", { model: LM, messages: [{ role: "user" }] }, /content/],
      [
        "/v1/completions",
        { model: LM, prompt: PROMPT, stream_options: { include_usage: true } },
        /stream_options is only allowed when stream is true/,
      ],
    ];
    for (const [route, body, message] of cases) {
      const answer = await post(hub, route, caller, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.type, "invalid_request_error");
      assert.match(answer.body.error.message, message);
    }
    calls += cases.length;
  });

  it("counts calls in the usage limits, with OpenAI's x-ratelimit fields, and refuses a spent quota with 429 rate_limit_exceeded", async () => {
    await expectStatus(
      hub.request("PUT", "/api/limits/users/stan", {
        token: hub.adminToken,
        json: { requests: { perMinute: 2 } },
      }),
      200,
    );
    const client = clientOf(hub, stranger);
    const ask = { model: LM, prompt: PROMPT, max_tokens: 2 };
    const first = await client.completions.create(ask).withResponse();
    assert.equal(first.response.headers.get("x-ratelimit-limit-requests"), "2");
    assert.equal(first.response.headers.get("x-ratelimit-remaining-requests"), "1");
    assert.match(first.response.headers.get("x-ratelimit-reset-requests") ?? "", /^(\d+s|1m0s)$/);
    const stream = await client.completions.create({ ...ask, stream: true }).withResponse();
    assert.equal(stream.response.headers.get("x-ratelimit-remaining-requests"), "0");
    for await (const chunk of stream.data) {
      assert.equal(chunk.object, "text_completion");
    }
    const err = await refusalOf(client.completions.create(ask));
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.code, "rate_limit_exceeded");
    assert.equal(err.headers.get("x-ratelimit-remaining-requests"), "0");
    const wait = Number(err.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 60, `retry-after ${wait}`);
    assert.equal(Number(err.headers.get("retry-after-ms")), wait * 1000);
    calls += 3;
  });

  it("reserves a call's tokens in the token limits and corrects them to its usage; a spent monthly budget answers insufficient_quota, which the SDK does not retry", async () => {
    const tina = await hub.createUser("tina");
    await expectStatus(
      hub.request("PUT", "/api/limits/users/tina", {
        token: hub.adminToken,
        json: { tokens: { perMonth: 60 }, maxTokens: 10 },
      }),
      200,
    );
    // The SDK's own retries stay on: the budget's refusal must tell it not to.
    const client = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: tina });
    const capped = await refusalOf(
      client.completions.create({ model: LM, prompt: PROMPT, max_tokens: 20 }),
    );
    assert.ok(capped instanceof OpenAI.BadRequestError, String(capped));
    assert.equal(capped.param, "max_tokens");
    assert.match(
      capped.message,
      /max_tokens is 20, but your user's limits allow at most 10 a call/,
    );

    const promptTokens = lm.tokenizer.encode(PROMPT).length;
    // Without max_tokens a completion may have 16 tokens, lowered to the cap of 10.
    const reserve = promptTokens + 10;
    let spent = 0;
    const answers: { total: number; completion: number }[] = [];
    let refusal: unknown = null;
    for (let i = 0; i < 10 && refusal === null; i++) {
      try {
        const { data, response } = await client.completions
          // A stop sequence ends most choices early, so the corrections give tokens back.
          .create({ model: LM, prompt: PROMPT, temperature: 1, seed: i, stop: ["e"] })
          .withResponse();
        assert.equal(response.headers.get("x-ratelimit-limit-tokens"), "60");
        // Counted at admission: the earlier calls' actual tokens and this call's reserve.
        assert.equal(
          response.headers.get("x-ratelimit-remaining-tokens"),
          String(60 - spent - reserve),
        );
        assert.ok(data.usage !== undefined);
        assert.ok(data.usage.completion_tokens <= 10);
        spent += data.usage.total_tokens;
        answers.push({ total: data.usage.total_tokens, completion: data.usage.completion_tokens });
      } catch (err) {
        refusal = err;
      }
    }
    assert.ok(
      answers.some((a) => a.total < reserve),
      "no call used less than it reserved",
    );
    assert.ok(refusal instanceof OpenAI.RateLimitError, String(refusal));
    assert.equal(refusal.code, "insufficient_quota");
    assert.equal(refusal.type, "insufficient_quota");
    assert.equal(refusal.headers.get("x-should-retry"), "false");
    assert.ok(60 - spent < reserve, `${60 - spent} tokens were left, enough for ${reserve}`);
    calls += 1 + answers.length + 1;

    await settleUsage(hub, calls);
    const tinaId = await userIdOf(hub, "tina");
    const records = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["status", "error_code", "prompt_tokens", "completion_tokens", "ttft_ms"])
      .where("user_id", "=", tinaId)
      .orderBy("at")
      .execute();
    // One refused call for the cap, the answered ones, and the budget's refusal once: no retry.
    assert.deepEqual(
      records.map((r) => r.status),
      [400, ...answers.map(() => 200), 429],
    );
    const answered = records.filter((r) => r.status === 200);
    assert.deepEqual(
      answered.map((r) => [r.prompt_tokens, r.completion_tokens]),
      answers.map((a) => [promptTokens, a.completion]),
    );
    assert.ok(answered.every((r) => r.ttft_ms !== null && r.ttft_ms >= 0));
    assert.equal(records.at(-1)?.prompt_tokens, null);
  });

  it("lets a stream start with the tokens its quota has left and ends it with the quota's error once they are spent", async () => {
    const uma = await hub.createUser("uma");
    const promptTokens = lm.tokenizer.encode(PROMPT).length;
    await expectStatus(
      hub.request("PUT", "/api/limits/users/uma", {
        token: hub.adminToken,
        json: { tokens: { perMonth: promptTokens + 5 } },
      }),
      200,
    );
    const client = clientOf(hub, uma);
    // Whole, 20 tokens do not fit: refused before it runs.
    const whole = await refusalOf(
      client.completions.create({ model: SLOW, prompt: PROMPT, max_tokens: 20, temperature: 0 }),
    );
    assert.ok(whole instanceof OpenAI.RateLimitError, String(whole));
    assert.equal(whole.code, "insufficient_quota");
    // Streamed, it starts with the 5 tokens left and is cut when they are spent.
    const stream = await client.completions.create({
      model: SLOW,
      prompt: PROMPT,
      max_tokens: 20,
      temperature: 0,
      stream: true,
    });
    let text = "";
    const cut = await (async () => {
      try {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.text ?? "";
        }
        return null;
      } catch (err) {
        return err;
      }
    })();
    assert.ok(cut instanceof OpenAI.APIError, String(cut));
    assert.equal(cut.code, "insufficient_quota");
    assert.match(cut.message, /monthly token budget/);
    assert.equal(lm.tokenizer.encode(text).length <= 5, true);
    assert.ok(text.length > 0, "the stream sent no text before it was cut");
    calls += 2;
    await settleUsage(hub, calls);
    const umaId = await userIdOf(hub, "uma");
    const records = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["status", "prompt_tokens", "completion_tokens"])
      .where("user_id", "=", umaId)
      .orderBy("at")
      .execute();
    assert.deepEqual(
      records.map((r) => [r.status, r.prompt_tokens, r.completion_tokens]),
      [
        [429, null, null],
        [200, promptTokens, 5],
      ],
    );
    // The budget is spent to the token: nothing more streams.
    const after = await refusalOf(
      client.completions.create({ model: SLOW, prompt: PROMPT, max_tokens: 1, stream: true }),
    );
    assert.ok(after instanceof OpenAI.RateLimitError, String(after));
    calls += 1;
  });

  it("refuses a bad API key with 401 invalid_api_key, which the SDK raises as an AuthenticationError", async () => {
    const err = await refusalOf(
      clientOf(hub, "hf_not_a_token").completions.create({ model: LM, prompt: PROMPT }),
    );
    assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
    assert.equal(err.code, "invalid_api_key");
    calls += 1;
  });

  it("sends each model to its own protocol: a classifier is no language model, a language model takes no OIP call", async () => {
    const iris = await trainIris();
    try {
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      const chat = await post(hub, "/v1/completions", caller, {
        model: "acme/iris@v1",
        prompt: PROMPT,
      });
      assert.equal(chat.status, 400);
      assert.match(chat.body.error.message, /acme\/iris@v1 is not a language model/);
      const oip = await hub.request("POST", "/v2/models/acme--tiny-lm/versions/v1/infer", {
        token: caller,
        json: { inputs: [{ name: "input_ids", shape: [1, 1], datatype: "INT64", data: [1] }] },
      });
      assert.equal(oip.status, 400);
      assert.match(((await oip.json()) as { error: string }).error, /OpenAI-compatible API/);
      const status = (await (
        await hub.request("GET", "/api/models/acme/tiny-lm/versions/v1/serving", { token: owner })
      ).json()) as { protocol: string };
      assert.equal(status.protocol, "openai");
      calls += 1;
    } finally {
      await iris.cleanup();
    }
  });

  it("lists, completes, streams and chats as the model writes, and raises the SDK's errors for a missing model, too many tokens and a stream cut by its budget", async () => {
    const vic = await hub.createUser("vic");
    await expectStatus(
      hub.request("PUT", "/api/limits/users/vic", {
        token: hub.adminToken,
        json: { tokens: { perMonth: lm.tokenizer.encode(PROMPT).length + 5 } },
      }),
      200,
    );
    const run = await runProcess(
      [PYTHON_CLIENT],
      pythonEnv(),
      JSON.stringify({
        base_url: `${hub.url}/v1`,
        api_key: caller,
        model: LM,
        prompt: PROMPT,
        max_tokens: 10,
        missing: "acme/missing@v1",
        cut: { api_key: vic, model: SLOW },
      }),
    );
    assert.equal(run.code, 0, `${PYTHON_HINT}\n${run.stderr}`);
    const out = JSON.parse(run.stdout) as {
      models: string[];
      completion: { text: string; finish_reason: string; usage: Record<string, number> };
      stream: { text: string; usage: Record<string, number> };
      chat: string;
      chat_stream: string;
      missing: { status: number; code: string; param: string };
      too_many: { status: number; param: string };
      cut: { code: string; text: string } | null;
    };
    const expected = await lm.greedy(PROMPT, 10);
    assert.deepEqual(out.models, [SLOW, LM]);
    assert.equal(out.completion.text, expected);
    assert.equal(out.completion.usage.prompt_tokens, lm.tokenizer.encode(PROMPT).length);
    assert.equal(out.stream.text, expected);
    assert.deepEqual(out.stream.usage, out.completion.usage);
    const chat = await lm.greedy("User: Who are you?\nAssistant:", 10);
    assert.equal(out.chat, chat);
    assert.equal(out.chat_stream, chat);
    assert.deepEqual(out.missing, { status: 404, code: "model_not_found", param: "model" });
    assert.deepEqual(out.too_many, { status: 400, param: "max_tokens" });
    assert.equal(out.cut?.code, "insufficient_quota");
    assert.ok(out.cut.text.length > 0 && lm.tokenizer.encode(out.cut.text).length <= 5);
    calls += 8;
  });

  it("stops generating when a streaming client leaves, and records the call as abandoned", async () => {
    await leaveMidStream(hub, caller, {
      model: SLOW,
      prompt: PROMPT,
      max_tokens: 1000,
      temperature: 0,
    });
    calls += 1;
    await settleUsage(hub, calls);
    const records = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["endpoint", "status", "error_code"])
      .where("protocol", "=", "openai")
      .execute();
    assert.deepEqual(
      records.filter((r) => r.status === 499),
      [{ endpoint: "completions", status: 499, error_code: "CLIENT_GONE" }],
    );
    assert.ok(records.some((r) => r.endpoint === "chat" && r.status === 200));
    assert.ok(records.some((r) => r.endpoint === "models" && r.status === 200));
    // The generation ends at its next step; nothing stays queued or running.
    const idle = async () => {
      for (let waited = 0; waited < 20_000; waited += 20) {
        const status = (await (
          await hub.request("GET", "/api/models/acme/slow-lm/versions/v1/serving", {
            token: owner,
          })
        ).json()) as { running: number; queueDepth: number };
        if (status.running === 0 && status.queueDepth === 0) {
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    };
    assert.ok(await idle(), "the abandoned generation still runs");
  });
});

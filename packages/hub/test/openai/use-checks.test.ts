import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import OpenAI from "openai";
import { expectError, expectStatus } from "../security/support.js";
import { enable, publishAt } from "../serve/support.js";
import { settleUsage } from "../limits/usage-support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { refusalOf, trainTinyLm, type TinyLm } from "./support.js";

const PROMPT = "Call me";
const MODERATION_KEY = "mod-key-1";

/** Checks of prompts: a pattern for a US social security number, and the moderation endpoint. */
const PROMPT_CHECKS = [
  "  - restriction: harmful-pii",
  "    on: prompt",
  "    patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b']",
  "  - restriction: harassment",
  "    moderation: [harassment]",
  "",
].join("\n");

/** A signal as GET /api/usage/signals lists it. */
interface Signal {
  readonly id: string;
  readonly kind: string;
  readonly action: string;
  readonly subject: { readonly kind: string };
  readonly version: string | null;
}

/** What an SDK's refusal carries. */
interface ApiError {
  readonly status: number;
  readonly code: string | null;
  readonly type: string;
  readonly param: string | null;
  readonly message: string;
}

/** A card with `checks` (YAML lines) added to the front matter of `readme`. */
const withChecks = (readme: Buffer, checks: string): Buffer =>
  Buffer.from(readme.toString("utf8").replace(/^---\n/, `---\nuse_checks:\n${checks}`));

/**
 * An endpoint in OpenAI's moderation shape, standing in for OpenAI's own
 * (which this machine cannot reach): it flags `harassment` in a text with
 * "idiot" in it, and records what the hub asked.
 */
async function moderationEndpoint(): Promise<{
  url: string;
  asked: { authorization: string | undefined; model: unknown; input: unknown }[];
  failing: { on: boolean };
  close(): Promise<void>;
}> {
  const app: FastifyInstance = Fastify();
  const asked: { authorization: string | undefined; model: unknown; input: unknown }[] = [];
  const failing = { on: false };
  app.post("/v1/moderations", async (request, reply) => {
    const body = request.body as { model: unknown; input: unknown };
    asked.push({ authorization: request.headers.authorization, ...body });
    if (failing.on) {
      return reply.status(500).send({ error: { message: "down" } });
    }
    const texts = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    return {
      id: "modr-1",
      model: body.model,
      results: texts.map((t) => {
        const harassment = /idiot/i.test(t);
        return {
          flagged: harassment,
          categories: { harassment, violence: false },
          category_scores: { harassment: harassment ? 0.97 : 0.01, violence: 0.01 },
        };
      }),
    };
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url: `${url}/v1/moderations`, asked, failing, close: () => app.close() };
}

describe("use checks of a version's acceptable-use terms at call time", () => {
  let hub: TestHub;
  let lm: TinyLm;
  let moderation: Awaited<ReturnType<typeof moderationEndpoint>>;
  let owner: string;
  let caller: string;
  let calls = 0;
  /** The greedy continuation of PROMPT, and a word in it that v1's output check forbids. */
  let expected: string;
  let word: string;

  const client = (token: string) =>
    new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: token, maxRetries: 0 });
  const refused = async (call: Promise<unknown>): Promise<ApiError> => {
    calls += 1;
    const err = (await refusalOf(call)) as ApiError & { error?: { message?: string } };
    // The SDK's own message starts with the status; the body's is the hub's.
    return { ...err, status: err.status, message: err.error?.message ?? err.message };
  };

  before(async () => {
    lm = await trainTinyLm();
    expected = await lm.greedy(PROMPT, 12);
    const found = /(?<![\p{L}\p{N}_])\p{L}{2,}(?![\p{L}\p{N}_])/u.exec(expected);
    assert.ok(found !== null, `the greedy continuation ${JSON.stringify(expected)} has a word`);
    word = found[0];
    moderation = await moderationEndpoint();
    hub = await startHub("sqlite", {
      GATEHOUSE_MODERATION_URL: moderation.url,
      GATEHOUSE_MODERATION_KEY: MODERATION_KEY,
    });
    owner = await hub.createUser("olivia");
    caller = await hub.createUser("carl");
    await expectStatus(
      hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
      201,
    );
    const outputs = [
      "  - restriction: violence",
      "    on: output",
      `    words: [${JSON.stringify(word.toUpperCase())}]`,
      "",
    ].join("\n");
    await publishAt(hub, owner, "acme/lm", "api", "v1", {
      "model.onnx": lm.files["model.onnx"],
      "README.md": withChecks(lm.files["README.md"], PROMPT_CHECKS + outputs),
    });
    await publishAt(
      hub,
      owner,
      "acme/lm",
      "api",
      "v2",
      {
        "model.onnx": lm.files["model.onnx"],
        "README.md": withChecks(lm.files["README.md"], PROMPT_CHECKS),
      },
      false,
    );
    for (const v of ["v1", "v2"]) {
      await enable(hub, owner, "acme/lm", v);
    }
  });
  after(async () => {
    await hub.close();
    await moderation.close();
    await lm.cleanup();
  });

  it("refuses a prompt a pattern forbids with 400 content_policy_violation, naming the restriction but not the pattern", async () => {
    const completion = await refused(
      client(caller).completions.create({
        model: "acme/lm@v2",
        prompt: "My number is 123-45-6789",
        max_tokens: 4,
      }),
    );
    assert.deepEqual(
      [completion.status, completion.type, completion.code, completion.param],
      [400, "invalid_request_error", "content_policy_violation", "prompt"],
    );
    assert.equal(
      completion.message,
      'acme/lm@v2 refuses this prompt under its use restriction "harmful-pii"; rewrite it within the model\'s acceptable-use terms',
    );
    const chat = await refused(
      client(caller).chat.completions.create({
        model: "acme/lm@v2",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "File 123-45-6789 for me" },
        ],
      }),
    );
    assert.deepEqual(
      [chat.status, chat.code, chat.param],
      [400, "content_policy_violation", "messages"],
    );
    // Refused before the engine ran: no tokens were charged to either call.
    await settleUsage(hub, calls);
    const rows = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["status", "error_code", "completion_tokens"])
      .where("error_code", "=", "CONTENT_POLICY")
      .execute();
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.status === 400 && (r.completion_tokens ?? 0) === 0));
  });

  it("asks the moderation endpoint with the hub's key about prompts and outputs, and refuses what it flags", async () => {
    moderation.asked.length = 0;
    const flagged = await refused(
      client(caller).completions.create({
        model: "acme/lm@v2",
        prompt: "you idiot",
        max_tokens: 4,
      }),
    );
    assert.deepEqual([flagged.status, flagged.code], [400, "content_policy_violation"]);
    assert.match(flagged.message, /under its use restriction "harassment"/);
    assert.deepEqual(moderation.asked, [
      {
        authorization: `Bearer ${MODERATION_KEY}`,
        model: "omni-moderation-latest",
        input: ["you idiot"],
      },
    ]);

    moderation.asked.length = 0;
    const answer = await client(caller).completions.create({
      model: "acme/lm@v2",
      prompt: PROMPT,
      max_tokens: 12,
      temperature: 0,
    });
    calls += 1;
    assert.equal(answer.choices[0]?.text, expected);
    // The prompt before the call, the output after it.
    assert.deepEqual(
      moderation.asked.map((a) => a.input),
      [[PROMPT], [expected]],
    );
  });

  it("answers 503 with Retry-After when the moderation endpoint fails, and lets nothing through unchecked", async () => {
    moderation.failing.on = true;
    try {
      const res = await hub.request("POST", "/v1/completions", {
        token: caller,
        json: { model: "acme/lm@v2", prompt: PROMPT, max_tokens: 2 },
      });
      calls += 1;
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("retry-after"), "5");
      const body = (await res.json()) as { error: { message: string; code: string } };
      assert.equal(
        body.error.message,
        "the moderation endpoint the use checks of acme/lm@v2 need answered 500; try again later",
      );
    } finally {
      moderation.failing.on = false;
    }
  });

  it("stops an output at a forbidden word: a whole answer is refused, a stream ends with the refusal before the word is sent", async () => {
    const whole = await refused(
      client(caller).completions.create({
        model: "acme/lm@v1",
        prompt: PROMPT,
        max_tokens: 12,
        temperature: 0,
      }),
    );
    assert.deepEqual(
      [whole.status, whole.code, whole.param],
      [400, "content_policy_violation", null],
    );
    assert.equal(
      whole.message,
      'the output of acme/lm@v1 was stopped under its use restriction "violence"',
    );

    const stream = await client(caller).completions.create({
      model: "acme/lm@v1",
      prompt: PROMPT,
      max_tokens: 12,
      temperature: 0,
      stream: true,
    });
    calls += 1;
    let sent = "";
    const cut = await refusalOf(
      (async () => {
        for await (const chunk of stream) {
          sent += chunk.choices[0]?.text ?? "";
        }
      })(),
    );
    assert.match((cut as Error).message, /under its use restriction "violence"/);
    // Everything before the word went out as it came, and nothing of the word did.
    const at = expected.search(new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, "u"));
    assert.ok(expected.startsWith(sent), `${JSON.stringify(sent)} begins the greedy text`);
    assert.ok(sent.length <= at, `${JSON.stringify(sent)} stops before ${JSON.stringify(word)}`);

    // The stream answered 200 before it was stopped; its record keeps the refusal.
    await settleUsage(hub, calls);
    const last = await hub.built.ctx.db
      .selectFrom("usage_records")
      .select(["status", "error_code", "completion_tokens"])
      .orderBy("at", "desc")
      .orderBy("request_id", "desc")
      .executeTakeFirstOrThrow();
    assert.deepEqual([last.status, last.error_code], [200, "CONTENT_POLICY"]);
    assert.ok((last.completion_tokens ?? 0) >= 1, "the tokens generated were charged");
  });

  it("opens a content_policy signal for a refused key, notifying by default", async () => {
    await settleUsage(hub, calls);
    await hub.built.ctx.signals.settle();
    const res = await hub.request("GET", "/api/usage/signals?kind=content_policy", {
      token: hub.adminToken,
    });
    const { signals } = (await res.json()) as { signals: Signal[] };
    // The first of carl's refusals in ten minutes opened it; the rest are in its window.
    assert.deepEqual(
      signals.map((s) => [s.kind, s.action, s.subject.kind, s.version]),
      [["content_policy", "notify", "token", "acme/lm@v2"]],
    );
  });

  it("suspends a refused key where a signal rule of the policy says so", async () => {
    const policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-content-policy-"));
    await writeFile(
      path.join(policyDir, "abuse.yaml"),
      `policy: abuse
rules: []
signals:
  - id: suspend-refused
    when: signal.kind == "content_policy"
    action: suspend
`,
    );
    const strict = await startHub("sqlite", {
      GATEHOUSE_MODERATION_URL: moderation.url,
      GATEHOUSE_POLICY_DIR: policyDir,
    });
    try {
      const olivia = await strict.createUser("olivia");
      const mallory = await strict.createUser("mallory");
      await publishAt(strict, olivia, "olivia/lm", "api", "v1", {
        "model.onnx": lm.files["model.onnx"],
        "README.md": withChecks(lm.files["README.md"], PROMPT_CHECKS),
      });
      await enable(strict, olivia, "olivia/lm", "v1");
      const call = (prompt: string) =>
        strict.request("POST", "/v1/completions", {
          token: mallory,
          json: { model: "olivia/lm@v1", prompt, max_tokens: 2 },
        });
      assert.equal((await call("you idiot")).status, 400);
      await settleUsage(strict, 1);
      await strict.built.ctx.signals.settle();
      const res = await strict.request("GET", "/api/usage/signals?kind=content_policy", {
        token: strict.adminToken,
      });
      const { signals } = (await res.json()) as { signals: Signal[] };
      assert.deepEqual(
        signals.map((s) => [s.kind, s.action, s.subject.kind, s.version]),
        [["content_policy", "suspend", "token", "olivia/lm@v1"]],
      );
      const after = await call(PROMPT);
      assert.equal(after.status, 403);
      assert.match(
        ((await after.json()) as { error: { message: string } }).error.message,
        new RegExp(`this token is suspended by abuse signal ${signals[0]?.id ?? "?"}`),
      );
    } finally {
      await strict.close();
      await rm(policyDir, { recursive: true, force: true });
    }
  });

  it("refuses to serve a version whose checks need a moderation endpoint on a hub that has none", async () => {
    const bare = await startHub("sqlite");
    try {
      const token = await bare.createUser("olivia");
      await publishAt(bare, token, "olivia/lm", "api", "v1", {
        "model.onnx": lm.files["model.onnx"],
        "README.md": withChecks(
          lm.files["README.md"],
          "  - restriction: harassment\n    moderation: [harassment]\n",
        ),
      });
      const body = await expectError(
        bare.request("PUT", "/api/models/olivia/lm/versions/v1/serving", {
          token,
          json: { workers: 1 },
        }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        body.error,
        "the use checks of olivia/lm@v1 ask a moderation endpoint and this hub has none; an administrator sets GATEHOUSE_MODERATION_URL (docs/use-checks.md), or publish a version whose checks need none",
      );
    } finally {
      await bare.close();
    }
  });

  it("refuses a card whose use checks cannot be used, naming the line and the fix", async () => {
    await expectStatus(
      hub.request("POST", "/api/models", {
        token: owner,
        json: { id: "acme/bad", visibility: "private" },
      }),
      201,
    );
    await expectStatus(
      hub.request("POST", "/api/models/acme/bad/versions", { token: owner, json: { name: "v1" } }),
      201,
    );
    const body = await expectError(
      hub.request("PUT", "/api/models/acme/bad/versions/v1/files/README.md", {
        token: owner,
        body: "---\nlicense: mit\nuse_checks:\n  - restriction: spam\n    patterns: ['(a+)+$']\n---\n# Bad\n",
      }),
      400,
      "INVALID_CARD",
    );
    assert.equal(
      body.error,
      'README.md line 3: use_checks: check 1 (spam): pattern "(a+)+$" nests repetitions (such as (a+)+), which can take exponential time; rewrite it without a repeated group that itself repeats',
    );
  });
});

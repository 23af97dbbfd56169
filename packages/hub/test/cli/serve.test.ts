import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { halfAndTextModel } from "../serve/binary-models.js";
import { enable, publishAt, IRIS_ROWS, referenceOutputs, trainIris } from "../serve/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse serve and gatehouse infer", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let dir: string;
  let iris: Awaited<ReturnType<typeof trainIris>>;
  let owner: string;
  let caller: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });

  before(async () => {
    iris = await trainIris();
    hub = await startHub("sqlite");
    home = await tempHome();
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-serve-"));
    owner = await hub.createUser("olivia");
    caller = await hub.createUser("carl");
    await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
    await publishAt(hub, owner, "olivia/broken", "api", "v1", { "model.onnx": "not onnx" });
  });
  after(async () => {
    await hub.close();
    await iris.cleanup();
    await rm(home.home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("enables a version, shows its status, and refuses what cannot be served with the reason", async () => {
    const enabled = await gatehouse(
      [
        "serve",
        "enable",
        "olivia/iris@v1",
        "--workers",
        "1",
        "--max-batch",
        "8",
        "--max-delay-ms",
        "1.5",
      ],
      as(owner),
    );
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(
      enabled.stdout,
      /^serving olivia\/iris@v1 with 1 worker, batch ≤8 rows, delay 1\.5 ms, 0 batches of 0 calls; call POST \/v2\/models\/olivia--iris\/versions\/v1\/infer/,
    );
    const status = await gatehouse(["serve", "status", "olivia/iris@v1"], as(owner));
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^olivia\/iris@v1 {2}loaded {2}workers 1 {2}queue 0 {2}running 0 {2}batch ≤8 rows, delay 1\.5 ms/,
    );
    const badBatch = await gatehouse(
      ["serve", "enable", "olivia/iris@v1", "--max-batch", "0"],
      as(owner),
    );
    assert.equal(badBatch.code, 2);
    assert.match(badBatch.stderr, /--max-batch takes a whole number of at least 1/);
    const all = await gatehouse(["--json", "serve", "status"], as(hub.adminToken));
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      (JSON.parse(all.stdout) as { model: string }[]).map((s) => s.model),
      ["olivia/iris"],
    );

    const broken = await gatehouse(["serve", "enable", "olivia/broken@v1"], as(owner));
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /error: onnxruntime cannot load model\.onnx of olivia\/broken@v1: /,
    );
    const noVersion = await gatehouse(["serve", "enable", "olivia/iris"], as(owner));
    assert.equal(noVersion.code, 2);
    assert.match(
      noVersion.stderr,
      /names no version; serving is per version: write olivia\/iris@VERSION/,
    );
    const notAllowed = await gatehouse(["serve", "enable", "olivia/iris@v1"], as(caller));
    assert.equal(notAllowed.code, 1);
    assert.match(notAllowed.stderr, /\(FORBIDDEN\)/);
  });

  it("calls the model with a request file, prints the outputs and writes the response", async () => {
    const input = path.join(dir, "request.json");
    const output = path.join(dir, "response.json");
    await writeFile(
      input,
      JSON.stringify({
        id: "cli-1",
        inputs: [{ name: "features", shape: [4, 4], datatype: "FP32", data: IRIS_ROWS }],
        outputs: [{ name: "label" }],
      }),
    );
    const run = await gatehouse(
      ["infer", "olivia/iris@v1", "--input", input, "--output", output],
      as(caller),
    );
    assert.equal(run.code, 0, run.stderr);
    const labels = (await referenceOutputs(iris.file, IRIS_ROWS)).label;
    assert.equal(run.stdout, `label INT64 [4]: ${JSON.stringify(labels)}\n`);
    const written = JSON.parse(await readFile(output, "utf8")) as {
      id: string;
      model_version: string;
    };
    assert.equal(written.id, "cli-1");
    assert.equal(written.model_version, "v1");
  });

  it("sends the inputs and takes the outputs as binary tensors with --binary, printing what JSON prints", async () => {
    const input = path.join(dir, "request.json");
    const json = await gatehouse(["infer", "olivia/iris@v1", "--input", input], as(caller));
    const binary = await gatehouse(
      ["infer", "olivia/iris@v1", "--input", input, "--binary"],
      as(caller),
    );
    assert.equal(binary.code, 0, binary.stderr);
    assert.equal(binary.stdout, json.stdout);

    // FP16 has no JSON form: the file gives numbers and --binary sends their half bits.
    await publishAt(hub, owner, "olivia/typed", "api", "v1", { "model.onnx": halfAndTextModel() });
    await enable(hub, owner, "olivia/typed", "v1");
    const typed = path.join(dir, "typed.json");
    await writeFile(
      typed,
      JSON.stringify({
        inputs: [
          { name: "half", shape: [1, 2], datatype: "FP16", data: [[0.5, -1.25]] },
          { name: "text", shape: [1], datatype: "BYTES", data: ["héllo"] },
        ],
      }),
    );
    const run = await gatehouse(
      ["infer", "olivia/typed@v1", "--input", typed, "--binary"],
      as(caller),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'half_out FP16 [1,2]: [0.5,-1.25]\nas_float FP32 [1,2]: [0.5,-1.25]\ntext_out BYTES [1]: ["héllo"]\n',
    );
    const refused = await gatehouse(["infer", "olivia/typed@v1", "--input", typed], as(caller));
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error: input "half": FP16 has no JSON form; send it as binary data/,
    );

    await writeFile(
      typed,
      JSON.stringify({
        inputs: [{ name: "half", shape: [1, 2], datatype: "FP16", data: [[0.5, "x"]] }],
      }),
    );
    const bad = await gatehouse(
      ["infer", "olivia/typed@v1", "--input", typed, "--binary"],
      as(caller),
    );
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /typed\.json: input "half": value 1 \("x"\) is not a number, as datatype FP16 needs/,
    );
  });

  it("names the tensor when the hub refuses the input, and exits non-zero", async () => {
    const input = path.join(dir, "bad.json");
    await writeFile(
      input,
      JSON.stringify({
        inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2] }],
      }),
    );
    const run = await gatehouse(["infer", "olivia/iris", "--input", input], as(caller));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: input "features" has 2 values but its shape \[1,4\] holds 4/);

    await writeFile(input, "{}");
    const empty = await gatehouse(["infer", "olivia/iris", "--input", input], as(caller));
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /has no "inputs" list; write an Open Inference Protocol request/);

    const missing = await gatehouse(
      ["infer", "olivia/iris", "--input", path.join(dir, "none.json")],
      as(caller),
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });

  it("stops serving on disable, after which calls are refused as not found", async () => {
    const disabled = await gatehouse(["serve", "disable", "olivia/iris@v1"], as(owner));
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(disabled.stdout, "stopped serving olivia/iris@v1\n");
    const input = path.join(dir, "request.json");
    const run = await gatehouse(["infer", "olivia/iris@v1", "--input", input], as(caller));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: Model with name olivia--iris and version v1 does not exist\./);
    const again = await gatehouse(["serve", "disable", "olivia/iris@v1"], as(owner));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /olivia\/iris@v1 is not served/);
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { enable, publishAt, referenceOutputs, trainIris } from "./support.js";

const SERVING_DOC = new URL("../../../../docs/serving.md", import.meta.url);

/** The shell commands of the curl example under "Binary tensor data" in docs/serving.md. */
async function documentedExample(): Promise<string> {
  const doc = await readFile(SERVING_DOC, "utf8");
  const section = doc.slice(doc.indexOf("### Binary tensor data"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, "docs/serving.md shows a curl example for binary tensors");
  return block;
}

/** Runs a script with bash, without blocking the event loop that serves the hub. */
function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the documented curl example of binary tensor data", () => {
  let hub: TestHub;
  let iris: Awaited<ReturnType<typeof trainIris>>;
  let dir: string;
  let caller: string;

  before(async () => {
    iris = await trainIris();
    hub = await startHub("sqlite");
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-binary-curl-"));
    const owner = await hub.createUser("olivia");
    caller = await hub.createUser("carl", ["read"]);
    await expectStatus(
      hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
      201,
    );
    await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
    await enable(hub, owner, "acme/iris", "v1");
  });
  after(async () => {
    await hub.close();
    await iris.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs as written and prints the JSON header and the probabilities onnxruntime computes", async () => {
    const script = (await documentedExample()).replaceAll("http://127.0.0.1:8080", hub.url);
    const run = await bash(script, dir, { GATEHOUSE_TOKEN: caller });
    assert.equal(run.code, 0, run.stderr);
    const [json = "", floats = ""] = run.stdout.split("\n");
    const header = JSON.parse(json) as {
      model_name: string;
      outputs: { name: string; parameters?: { binary_data_size: number }; data?: number[] }[];
    };
    const reference = await referenceOutputs(iris.file, [[5.1, 3.5, 1.4, 0.2]]);
    assert.equal(header.model_name, "acme--iris");
    assert.deepEqual(
      header.outputs.map((o) => o.parameters ?? o.data),
      [{ binary_data_size: 12 }, reference.label],
    );
    const printed = floats.trim().split(/\s+/).map(Number);
    assert.equal(printed.length, 3, run.stdout);
    printed.forEach((p, i) => {
      // od prints about seven significant digits.
      assert.ok(Math.abs(p - (reference.probabilities[i] ?? NaN)) < 1e-6, `${p} at ${i}`);
    });
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { publishPrivateModel, sha256, type PrivateModel } from "./private-model.js";

/** Runs the real curl binary without blocking the event loop, which serves the hub in this process. */
function curl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", ["--silent", "--show-error", "--max-time", "60", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("latin1").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => {
      reject(new Error(`these tests need the curl binary: ${err.message}`));
    });
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Header lines of the last response curl printed with -D -, keyed in lower case. */
function headersOf(dump: string): { status: number; headers: Map<string, string> } {
  const blocks = dump.split(/\r\n\r\n/).filter((b) => b.startsWith("HTTP/"));
  const last = blocks.at(-1) ?? "";
  const [statusLine = "", ...lines] = last.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

for (const dialect of DIALECTS) {
  describe(`curl against a private model (${dialect})`, () => {
    let hub: TestHub;
    let model: PrivateModel;
    let dir: string;
    let auth: string;
    before(async () => {
      hub = await startHub(dialect);
      model = await publishPrivateModel(hub);
      dir = await mkdtemp(path.join(tmpdir(), "gatehouse-curl-"));
      auth = `Authorization: Bearer ${model.ownerToken}`;
    });
    after(async () => {
      await hub.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("downloads a file byte for byte with a token, at a version, a commit and main", async () => {
      const cases = [
        [model.v1.name, model.v1.files],
        [model.v1.sha, model.v1.files],
        ["main", model.v2.files],
      ] as const;
      for (const [revision, files] of cases) {
        for (const filePath of ["weights/model.bin", "empty.txt", "config.json"]) {
          const expected = files[filePath];
          assert.ok(expected !== undefined);
          const out = path.join(dir, `${revision}-${filePath.replaceAll("/", "_")}`);
          const url = `${hub.url}/${model.repo}/resolve/${revision}/${filePath}`;
          const run = await curl(["-fL", "-H", auth, url, "-o", out]);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(sha256(await readFile(out)), sha256(expected), `${filePath} at ${revision}`);
        }
      }
    });

    it("downloads the first ten bytes with curl -r 0-9 as a 206 partial answer", async () => {
      const out = path.join(dir, "range.bin");
      const url = `${hub.url}/${model.repo}/resolve/${model.v1.name}/weights/model.bin`;
      const run = await curl(["-fL", "-r", "0-9", "-H", auth, "-D", "-", url, "-o", out]);
      assert.equal(run.code, 0, run.stderr);
      const { status, headers } = headersOf(run.stdout);
      assert.equal(status, 206);
      assert.equal(headers.get("content-range"), "bytes 0-9/70000");
      const weights = model.v1.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      assert.deepEqual(await readFile(out), weights.subarray(0, 10));
    });

    it("answers curl -I with the size, etag and commit the Hugging Face clients read", async () => {
      const url = `${hub.url}/${model.repo}/resolve/${model.v1.name}/weights/model.bin`;
      const run = await curl(["-fI", "-H", auth, url]);
      assert.equal(run.code, 0, run.stderr);
      const { status, headers } = headersOf(run.stdout);
      const weights = model.v1.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      assert.equal(status, 200);
      assert.equal(headers.get("content-length"), "70000");
      assert.equal(headers.get("x-linked-size"), "70000");
      assert.equal(headers.get("etag"), `"${sha256(weights)}"`);
      assert.equal(headers.get("x-repo-commit"), model.v1.sha);
      assert.equal(headers.get("accept-ranges"), "bytes");
    });

    it("revalidates a cached copy with If-None-Match as 304", async () => {
      const weights = model.v2.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      const url = `${hub.url}/${model.repo}/resolve/main/weights/model.bin`;
      const run = await curl([
        "-H",
        auth,
        "-H",
        `If-None-Match: "${sha256(weights)}"`,
        "-D",
        "-",
        "-o",
        path.join(dir, "none"),
        url,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(headersOf(run.stdout).status, 304);
    });

    it("fails without a token or with another user's, saying the repository is not found", async () => {
      const url = `${hub.url}/${model.repo}/resolve/main/config.json`;
      for (const [extra, status] of [
        [[], 401],
        [["-H", `Authorization: Bearer ${model.strangerToken}`], 404],
      ] as const) {
        const out = path.join(dir, `refused-${status}`);
        const run = await curl(["-D", "-", ...extra, url, "-o", out]);
        assert.equal(run.code, 0, run.stderr);
        const { status: got, headers } = headersOf(run.stdout);
        assert.equal(got, status);
        assert.equal(headers.get("x-error-code"), "RepoNotFound");
        const body = JSON.parse(await readFile(out, "utf8")) as { error: string };
        assert.match(body.error, /Repository not found: owner\/secret-model/);
        // curl -f turns the refusal into exit code 22, so scripts stop on it.
        const failed = await curl(["-fsSL", ...extra, url, "-o", path.join(dir, "never")]);
        assert.equal(failed.code, 22);
      }
    });
  });
}

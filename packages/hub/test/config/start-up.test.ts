import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

/** The built server, started as `npm start` starts it. */
const MAIN = path.resolve(import.meta.dirname, "../../dist/main.js");

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

function startServer(env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
      // A server that does start would run forever; this bounds the test.
      timeout: 60_000,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stderr });
    });
  });
}

const BAD_VALUES: ReadonlyArray<readonly [string, string]> = [
  ["GATEHOUSE_PORT", "abc"],
  ["GATEHOUSE_PORT", "70000"],
  ["DATABASE_URL", "mysql://x"],
  ["GATEHOUSE_BLOBS", "s3://b"],
  ["GATEHOUSE_ADMIN_TOKEN", "short"],
  ["GATEHOUSE_LOG_LEVEL", "loud"],
  ["GATEHOUSE_TRUST_PROXY", "*"],
];

describe("server start-up with a bad setting", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-config-"));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  for (const [variable, value] of BAD_VALUES) {
    it(`exits with code 2 and names ${variable} when it is "${value}"`, async () => {
      const result = await startServer({ GATEHOUSE_DATA_DIR: dataDir, [variable]: value });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(variable));
      // Nothing is created before the configuration is known to be good.
      assert.deepEqual(await readdir(dataDir), []);
    });
  }
});

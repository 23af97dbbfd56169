import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
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
  ["GATEHOUSE_SESSION_TTL", "forever"],
  ["GATEHOUSE_ADMIN_PASSWORD", "too short"],
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

describe("server start-up with a broken release policy", () => {
  let dataDir: string;
  let policyDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-config-"));
    policyDir = path.join(dataDir, "policies");
    await mkdir(policyDir);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  for (const [what, text, line, reason] of [
    [
      "a YAML syntax error",
      // The parser finds the unclosed list where the file ends, on line 5.
      "policy: p\nrules:\n  - id: a\n    require: [unclosed\n",
      5,
      /YAML/,
    ],
    [
      "a CEL type error",
      "policy: p\nrules:\n  - id: stage-is-a-number\n    description: d\n    message: m\n    require: transition.to == 1\n",
      6,
      /stage-is-a-number|compare|type/i,
    ],
  ] as const) {
    it(`exits with code 2 naming the file and line of ${what}`, async () => {
      const file = path.join(policyDir, "local.yaml");
      await writeFile(file, text);
      const result = await startServer({
        GATEHOUSE_DATA_DIR: path.join(dataDir, "data"),
        GATEHOUSE_POLICY_DIR: policyDir,
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`policy error: ${file.replace(/[.]/g, "\\.")}:${line}: `),
      );
      assert.match(result.stderr, reason);
    });
  }
});

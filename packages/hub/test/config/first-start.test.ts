import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

/** The built server, started as `npm start` starts it. */
const MAIN = path.resolve(import.meta.dirname, "../../dist/main.js");

/**
 * Starts the hub on port 0 in an empty data folder, waits for the end of what
 * it prints on first start, and stops it; returns what it printed.
 */
function firstStart(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "--port", "0"], {
      env: { PATH: process.env.PATH ?? "", GATEHOUSE_DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.includes("Data lives in")) {
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", () => {
      resolve(output);
    });
  });
}

describe("the first start of a hub", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-first-"));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("writes the admin's password beside the token, mode 0600, and says how to sign in to the web UI and the CLI", async () => {
    const dir = path.join(dataDir, "generated");
    const output = await firstStart(dir);
    const url = /Gatehouse is listening on (\S+)/.exec(output)?.[1];
    assert.ok(url !== undefined, output);
    const passwordFile = path.join(dir, "admin-password");
    const tokenFile = path.join(dir, "admin-token");
    assert.ok(
      output.includes(
        `Sign in to the web UI at ${url} as user 'admin' with the password in ${passwordFile}.`,
      ),
      output,
    );
    assert.ok(output.includes(`Sign in with the CLI with the token in ${tokenFile}:`), output);
    assert.ok(output.includes(`npx gatehouse login --hub ${url} --token "$(cat ${tokenFile})"`));
    for (const file of [passwordFile, tokenFile]) {
      assert.equal((await stat(file)).mode & 0o777, 0o600, file);
    }
    const password = (await readFile(passwordFile, "utf8")).trim();
    assert.ok(!output.includes(password), "the password was printed");
  });

  it("names GATEHOUSE_ADMIN_PASSWORD instead of a file when it gave the password, and never prints it", async () => {
    const dir = path.join(dataDir, "given");
    const password = "an operator's chosen password";
    const output = await firstStart(dir, { GATEHOUSE_ADMIN_PASSWORD: password });
    assert.match(output, /as user 'admin' with the value of GATEHOUSE_ADMIN_PASSWORD\./);
    assert.ok(!output.includes(password), "the password was printed");
    await assert.rejects(stat(path.join(dir, "admin-password")), { code: "ENOENT" });
  });
});

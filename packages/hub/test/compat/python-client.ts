import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SCRIPT = fileURLToPath(new URL("./hf_client.py", import.meta.url));
export const INSTALL_HINT =
  "the Python client tests need python3 with huggingface_hub: run `python3 -m pip install huggingface_hub`";

export type Call = Record<string, unknown> & { op: string; token: string | null };
export interface Failure {
  error: string;
  errors: string[];
  status: number | null;
  message: string;
}
export type Result = { ok: Record<string, unknown> } | Failure;

/** Runs python3 without blocking the event loop, which serves the hub in this same process. */
export function runProcess(
  args: string[],
  env: Record<string, string>,
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${INSTALL_HINT} (${err.message})`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/**
 * A clean environment for python3: no HF_* setting of the machine (HF_TOKEN,
 * HF_HUB_OFFLINE) leaks in, but what finds the interpreter and its packages
 * (HOME for user site-packages and pyenv, PATH, a virtualenv) does.
 */
export function pythonEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [
    "PATH",
    "HOME",
    "PYTHONPATH",
    "PYTHONUSERBASE",
    "VIRTUAL_ENV",
    "PYENV_VERSION",
    "PYENV_ROOT",
    "SSL_CERT_FILE",
  ]) {
    const value = process.env[key];
    if (value !== undefined) {
      env[key] = value;
    }
  }
  return env;
}

export function ok(result: Result | undefined): Record<string, unknown> {
  assert.ok(result !== undefined, "the script gave fewer results than calls");
  if (!("ok" in result)) {
    assert.fail(`the client failed: ${result.error}: ${result.message}`);
  }
  return result.ok;
}

export function refused(result: Result | undefined, errorClass: string, status: number): void {
  assert.ok(result !== undefined, "the script gave fewer results than calls");
  assert.ok(!("ok" in result), `expected ${errorClass}, the call succeeded`);
  assert.ok(
    result.errors.includes(errorClass),
    `expected ${errorClass}, got ${result.error}: ${result.message}`,
  );
  assert.equal(result.status, status, result.message);
}

/**
 * Runs `calls` in one python3 against the hub at `hubUrl`, with a fresh cache
 * under `home`; `env` adds settings (HF_TOKEN, HF_HUB_DISABLE_XET).
 */
export async function runPythonCalls(
  hubUrl: string,
  home: string,
  calls: Call[],
  env: Record<string, string> = {},
): Promise<Result[]> {
  const cache = await mkdtemp(path.join(home, "cache-"));
  const run = await runProcess(
    [SCRIPT],
    {
      ...pythonEnv(),
      HF_HOME: path.join(home, "hf-home"),
      HF_HUB_CACHE: cache,
      HF_ENDPOINT: hubUrl,
      HF_HUB_DISABLE_TELEMETRY: "1",
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
      ...env,
    },
    JSON.stringify(calls),
  );
  if (run.code !== 0) {
    const missing = /No module named 'huggingface_hub'/.test(run.stderr);
    throw new Error(`${missing ? INSTALL_HINT : "the Python client script failed"}\n${run.stderr}`);
  }
  const out = JSON.parse(run.stdout) as { results: Result[] };
  assert.equal(out.results.length, calls.length);
  return out.results;
}

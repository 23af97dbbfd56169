import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** The committed entry point, run as users run it (it loads the build in dist/). */
export const CLI = path.resolve(import.meta.dirname, "../../bin/gatehouse.js");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throwaway home so the CLI never reads or writes the real user's config. */
export async function tempHome(): Promise<{ home: string; configDir: string }> {
  const home = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-home-"));
  return { home, configDir: path.join(home, "xdg-config") };
}

/**
 * Runs `gatehouse ARGS` in a child process with only the environment given
 * (plus PATH and the temp home), never the test runner's own GATEHOUSE_* values.
 */
export function gatehouse(
  args: readonly string[],
  options: { home: string; configDir: string; env?: Record<string, string>; stdin?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: options.home,
        XDG_CONFIG_HOME: options.configDir,
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

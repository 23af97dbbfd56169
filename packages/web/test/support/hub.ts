import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** The built server and CLI, started as `npm start` and `npx gatehouse` start them. */
const HUB_PACKAGE = path.resolve(import.meta.dirname, "../../../hub");
const MAIN = path.join(HUB_PACKAGE, "dist/main.js");
const CLI = path.join(HUB_PACKAGE, "bin/gatehouse.js");

export const ADMIN_TOKEN = `hf_gth_web_admin_${"w".repeat(28)}`;

const POSTGRES_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL || undefined;

export type Dialect = "sqlite" | "postgres";

/**
 * The one dialect a browser test runs on. The hub's own tests run the store on
 * both; a browser test proves pages, so each file names one, half of them
 * PostgreSQL, which falls back to SQLite when the test run has none.
 */
export function browserDialect(preferred: Dialect): Dialect {
  return POSTGRES_URL === undefined ? "sqlite" : preferred;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A hub running as its own process, with its data folder (and PostgreSQL schema), for a browser to visit. */
export interface WebHub {
  readonly url: string;
  /** Calls the API with the admin token (or `token`), as a script of the operator's would. */
  api(method: string, urlPath: string, json?: unknown, token?: string): Promise<Response>;
  /** Runs the `gatehouse` CLI against this hub with `token`; fails with its output when it fails. */
  cli(args: readonly string[], token?: string): Promise<string>;
  /** Makes a folder of files under the hub's temporary folder and returns its path. */
  readonly workDir: string;
  /** The hub's PostgreSQL schema; null on SQLite, whose file is `workDir/data/gatehouse.sqlite`. */
  readonly pgSchema: string | null;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/main.js` on a fresh data folder, on SQLite or on a fresh
 * PostgreSQL schema, with a known admin token, and waits until it listens.
 */
export async function startWebHub(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<WebHub> {
  const workDir = await mkdtemp(path.join(tmpdir(), "gatehouse-web-"));
  const hubEnv: Record<string, string> = {};
  let schema: string | null = null;
  if (dialect === "postgres") {
    if (POSTGRES_URL === undefined) {
      throw new Error("GATEHOUSE_TEST_POSTGRES_URL is not set");
    }
    schema = `web_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    hubEnv.DATABASE_URL = url.toString();
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEHOUSE_DATA_DIR: path.join(workDir, "data"),
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEHOUSE_LOG_LEVEL: "error",
      GATEHOUSE_DEFAULT_POLICY: "false",
      ...hubEnv,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the hub did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code} before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    workDir,
    pgSchema: schema,
    api(method, urlPath, json, token = ADMIN_TOKEN) {
      return fetch(`${url}${urlPath}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    async cli(args, token = ADMIN_TOKEN) {
      try {
        const { stdout } = await run(process.execPath, [CLI, ...args], {
          env: {
            PATH: process.env.PATH ?? "",
            HOME: workDir,
            GATEHOUSE_HUB: url,
            GATEHOUSE_TOKEN: token,
          },
        });
        return stdout;
      } catch (err) {
        const failed = err as { stdout?: string; stderr?: string };
        throw new Error(
          `gatehouse ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`,
          { cause: err },
        );
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
      }
      await exited;
      if (schema !== null) {
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

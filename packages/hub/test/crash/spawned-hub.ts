import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { dropSchema, POSTGRES_URL, type Dialect } from "../support/harness.js";

/** The built server, started as `npm start` starts it. */
const MAIN = path.resolve(import.meta.dirname, "../../dist/main.js");

/** A known first-admin token, as an operator automating a set-up would pass it. */
export const ADMIN_TOKEN = `hf_gth_crash_admin_${"k".repeat(24)}`;

/** A port that was free a moment ago: the server must be told its port before it starts. */
export function freePort(): Promise<number> {
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

export interface SpawnedHub {
  readonly url: string;
  readonly child: ChildProcess;
  request(
    method: string,
    urlPath: string,
    init?: { json?: unknown; body?: Buffer; headers?: Record<string, string> },
  ): Promise<Response>;
  /** SIGKILL: no shutdown hook, no flush, as a power cut or the OOM killer would stop it. */
  kill(): Promise<void>;
}

/** Starts `node dist/main.js` on the data dir and waits until it says it is listening. */
export async function spawnHub(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<SpawnedHub> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEHOUSE_LOG_LEVEL: "error",
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
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code} before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    request(method, urlPath, init = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(init.headers ?? {}),
      };
      let body: Buffer | string | undefined = init.body;
      if (init.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(init.json);
      }
      return fetch(`${url}${urlPath}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
      }
      await exited;
    },
  };
}

/** Every file under `dir` (recursively), as paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Fails with the body when the status is not the one expected. */
export async function expectStatus(res: Promise<Response>, status: number): Promise<Response> {
  const answered = await res;
  if (answered.status !== status) {
    throw new Error(`expected ${status}, got ${answered.status}: ${await answered.text()}`);
  }
  return answered;
}

/** Where a spawned hub keeps its rows, and how the test reads them behind its back. */
export interface CrashDatabase {
  /** Environment for the hub: none for SQLite in the data dir, DATABASE_URL for PostgreSQL. */
  readonly env: Record<string, string>;
  /** Runs a read-only query with `$1`-style parameters. */
  query<T>(text: string, params: readonly unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * SQLite in the data dir, or a fresh PostgreSQL schema that the hub reaches
 * through `DATABASE_URL` (search_path set in the URL's `options`, as an
 * operator sharing a database between deployments would).
 */
export async function crashDatabase(dialect: Dialect, dataDir: string): Promise<CrashDatabase> {
  if (dialect === "sqlite") {
    return {
      env: {},
      query<T>(text: string, params: readonly unknown[]) {
        const db = new SQLite(path.join(dataDir, "gatehouse.sqlite"), { readonly: true });
        try {
          return Promise.resolve(db.prepare(text.replace(/\$\d+/g, "?")).all(...params) as T[]);
        } finally {
          db.close();
        }
      },
      drop: () => Promise.resolve(),
    };
  }
  if (POSTGRES_URL === undefined) {
    throw new Error("GATEHOUSE_TEST_POSTGRES_URL is not set");
  }
  const schema = `crash_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: url.toString() },
    async query<T>(text: string, params: readonly unknown[]) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(text, [...params])).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: () => dropSchema(schema),
  };
}

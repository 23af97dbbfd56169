import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { buildApp, type BuiltApp } from "../../src/app.js";
import { bootstrapAdmin } from "../../src/auth/index.js";
import type { BlobStore } from "../../src/blobs/index.js";
import type { Clock } from "../../src/clock/index.js";
import { loadConfig, type Config, type DatabaseConfig } from "../../src/config.js";

export type Dialect = "sqlite" | "postgres";

/** SQLite always; PostgreSQL too when GATEHOUSE_TEST_POSTGRES_URL is set (CI sets it). */
export const POSTGRES_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL;
export const DIALECTS: readonly Dialect[] =
  POSTGRES_URL === undefined ? ["sqlite"] : ["sqlite", "postgres"];

export interface TestHub {
  readonly url: string;
  readonly built: BuiltApp;
  readonly config: Config;
  readonly dataDir: string;
  readonly adminToken: string;
  /** Every test run on PostgreSQL gets its own schema; null on SQLite. */
  readonly pgSchema: string | null;
  /** fetch against the hub with an optional token. */
  request(
    method: string,
    urlPath: string,
    init?: {
      token?: string;
      json?: unknown;
      body?: Buffer | Uint8Array | string;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  /** Creates a user (as admin) and returns a token with the given scopes. */
  createUser(name: string, scopes?: string[]): Promise<string>;
  /**
   * Stops this hub as a clean stop does, keeping its data folder and schema,
   * and starts a new process's hub on them with the same settings and clock:
   * close the one it returns, not this one.
   */
  restart(): Promise<TestHub>;
  close(): Promise<void>;
}

type HubOptions = { clock?: Clock; blobs?: BlobStore };

/** An admin token known in advance, as GATEHOUSE_ADMIN_TOKEN would give. */
export const TEST_ADMIN_TOKEN = `hf_gth_test_admin_${"x".repeat(24)}`;

export function databaseFor(
  dialect: Dialect,
  dataDir: string,
): { database: DatabaseConfig; schema: string | null } {
  if (dialect === "sqlite") {
    return { database: { kind: "sqlite", file: path.join(dataDir, "hub.sqlite") }, schema: null };
  }
  if (POSTGRES_URL === undefined) {
    throw new Error("GATEHOUSE_TEST_POSTGRES_URL is not set");
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  return { database: { kind: "postgres", url: POSTGRES_URL, schema }, schema };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a real hub on a free port with a fresh data folder (and a fresh
 * PostgreSQL schema for that dialect), bootstrapped with TEST_ADMIN_TOKEN.
 * Without release rules unless `env` sets GATEHOUSE_DEFAULT_POLICY=true.
 * `options.clock` replaces the system clock, for tests that move time;
 * `options.blobs` the blob store, for tests that watch what is read.
 */
export async function startHub(
  dialect: Dialect = "sqlite",
  env: Record<string, string> = {},
  options: HubOptions = {},
): Promise<TestHub> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-test-"));
  const { database, schema } = databaseFor(dialect, dataDir);
  const base = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // A hub without release rules, as an operator may run one: tests of downloads and
    // uploads publish open models freely. Release tests ask for the default policy.
    GATEHOUSE_DEFAULT_POLICY: "false",
    ...env,
  });
  const config: Config = Object.freeze({ ...base, database });
  return launchHub(config, dataDir, schema, options);
}

async function launchHub(
  config: Config,
  dataDir: string,
  schema: string | null,
  options: HubOptions,
): Promise<TestHub> {
  const built = await buildApp({
    config,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.blobs === undefined ? {} : { blobs: options.blobs }),
  });
  await bootstrapAdmin(built.ctx);
  const address = await built.app.listen({ host: "127.0.0.1", port: 0 });
  const hub: TestHub = {
    url: address,
    built,
    config,
    dataDir,
    adminToken: TEST_ADMIN_TOKEN,
    pgSchema: schema,
    request(method, urlPath, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token !== undefined) {
        headers.authorization = `Bearer ${init.token}`;
      }
      let body: Buffer | Uint8Array | string | undefined = init.body;
      if (init.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(init.json);
      }
      return fetch(`${address}${urlPath}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
    },
    async createUser(name, scopes = ["read", "write"]) {
      const created = await hub.request("POST", "/api/users", {
        token: TEST_ADMIN_TOKEN,
        json: { name },
      });
      if (created.status !== 201) {
        throw new Error(`creating user ${name}: ${created.status} ${await created.text()}`);
      }
      const token = await hub.request("POST", "/api/tokens", {
        token: TEST_ADMIN_TOKEN,
        json: { user: name, scopes },
      });
      if (token.status !== 201) {
        throw new Error(`creating token for ${name}: ${token.status} ${await token.text()}`);
      }
      return ((await token.json()) as { token: string }).token;
    },
    async restart() {
      await built.close();
      return launchHub(config, dataDir, schema, options);
    },
    async close() {
      await built.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return hub;
}

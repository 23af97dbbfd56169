import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./child.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WORK_DIR = path.join(ROOT, "bench", ".work");
const MAIN = path.join(ROOT, "packages", "hub", "dist", "main.js");

let defaultNodeArgs = [];

/** Node options for every hub started after this call, e.g. `--cpu-prof` to profile them. */
export function setHubNodeArgs(args) {
  defaultNodeArgs = [...args];
}

/**
 * Starts the built hub as its own process (`node packages/hub/dist/main.js`)
 * on a free port with a fresh data folder and a known admin token, as an
 * operator would run it. `stop()` ends it and removes the data folder.
 * The data folder is made in `parent`; `nodeArgs` go to node before the script
 * (e.g. `--cpu-prof` when profiling); `env` adds settings.
 */
export async function startHub({ parent = WORK_DIR, nodeArgs = defaultNodeArgs, env = {} } = {}) {
  const dataDir = await mkdtemp(path.join(parent, "hub-"));
  const adminToken = `hf_gth_bench_${randomBytes(20).toString("hex")}`;
  let server;
  try {
    server = await startServer(process.execPath, [...nodeArgs, MAIN], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? dataDir,
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_HOST: "127.0.0.1",
        GATEHOUSE_PORT: "0",
        GATEHOUSE_ADMIN_TOKEN: adminToken,
        GATEHOUSE_LOG_LEVEL: "warn",
        ...env,
      },
      ready: /Gatehouse is listening on (\S+)\n/,
    });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const hub = {
    url: server.url,
    pid: server.pid,
    dataDir,
    adminToken,
    /** A JSON call that throws on an unexpected status. */
    async call(method, urlPath, { token = adminToken, json, expect = [200, 201, 204] } = {}) {
      const headers = { authorization: `Bearer ${token}` };
      if (json !== undefined) {
        headers["content-type"] = "application/json";
      }
      const res = await fetch(`${server.url}${urlPath}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (!expect.includes(res.status)) {
        throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
      }
      return text === "" ? null : JSON.parse(text);
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return hub;
}

/** Creates a user with a token of the given scopes; returns the token. */
export async function createUser(hub, name, scopes) {
  await hub.call("POST", "/api/users", { json: { name } });
  const created = await hub.call("POST", "/api/tokens", { json: { user: name, scopes } });
  return created.token;
}

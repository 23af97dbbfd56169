// Hub memory with ten served models, idle and under load, against the same hub serving none
// and against a bare process holding an onnxruntime session of each model.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer } from "./lib/child.mjs";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { loadTest } from "./lib/load-test.mjs";
import { loadMl } from "./lib/load-ml.mjs";
import { sampleMemory } from "./lib/proc-stats.mjs";
import { WIDE_FEATURES, wideMlpBytes } from "./lib/wide-mlp.mjs";

const SESSIONS_SERVER = new URL("./servers/onnx-sessions.mjs", import.meta.url).pathname;
const MODELS = 10;
/** A mid-sized dense model: about 2 MiB of weights (16 → 512 → 512 → 512 → 3), under a millisecond per row. */
const SHAPE = { width: 512, hidden: 3 };
const CONNECTIONS = 20;
const DURATION_S = 10;
/** Time for freed memory to settle before an idle reading. */
const SETTLE_MS = 2_000;
const BODY = JSON.stringify({
  id: "bench",
  inputs: [
    {
      name: "features",
      shape: [1, WIDE_FEATURES],
      datatype: "FP32",
      data: [Array.from({ length: WIDE_FEATURES }, (_, i) => Math.round(Math.cos(i) * 100) / 100)],
    },
  ],
});

/** Resident memory of `pid` now, in MiB (null where /proc is unavailable). */
async function idleRss(pid) {
  await sleep(SETTLE_MS);
  return sampleMemory(pid).stop().startMiB;
}

/**
 * `connections` clients for `DURATION_S` seconds, each cycling through `paths` (one per model),
 * while the server's resident memory is sampled; returns the peak in MiB.
 */
async function peakUnderLoad(url, paths, headers, pid) {
  const memory = sampleMemory(pid);
  const result = await loadTest(
    {
      url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      timeout: 30,
      requests: paths.map((p) => ({
        method: "POST",
        path: p,
        headers: { "content-type": "application/json", ...headers },
        body: BODY,
      })),
    },
    pid,
  );
  return { ...result, peakMiB: memory.stop().rssMiB };
}

const row = (figure, hub, baseline) => ({
  figure,
  hub,
  baseline,
  unit: "MiB",
  ratio: hub === null || baseline === null ? null : hub / baseline,
  target: "report",
  pass: null,
});

/**
 * Publishes ten copies of a mid-sized MLP at the `api` stage in one hub and reads its resident
 * memory before any is served, then serves all ten (the hub's default workers) and reads it idle,
 * and at its peak while 20 clients call the ten models in turn for 10 s. The bare process loads
 * the same ten files, one session each, and takes the same load.
 */
export async function benchServeMemory({ work, log }) {
  const ml = await loadMl();
  const dir = await mkdtemp(path.join(work, "serve-memory-"));
  const file = path.join(dir, "model.onnx");
  await writeFile(file, wideMlpBytes(ml, SHAPE));
  const hub = await startHub({ parent: work, env: { GATEHOUSE_DEFAULT_POLICY: "false" } });
  let bare = null;
  try {
    const owner = await createUser(hub, "olivia", ["read", "write"]);
    const caller = await createUser(hub, "carl", ["read"]);
    const bytes = await readFile(file);
    const ids = Array.from({ length: MODELS }, (_, i) => `olivia/mlp-${i}`);
    for (const id of ids) {
      await hub.call("POST", "/api/models", { token: owner, json: { id, visibility: "api" } });
      await hub.call("POST", `/api/models/${id}/versions`, { token: owner, json: { name: "v1" } });
      const put = await fetch(`${hub.url}/api/models/${id}/versions/v1/files/model.onnx`, {
        method: "PUT",
        headers: { authorization: `Bearer ${owner}`, "content-type": "application/octet-stream" },
        body: bytes,
        signal: AbortSignal.timeout(60_000),
      });
      if (!put.ok) {
        throw new Error(`PUT ${id} model.onnx: ${put.status} ${await put.text()}`);
      }
      await hub.call("POST", `/api/models/${id}/versions/v1/publish`, { token: owner });
    }
    const unserved = await idleRss(hub.pid);
    let workers = 0;
    for (const id of ids) {
      const served = await hub.call("PUT", `/api/models/${id}/versions/v1/serving`, {
        token: owner,
        json: {},
      });
      workers += served.workers;
    }
    const servedIdle = await idleRss(hub.pid);
    const hubPaths = ids.map((id) => `/v2/models/${id.replace("/", "--")}/versions/v1/infer`);
    const hubLoad = await peakUnderLoad(
      hub.url,
      hubPaths,
      { authorization: `Bearer ${caller}` },
      hub.pid,
    );
    const servedAfter = await idleRss(hub.pid);

    bare = await startServer(process.execPath, [SESSIONS_SERVER, ...ids.map(() => file)], {
      env: { PATH: process.env.PATH ?? "" },
      ready: /listening on (\S+)\n/,
    });
    const bareIdle = await idleRss(bare.pid);
    const barePaths = ids.map((_, i) => `/infer/${i}`);
    const bareLoad = await peakUnderLoad(bare.url, barePaths, {}, bare.pid);
    log(
      `serve-memory: hub ${unserved?.toFixed(0)} MiB serving none, ${servedIdle?.toFixed(0)} MiB ` +
        `idle with ${MODELS} served (${workers} workers), peak ${hubLoad.peakMiB?.toFixed(0)} MiB ` +
        `at ${hubLoad.rps.toFixed(0)} req/s (p50 ${hubLoad.p50} ms), ${servedAfter?.toFixed(0)} MiB after; bare ` +
        `${bareIdle?.toFixed(0)} MiB idle, peak ${bareLoad.peakMiB?.toFixed(0)} MiB at ` +
        `${bareLoad.rps.toFixed(0)} req/s (p50 ${bareLoad.p50} ms)`,
    );
    const what = `hub RSS, ${MODELS} served models`;
    return {
      rows: [
        row(`${what}, idle, vs the same hub serving none`, servedIdle, unserved),
        row(`${what}, idle, vs a bare process holding ${MODELS} sessions`, servedIdle, bareIdle),
        row(
          `${what}, peak under load (${CONNECTIONS} clients), vs the bare process`,
          hubLoad.peakMiB,
          bareLoad.peakMiB,
        ),
        row(`${what}, idle after the load, vs before it`, servedAfter, servedIdle),
      ],
    };
  } finally {
    await bare?.stop();
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Hosted inference: models served through the hub's Open Inference Protocol v2 route, versus a
// bare Fastify route calling onnxruntime-node directly on the same file, in the same run: the
// Iris MLP (microseconds per run), and a wide MLP (milliseconds per run) with and without
// dynamic batching.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startServer } from "./lib/child.mjs";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { loadTest } from "./lib/load-test.mjs";
import { loadMl } from "./lib/load-ml.mjs";
import { WIDE_FEATURES, wideMlpBytes } from "./lib/wide-mlp.mjs";

const ONNX_SERVER = new URL("./servers/onnx-server.mjs", import.meta.url).pathname;
const IRIS_CONNECTIONS = 50;
const WIDE_CONNECTIONS = 64;
/** About 5 ms per one-row run on one core: two 2048×2048 layers between 16 features and 3 classes. */
const WIDE = { width: 2048, hidden: 3 };
const DURATION_S = 10;
const WARMUP_S = 2;
/** One Iris flower per call, as an interactive client sends it. */
const IRIS_REQUEST = JSON.stringify({
  id: "bench",
  inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [[5.9, 3.0, 5.1, 1.8]] }],
});
/** One row per call for the wide MLP too: batching is the server's business, not the client's. */
const WIDE_REQUEST = JSON.stringify({
  id: "bench",
  inputs: [
    {
      name: "features",
      shape: [1, WIDE_FEATURES],
      datatype: "FP32",
      data: [Array.from({ length: WIDE_FEATURES }, (_, i) => Math.round(Math.sin(i) * 100) / 100)],
    },
  ],
});

/** autocannon POSTing `body` for `seconds` with `connections` connections. */
const load = (url, headers, body, connections, seconds, pid) =>
  loadTest(
    {
      url,
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      connections,
      duration: seconds,
      // A bare route that blocks its event loop for each run answers some callers late on a
      // busy machine; they count in its p99 rather than failing the run.
      timeout: 30,
    },
    pid,
  );

const outputsOf = async (url, headers, body) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) {
    throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
  const answer = await res.json();
  return Object.fromEntries(answer.outputs.map((o) => [o.name, o.data]));
};

/** Outputs equal to float32 precision: a batched run may sum in another order than a single row. */
function agree(a, b) {
  return Object.keys(b).every((name) =>
    b[name].every((v, i) => Math.abs(v - (a[name]?.[i] ?? NaN)) <= 1e-5 * Math.max(1, Math.abs(v))),
  );
}

/** Publishes `file` as `id@v1` at the `api` stage and serves it with `settings`. */
async function publishAndServe(hub, owner, id, file, settings) {
  await hub.call("POST", "/api/models", { token: owner, json: { id, visibility: "api" } });
  await hub.call("POST", `/api/models/${id}/versions`, { token: owner, json: { name: "v1" } });
  const put = await fetch(`${hub.url}/api/models/${id}/versions/v1/files/model.onnx`, {
    method: "PUT",
    headers: { authorization: `Bearer ${owner}`, "content-type": "application/octet-stream" },
    body: await readFile(file),
    signal: AbortSignal.timeout(60_000),
  });
  if (!put.ok) {
    throw new Error(`PUT ${id} model.onnx: ${put.status} ${await put.text()}`);
  }
  await hub.call("POST", `/api/models/${id}/versions/v1/publish`, { token: owner });
  return serve(hub, owner, id, settings);
}

/**
 * Waits until `id` has no call waiting or running: a load run that ends leaves the calls it
 * had in flight queued in the hub, which would crowd the next run's out of the bounded queue.
 */
async function drained(hub, owner, id) {
  for (;;) {
    const s = await hub.call("GET", `/api/models/${id}/versions/v1/serving`, { token: owner });
    if (s.queueDepth === 0 && s.running === 0) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const serve = (hub, owner, id, settings) =>
  hub.call("PUT", `/api/models/${id}/versions/v1/serving`, { token: owner, json: settings });

/** Rows comparing the hub's run `mine` with the bare route's `base`. */
function rowsOf(figure, mine, base, target) {
  return [
    {
      figure: `${figure}, req/s`,
      hub: mine.rps,
      baseline: base.rps,
      unit: "req/s",
      ratio: mine.rps / base.rps,
      target: target === null ? "report" : `≥ ${target}×`,
      pass: target === null ? null : mine.rps / base.rps >= target,
    },
    {
      figure: `${figure}, p50`,
      hub: mine.p50,
      baseline: base.p50,
      unit: "ms",
      ratio: base.p50 === 0 ? null : mine.p50 / base.p50,
      target: "report",
      pass: null,
    },
    {
      figure: `${figure}, p99`,
      hub: mine.p99,
      baseline: base.p99,
      unit: "ms",
      ratio: base.p99 === 0 ? null : mine.p99 / base.p99,
      target: "report",
      pass: null,
    },
    {
      figure: `${figure}, server CPU per request`,
      hub: mine.cpuUs,
      baseline: base.cpuUs,
      unit: "µs",
      ratio: mine.cpuUs === null || base.cpuUs === null ? null : mine.cpuUs / base.cpuUs,
      target: "-",
      pass: null,
    },
  ];
}

const text = (r) => `${r.rps.toFixed(0)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`;

/**
 * Trains and exports the Iris MLP and exports a wide MLP with the toolkit, publishes both at
 * the `api` stage and serves them with the hub's default workers and batching; as a user who
 * may call but not download, loads `POST /v2/models/{m}/versions/v1/infer` for 10 s: Iris with
 * 50 connections; the wide MLP with 64, batched (the hub's defaults) and again served with
 * `maxBatch: 1`. The baseline is a bare Fastify route running the same file with
 * onnxruntime-node on its event loop.
 */
export async function benchOipInfer({ work, log }) {
  const ml = await loadMl();
  const dir = await mkdtemp(path.join(work, "oip-"));
  await ml.trainReference("iris", { outDir: dir, epochs: 20 });
  const irisFile = path.join(dir, "model.onnx");
  const wideFile = path.join(dir, "wide.onnx");
  await writeFile(wideFile, wideMlpBytes(ml, WIDE));
  // Without the default release policy, which would hold a card-less model back from `api`.
  const hub = await startHub({ parent: work, env: { GATEHOUSE_DEFAULT_POLICY: "false" } });
  const baselines = [];
  const bare = async (file) => {
    const server = await startServer(process.execPath, [ONNX_SERVER, file], {
      env: { PATH: process.env.PATH ?? "" },
      ready: /listening on (\S+)\n/,
    });
    baselines.push(server);
    return server;
  };
  try {
    const owner = await createUser(hub, "olivia", ["read", "write"]);
    const caller = await createUser(hub, "carl", ["read"]);
    const auth = { authorization: `Bearer ${caller}` };

    // Iris: one row, microseconds of model work per call.
    const irisServed = await publishAndServe(hub, owner, "olivia/iris", irisFile, {});
    const irisBase = await bare(irisFile);
    const irisUrl = `${hub.url}/v2/models/olivia--iris/versions/v1/infer`;
    const irisBaseUrl = `${irisBase.url}/infer`;
    const [mineOut, baseOut] = [
      await outputsOf(irisUrl, auth, IRIS_REQUEST),
      await outputsOf(irisBaseUrl, {}, IRIS_REQUEST),
    ];
    if (JSON.stringify(mineOut) !== JSON.stringify(baseOut)) {
      throw new Error(`the hub and the baseline disagree: ${JSON.stringify([mineOut, baseOut])}`);
    }
    const irisLoad = (url, headers, seconds, pid) =>
      load(url, headers, IRIS_REQUEST, IRIS_CONNECTIONS, seconds, pid);
    // A short untimed run of each first, so both are measured warm.
    await irisLoad(irisBaseUrl, {}, WARMUP_S, irisBase.pid);
    await irisLoad(irisUrl, auth, WARMUP_S, hub.pid);
    await drained(hub, owner, "olivia/iris");
    const irisB = await irisLoad(irisBaseUrl, {}, DURATION_S, irisBase.pid);
    const irisH = await irisLoad(irisUrl, auth, DURATION_S, hub.pid);
    await irisBase.stop();
    log(
      `oip-infer iris: hub ${text(irisH)} (${irisServed.workers} workers, max batch ${irisServed.maxBatch}), bare ${text(irisB)}`,
    );

    // Wide MLP: one row, about 5 ms of model work per run alone.
    const wideServed = await publishAndServe(hub, owner, "olivia/wide", wideFile, {});
    const wideBase = await bare(wideFile);
    const wideUrl = `${hub.url}/v2/models/olivia--wide/versions/v1/infer`;
    const wideBaseUrl = `${wideBase.url}/infer`;
    const [wideMine, wideBare] = [
      await outputsOf(wideUrl, auth, WIDE_REQUEST),
      await outputsOf(wideBaseUrl, {}, WIDE_REQUEST),
    ];
    if (!agree(wideMine, wideBare)) {
      throw new Error(`the hub and the baseline disagree: ${JSON.stringify([wideMine, wideBare])}`);
    }
    const wideLoad = (url, headers, seconds, pid) =>
      load(url, headers, WIDE_REQUEST, WIDE_CONNECTIONS, seconds, pid);
    await wideLoad(wideBaseUrl, {}, WARMUP_S, wideBase.pid);
    await wideLoad(wideUrl, auth, WARMUP_S, hub.pid);
    await drained(hub, owner, "olivia/wide");
    const wideB = await wideLoad(wideBaseUrl, {}, DURATION_S, wideBase.pid);
    const wideBatched = await wideLoad(wideUrl, auth, DURATION_S, hub.pid);
    await drained(hub, owner, "olivia/wide");
    const batchStatus = await hub.call("GET", "/api/models/olivia/wide/versions/v1/serving", {
      token: owner,
    });
    await serve(hub, owner, "olivia/wide", { maxBatch: 1 });
    await wideLoad(wideUrl, auth, WARMUP_S, hub.pid);
    await drained(hub, owner, "olivia/wide");
    const wideSingle = await wideLoad(wideUrl, auth, DURATION_S, hub.pid);
    const callsPerBatch =
      batchStatus.batches === 0 ? 0 : batchStatus.batchedCalls / batchStatus.batches;
    log(
      `oip-infer wide: hub batched ${text(wideBatched)} (${wideServed.workers} workers, max batch ` +
        `${wideServed.maxBatch}, delay ${wideServed.maxDelayMs} ms, ${callsPerBatch.toFixed(1)} calls ` +
        `per batch), hub max batch 1 ${text(wideSingle)}, bare ${text(wideB)}`,
    );

    const iris = `OIP v2 infer, Iris MLP, 1 row, ${IRIS_CONNECTIONS} connections`;
    const wide = `OIP v2 infer, wide MLP (~5 ms/run), 1 row, ${WIDE_CONNECTIONS} connections`;
    return {
      rows: [
        ...rowsOf(iris, irisH, irisB, 0.85),
        ...rowsOf(`${wide}, batched`, wideBatched, wideB, 0.85),
        ...rowsOf(`${wide}, max batch 1`, wideSingle, wideB, null),
      ],
    };
  } finally {
    await Promise.all(baselines.map((b) => b.stop()));
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

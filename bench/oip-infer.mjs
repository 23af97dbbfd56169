// Hosted inference: the Iris MLP through the hub's Open Inference Protocol v2 route, versus a
// bare Fastify route calling onnxruntime-node directly on the same file, in the same run.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { startServer } from "./lib/child.mjs";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { loadTest } from "./lib/load-test.mjs";
import { loadMl } from "./lib/load-ml.mjs";

const ONNX_SERVER = new URL("./servers/onnx-server.mjs", import.meta.url).pathname;
const CONNECTIONS = 50;
const DURATION_S = 10;
const WARMUP_S = 2;
/** One Iris flower per call, as an interactive client sends it. */
const REQUEST = JSON.stringify({
  id: "bench",
  inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [[5.9, 3.0, 5.1, 1.8]] }],
});

/** autocannon POSTing the request for `seconds` with `CONNECTIONS` connections. */
const load = (url, headers, seconds, pid) =>
  loadTest(
    {
      url,
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: REQUEST,
      connections: CONNECTIONS,
      duration: seconds,
    },
    pid,
  );

const outputsOf = async (url, headers) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: REQUEST,
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) {
    throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
  const body = await res.json();
  return Object.fromEntries(body.outputs.map((o) => [o.name, o.data]));
};

/**
 * Trains and exports the Iris MLP with the toolkit, publishes it at the `api`
 * stage, serves it with the hub's default workers, and loads
 * `POST /v2/models/{m}/versions/v1/infer` with 50 connections for 10 s as a
 * user who may call but not download; the baseline is a bare Fastify route
 * running the same file with onnxruntime-node on its event loop.
 */
export async function benchOipInfer({ work, log }) {
  const ml = await loadMl();
  const dir = await mkdtemp(path.join(work, "iris-"));
  await ml.trainReference("iris", { outDir: dir, epochs: 20 });
  const modelFile = path.join(dir, "model.onnx");
  // Without the default release policy, which would hold a card-less model back from `api`.
  const hub = await startHub({ parent: work, env: { GATEHOUSE_DEFAULT_POLICY: "false" } });
  let baseline = null;
  try {
    const owner = await createUser(hub, "olivia", ["read", "write"]);
    const caller = await createUser(hub, "carl", ["read"]);
    await hub.call("POST", "/api/models", {
      token: owner,
      json: { id: "olivia/iris", visibility: "api" },
    });
    await hub.call("POST", "/api/models/olivia/iris/versions", {
      token: owner,
      json: { name: "v1" },
    });
    const put = await fetch(`${hub.url}/api/models/olivia/iris/versions/v1/files/model.onnx`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/octet-stream" },
      body: await readFile(modelFile),
      signal: AbortSignal.timeout(30_000),
    });
    if (!put.ok) {
      throw new Error(`PUT model.onnx: ${put.status} ${await put.text()}`);
    }
    await hub.call("POST", "/api/models/olivia/iris/versions/v1/publish", { token: owner });
    const served = await hub.call("PUT", "/api/models/olivia/iris/versions/v1/serving", {
      token: owner,
      json: {},
    });
    baseline = await startServer(process.execPath, [ONNX_SERVER, modelFile], {
      env: { PATH: process.env.PATH ?? "" },
      ready: /listening on (\S+)\n/,
    });
    const hubUrl = `${hub.url}/v2/models/olivia--iris/versions/v1/infer`;
    const baseUrl = `${baseline.url}/infer`;
    const auth = { authorization: `Bearer ${caller}` };
    const [mineOut, baseOut] = [await outputsOf(hubUrl, auth), await outputsOf(baseUrl, {})];
    if (JSON.stringify(mineOut) !== JSON.stringify(baseOut)) {
      throw new Error(`the hub and the baseline disagree: ${JSON.stringify([mineOut, baseOut])}`);
    }
    // A short untimed run of each first, so both are measured warm.
    await load(baseUrl, {}, WARMUP_S, baseline.pid);
    await load(hubUrl, auth, WARMUP_S, hub.pid);
    const base = await load(baseUrl, {}, DURATION_S, baseline.pid);
    const mine = await load(hubUrl, auth, DURATION_S, hub.pid);
    log(
      `oip-infer: hub ${mine.rps.toFixed(0)} req/s p50 ${mine.p50} ms p99 ${mine.p99} ms ` +
        `(${served.workers} workers), bare fastify + onnxruntime-node ${base.rps.toFixed(0)} req/s ` +
        `p50 ${base.p50} ms p99 ${base.p99} ms`,
    );
    const figure = "OIP v2 infer, Iris MLP, 1 row, 50 connections";
    return {
      rows: [
        {
          figure: `${figure}, req/s`,
          hub: mine.rps,
          baseline: base.rps,
          unit: "req/s",
          ratio: mine.rps / base.rps,
          target: "≥ 0.85×",
          pass: mine.rps / base.rps >= 0.85,
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
          ratio: mine.p99 / base.p99,
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
      ],
    };
  } finally {
    await baseline?.stop();
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

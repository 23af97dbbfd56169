// GET /api/models/{ns}/{name} under load: the hub versus a bare Fastify route with the same JSON.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { startServer } from "./lib/child.mjs";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { loadTest } from "./lib/load-test.mjs";

const JSON_SERVER = new URL("./servers/json-server.mjs", import.meta.url).pathname;
const CONNECTIONS = 50;
const DURATION_S = 10;
const WARMUP_S = 2;

const CARD = `---
license: apache-2.0
library_name: transformers
pipeline_tag: text-classification
tags: [bench, gatehouse]
---
# Bench model

A small model card, as a typical repository has.

## Intended uses

Classifying short texts in benchmarks.

## Limitations

Trained on nothing: it measures the hub, not a model.
`;

/** A model with a card and a handful of files, published as v1, like a small real repository. */
export async function seedModel(hub, token, id, visibility) {
  await hub.call("POST", "/api/models", { token, json: { id, visibility } });
  await hub.call("POST", `/api/models/${id}/versions`, { token, json: { name: "v1" } });
  const files = {
    "README.md": CARD,
    "config.json": JSON.stringify({ architectures: ["BertModel"], hidden_size: 768 }),
    "tokenizer.json": JSON.stringify({ version: "1.0", vocab: { a: 1, b: 2 } }),
    "model.safetensors": "x".repeat(4096),
    "onnx/model.onnx": "y".repeat(2048),
  };
  for (const [filePath, content] of Object.entries(files)) {
    const res = await fetch(`${hub.url}/api/models/${id}/versions/v1/files/${filePath}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: content,
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      throw new Error(`PUT ${filePath}: ${res.status} ${await res.text()}`);
    }
  }
  await hub.call("POST", `/api/models/${id}/versions/v1/publish`, { token });
}

/** autocannon for `seconds` with `CONNECTIONS` connections, as `headers`. */
const load = (url, headers, seconds, pid) =>
  loadTest({ url, headers, connections: CONNECTIONS, duration: seconds }, pid);

async function compare({ hub, id, token, work, label, log }) {
  const headers = token === null ? {} : { authorization: `Bearer ${token}` };
  const hubUrl = `${hub.url}/api/models/${id}`;
  const body = await fetch(hubUrl, { headers, signal: AbortSignal.timeout(10_000) }).then((r) =>
    r.text(),
  );
  const jsonFile = path.join(work, `${id.replace("/", "__")}.json`);
  await writeFile(jsonFile, body);
  const baseline = await startServer(process.execPath, [JSON_SERVER, jsonFile], {
    env: { PATH: process.env.PATH ?? "" },
    ready: /listening on (\S+)\n/,
  });
  try {
    const baseUrl = `${baseline.url}/api/models/${id}`;
    const same = await fetch(baseUrl, { signal: AbortSignal.timeout(10_000) }).then((r) =>
      r.text(),
    );
    if (same !== body) {
      throw new Error("the baseline does not answer the hub's JSON");
    }
    // A short untimed run of each first, so both are measured with a warm JIT.
    await load(baseUrl, headers, WARMUP_S, baseline.pid);
    await load(hubUrl, headers, WARMUP_S, hub.pid);
    const base = await load(baseUrl, headers, DURATION_S, baseline.pid);
    const mine = await load(hubUrl, headers, DURATION_S, hub.pid);
    log(
      `api ${label}: hub ${mine.rps.toFixed(0)} req/s p99 ${mine.p99} ms, ` +
        `bare fastify ${base.rps.toFixed(0)} req/s p99 ${base.p99} ms (${body.length} bytes of JSON)`,
    );
    return [
      {
        figure: `GET /api/models/{ns}/{name}, ${label}, req/s`,
        hub: mine.rps,
        baseline: base.rps,
        unit: "req/s",
        ratio: mine.rps / base.rps,
        target: "≥ 0.4×",
        pass: mine.rps / base.rps >= 0.4,
      },
      {
        figure: `GET /api/models/{ns}/{name}, ${label}, p99`,
        hub: mine.p99,
        baseline: base.p99,
        unit: "ms",
        ratio: mine.p99 / base.p99,
        target: "report",
        pass: null,
      },
      {
        figure: `GET /api/models/{ns}/{name}, ${label}, server CPU per request`,
        hub: mine.cpuUs,
        baseline: base.cpuUs,
        unit: "µs",
        ratio: mine.cpuUs === null || base.cpuUs === null ? null : mine.cpuUs / base.cpuUs,
        target: "-",
        pass: null,
      },
    ];
  } finally {
    await baseline.stop();
  }
}

/**
 * Loads the model-info route of a fresh hub with 50 connections for 10 s: a
 * private model read with a read-only token, then an open model anonymously.
 */
export async function benchApi({ work, log }) {
  const hub = await startHub({ parent: work });
  try {
    const owner = await createUser(hub, "alice", ["read", "write"]);
    await seedModel(hub, owner, "alice/private-model", "private");
    await seedModel(hub, owner, "alice/open-model", "open");
    const reader = await hub.call("POST", "/api/tokens", {
      json: { user: "alice", scopes: ["read"] },
    });
    return {
      rows: [
        ...(await compare({
          hub,
          id: "alice/private-model",
          token: reader.token,
          work,
          label: "private, token",
          log,
        })),
        ...(await compare({
          hub,
          id: "alice/open-model",
          token: null,
          work,
          label: "open, anonymous",
          log,
        })),
      ],
    };
  } finally {
    await hub.stop();
  }
}

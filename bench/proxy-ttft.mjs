// Time to first token through the hub's proxy to an upstream engine, against calling the
// engine directly, in the same run: the engine is a second hub serving a language model,
// the front hub serves a version of its own by proxying to it.
import { writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { TextDecoder } from "node:util";
import path from "node:path";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { loadMl } from "./lib/load-ml.mjs";
import { randomLm } from "./lib/random-lm.mjs";
import { median } from "./lib/report.mjs";

const CALLS = 200;
const WARMUP_CALLS = 20;
const BODY = { prompt: "Call me Ishmael.", max_tokens: 4, temperature: 0, stream: true };

/** Milliseconds from sending a streamed completion to its first event with text; the rest is read to the end. */
async function firstToken(url, token, model) {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, model }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) {
    throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
  const decoder = new TextDecoder();
  let text = "";
  let first = null;
  for await (const bytes of res.body) {
    text += decoder.decode(bytes, { stream: true });
    if (first === null && /"text":"[^"]/.test(text)) {
      first = performance.now() - started;
    }
  }
  if (first === null) {
    throw new Error(`${url}: the stream had no text: ${text.slice(0, 300)}`);
  }
  return first;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Publishes a version of `id` holding `files` at the `api` stage. */
async function publish(hub, owner, id, files) {
  await hub.call("POST", "/api/models", { token: owner, json: { id, visibility: "api" } });
  await hub.call("POST", `/api/models/${id}/versions`, { token: owner, json: { name: "v1" } });
  for (const [name, content] of Object.entries(files)) {
    const res = await fetch(`${hub.url}/api/models/${id}/versions/v1/files/${name}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/octet-stream" },
      body: content,
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) {
      throw new Error(`PUT ${id} ${name}: ${res.status} ${await res.text()}`);
    }
  }
  await hub.call("POST", `/api/models/${id}/versions/v1/publish`, { token: owner });
}

/**
 * The default-size language model (untrained) served by an engine hub; a front hub
 * proxies a version to it. Calls alternate between the front hub and the engine, one at
 * a time, so both see the same machine; the figure is the p50 time to the first token
 * through the proxy minus the engine's own (target: at most 1 ms added).
 */
export async function benchProxyTtft({ work, log }) {
  const ml = await loadMl();
  const { bytes } = await randomLm(ml);
  const modelFile = path.join(work, "lm.onnx");
  await writeFile(modelFile, bytes);
  // Without release rules, so that a version published at `api` is there at once.
  const open = { GATEHOUSE_DEFAULT_POLICY: "false" };
  const engine = await startHub({ parent: work, env: open });
  let front = null;
  try {
    const engineOwner = await createUser(engine, "olivia", ["read", "write"]);
    const key = await createUser(engine, "front", ["read"]);
    await publish(engine, engineOwner, "olivia/lm", { "model.onnx": bytes });
    await engine.call("PUT", "/api/models/olivia/lm/versions/v1/serving", {
      token: engineOwner,
      json: {},
    });
    front = await startHub({
      parent: work,
      env: {
        ...open,
        GATEHOUSE_UPSTREAM_KEYS: JSON.stringify({ [new URL(engine.url).origin]: key }),
      },
    });
    const owner = await createUser(front, "olivia", ["read", "write"]);
    const caller = await createUser(front, "carl", ["read"]);
    await publish(front, owner, "olivia/proxied", { "README.md": "# proxied\n" });
    await front.call("PUT", "/api/models/olivia/proxied/versions/v1/serving", {
      token: owner,
      json: { upstream: { url: `${engine.url}/v1`, model: "olivia/lm@v1" } },
    });
    const direct = () => firstToken(`${engine.url}/v1/completions`, key, "olivia/lm@v1");
    const proxied = () => firstToken(`${front.url}/v1/completions`, caller, "olivia/proxied@v1");
    for (let i = 0; i < WARMUP_CALLS; i++) {
      await direct();
      await proxied();
    }
    const base = [];
    const mine = [];
    for (let i = 0; i < CALLS; i++) {
      base.push(await direct());
      mine.push(await proxied());
    }
    const added = median(mine) - median(base);
    log(
      `proxy-ttft: p50 ${median(mine).toFixed(2)} ms through the proxy, ${median(base).toFixed(2)} ms direct (${added.toFixed(2)} ms added); p99 ${percentile(mine, 99).toFixed(2)} vs ${percentile(base, 99).toFixed(2)} ms`,
    );
    return {
      rows: [
        {
          figure: `time to first token through the proxy, p50 (${CALLS} streams, one at a time)`,
          hub: median(mine),
          baseline: median(base),
          unit: "ms",
          ratio: median(mine) / median(base),
          target: "≤ 1 ms added",
          pass: added <= 1,
        },
        {
          figure: "time to first token through the proxy, p99",
          hub: percentile(mine, 99),
          baseline: percentile(base, 99),
          unit: "ms",
          ratio: percentile(mine, 99) / percentile(base, 99),
          target: "report",
          pass: null,
        },
      ],
    };
  } finally {
    await front?.stop();
    await engine.stop();
  }
}

/* global document, PerformanceObserver -- these run in the browser, through page.evaluate */
// The web UI: its initial JavaScript (gzip), and the first contentful paint of a model page
// listing 1,000 files against a static HTML page of the same content served by the same hub.
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { ROOT, startHub } from "./lib/hub-process.mjs";
import { median } from "./lib/report.mjs";

const DIST = path.join(ROOT, "packages", "web", "dist");
const FILES = 1000;
const MODEL = "admin/thousand-files";
const CHROMIUM = process.env.GATEHOUSE_BENCH_CHROMIUM ?? "/usr/bin/chromium";

/** The JavaScript a first visit loads before anything is drawn: index.html's scripts and preloads. */
export async function initialJavaScript(dist = DIST) {
  const html = await readFile(path.join(dist, "index.html"), "utf8");
  const files = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]);
  let raw = 0;
  let gzip = 0;
  for (const file of new Set(files)) {
    const bytes = await readFile(path.join(dist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip };
}

/** Publishes an open model of FILES small files and a card, through the registry API. */
async function seedModel(hub) {
  await hub.call("POST", "/api/models", { json: { id: MODEL, visibility: "open" } });
  await hub.call("POST", `/api/models/${MODEL}/versions`, { json: { name: "v1" } });
  const put = async (file, body) => {
    const res = await fetch(`${hub.url}/api/models/${MODEL}/versions/v1/files/${file}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${hub.adminToken}` },
      body,
    });
    if (!res.ok) {
      throw new Error(`${file}: ${res.status} ${await res.text()}`);
    }
  };
  await put(
    "README.md",
    "---\nlicense: apache-2.0\ntags: [bench]\n---\n# A thousand files\n\nShards of a model.\n",
  );
  for (let i = 0; i < FILES - 1; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, FILES - 1 - i) }, (_, j) =>
        put(`shards/shard-${String(i + j).padStart(4, "0")}.bin`, `shard ${i + j}\n`),
      ),
    );
  }
  await hub.call("POST", `/api/models/${MODEL}/versions/v1/publish`);
}

/** First contentful paint, and the time until the file table is complete, of one cold visit. */
async function visit(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(
    (n) => document.querySelectorAll("table.files tbody tr").length === n,
    FILES,
  );
  const times = await page.evaluate(async () => {
    const complete = performance.now();
    const fcp = await new Promise((resolve) => {
      new PerformanceObserver((list) => {
        const entry = list.getEntriesByName("first-contentful-paint")[0];
        if (entry) {
          resolve(entry.startTime);
        }
      }).observe({ type: "paint", buffered: true });
    });
    return { fcp, complete };
  });
  await context.close();
  return times;
}

export async function benchWebUi({ work, runs, log }) {
  const js = await initialJavaScript();
  log(`initial JavaScript: ${js.files} files, ${(js.gzip / 1024).toFixed(1)} KiB gzip`);
  // The hub serves a copy of the UI, beside which the static page is written.
  const webDir = path.join(work, "web");
  await cp(DIST, webDir, { recursive: true });
  const hub = await startHub({
    parent: work,
    env: { GATEHOUSE_WEB_DIR: webDir, GATEHOUSE_DEFAULT_POLICY: "false" },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    await seedModel(hub);
    log(`published ${MODEL} with ${FILES} files`);
    const appUrl = `${hub.url}/${MODEL}/files`;
    // The static page is the UI's own rendering of the same page, without its scripts.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.waitForFunction(
      (n) => document.querySelectorAll("table.files tbody tr").length === n,
      FILES,
    );
    const html = await page.evaluate(() => {
      for (const el of document.querySelectorAll('script, link[rel="modulepreload"]')) {
        el.remove();
      }
      return `<!doctype html>\n${document.documentElement.outerHTML}`;
    });
    await context.close();
    await writeFile(path.join(webDir, "assets", "static-model.html"), html);
    const staticUrl = `${hub.url}/assets/static-model.html`;

    const app = { fcp: [], complete: [] };
    const base = { fcp: [], complete: [] };
    await visit(browser, appUrl);
    await visit(browser, staticUrl);
    for (let i = 0; i < Math.max(runs, 5); i += 1) {
      // Alternating, so the machine's load falls on both alike.
      for (const [url, into] of i % 2 === 0
        ? [
            [appUrl, app],
            [staticUrl, base],
          ]
        : [
            [staticUrl, base],
            [appUrl, app],
          ]) {
        const t = await visit(browser, url);
        into.fcp.push(t.fcp);
        into.complete.push(t.complete);
      }
    }
    const fcp = { hub: median(app.fcp), base: median(base.fcp) };
    const complete = { hub: median(app.complete), base: median(base.complete) };
    log(`FCP ${fcp.hub.toFixed(0)} ms vs ${fcp.base.toFixed(0)} ms static`);
    return {
      rows: [
        {
          figure: "web UI initial JavaScript (gzip)",
          hub: js.gzip / 1024,
          baseline: null,
          unit: "KiB",
          ratio: null,
          target: "≤ 250 KB",
          pass: js.gzip <= 250 * 1000,
        },
        {
          figure: `model page with ${FILES} files, first contentful paint vs static HTML`,
          hub: fcp.hub,
          baseline: fcp.base,
          unit: "ms",
          ratio: fcp.hub / fcp.base,
          target: "≤ 2×",
          pass: fcp.hub / fcp.base <= 2,
        },
        {
          figure: `model page with ${FILES} files, file table complete vs static HTML`,
          hub: complete.hub,
          baseline: complete.base,
          unit: "ms",
          ratio: complete.hub / complete.base,
          target: "info",
          pass: null,
        },
      ],
    };
  } finally {
    await browser.close();
    await hub.stop();
  }
}

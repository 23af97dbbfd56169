// `npm run bench`: the speed and memory figures, each a ratio against a baseline measured in the same run.
//   node bench/run.mjs [push|download|gated-download|hf-publish|api|oip-infer|proxy-ttft|serve-memory|web-ui|mlp-train|onnx-infer|lm-train|lm-generate|dp-sgd|pii-scan|policy|limiter ...]
//                      [--runs N] [--size MiB] [--json] [--cpu-prof DIR]
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchApi } from "./api.mjs";
import { benchDownload } from "./download.mjs";
import { benchDpSgd } from "./dp-sgd.mjs";
import { benchGatedDownload } from "./gated-download.mjs";
import { benchHfPublish } from "./hf-publish.mjs";
import { benchLimiter } from "./limiter.mjs";
import { stopAllChildren } from "./lib/child.mjs";
import { writeDataFile } from "./lib/data-file.mjs";
import { ROOT, WORK_DIR, setHubNodeArgs } from "./lib/hub-process.mjs";
import { printTable } from "./lib/report.mjs";
import { benchLmGenerate } from "./lm-generate.mjs";
import { benchLmTrain } from "./lm-train.mjs";
import { benchMlpTrain } from "./mlp-train.mjs";
import { benchOipInfer } from "./oip-infer.mjs";
import { benchProxyTtft } from "./proxy-ttft.mjs";
import { benchOnnxInfer } from "./onnx-infer.mjs";
import { benchPiiScan } from "./pii-scan.mjs";
import { benchPolicy } from "./policy.mjs";
import { benchPush, seedBigModel } from "./push.mjs";
import { benchServeMemory } from "./serve-memory.mjs";
import { benchWebUi } from "./web-ui.mjs";

/** Figures of the hub, then of the ML toolkit (which need no hub). */
const HUB_SECTIONS = [
  "push",
  "download",
  "gated-download",
  "hf-publish",
  "api",
  "oip-infer",
  "proxy-ttft",
  "serve-memory",
  "web-ui",
];
const ML_FIGURES = {
  "mlp-train": benchMlpTrain,
  "onnx-infer": benchOnnxInfer,
  "lm-train": benchLmTrain,
  "lm-generate": benchLmGenerate,
  "dp-sgd": benchDpSgd,
  "pii-scan": benchPiiScan,
  policy: benchPolicy,
  limiter: benchLimiter,
};
const ML_SECTIONS = Object.keys(ML_FIGURES);
const SECTIONS = [...HUB_SECTIONS, ...ML_SECTIONS];

function usage(message) {
  process.stderr.write(
    `error: ${message}\nusage: node bench/run.mjs [${SECTIONS.join("|")} ...] [--runs N] [--size MiB] [--json] [--cpu-prof DIR]\n`,
  );
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        runs: { type: "string", default: "3" },
        size: { type: "string", default: "1024" },
        json: { type: "boolean", default: false },
        "cpu-prof": { type: "string" },
      },
    });
  } catch (err) {
    return usage(err.message);
  }
})();
const unknown = positionals.filter((p) => !SECTIONS.includes(p));
if (unknown.length > 0) {
  usage(`unknown figure ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}`);
}
const runs = Number(values.runs);
const sizeMiB = Number(values.size);
if (!Number.isInteger(runs) || runs < 1) {
  usage(`--runs must be a whole number ≥ 1, not "${values.runs}"`);
}
if (!Number.isInteger(sizeMiB) || sizeMiB < 1) {
  usage(`--size must be a whole number of MiB ≥ 1, not "${values.size}"`);
}
const selected =
  positionals.length === 0 ? SECTIONS : SECTIONS.filter((s) => positionals.includes(s));
if (
  selected.some((s) => HUB_SECTIONS.includes(s)) &&
  !existsSync(path.join(ROOT, "packages", "hub", "dist", "main.js"))
) {
  usage("the hub is not built; run npm run bench (or npm run build first)");
}

if (values["cpu-prof"] !== undefined) {
  // Profiling slows the hub down: its figures are then for finding hot spots, not for reporting.
  const dir = path.resolve(values["cpu-prof"]);
  await mkdir(dir, { recursive: true });
  setHubNodeArgs(["--cpu-prof", `--cpu-prof-dir=${dir}`]);
}

const log = (line) => process.stderr.write(`${line}\n`);
await mkdir(WORK_DIR, { recursive: true });
const work = await mkdtemp(path.join(WORK_DIR, "run-"));
const rows = [];
const cleanups = [];
let failed = false;
const cleanUp = async () => {
  for (const clean of cleanups.reverse()) {
    await clean().catch((err) => log(`cleanup: ${err.message}`));
  }
  await rm(work, { recursive: true, force: true });
  // Leave no empty folder behind either; another run may still be using it, hence no force.
  await rmdir(WORK_DIR).catch(() => undefined);
};
let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  log("interrupted; cleaning up");
  // Ending the children makes the figure being measured fail, and the run then cleans up.
  void stopAllChildren();
  setTimeout(() => process.exit(130), 30_000).unref();
});

try {
  let big = null;
  const needsFile = ["push", "download", "gated-download", "hf-publish"].some((s) =>
    selected.includes(s),
  );
  const size = sizeMiB * 1024 * 1024;
  const file = path.join(work, "model", "model.bin");
  if (needsFile) {
    await mkdir(path.dirname(file), { recursive: true });
    const started = Date.now();
    await writeDataFile(file, size);
    log(`generated ${sizeMiB} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (selected.includes("push")) {
    const result = await benchPush({ file, size, runs, work, log });
    cleanups.push(() => result.hub.stop());
    big = result;
    rows.push(...result.rows);
  }
  if (selected.includes("download")) {
    if (big === null) {
      big = await seedBigModel({ file, work });
      cleanups.push(() => big.hub.stop());
    }
    rows.push(...(await benchDownload({ hub: big.hub, pushed: big.pushed, runs, work, log })).rows);
  }
  if (selected.includes("gated-download")) {
    rows.push(...(await benchGatedDownload({ file, runs, work, log })).rows);
  }
  if (selected.includes("hf-publish")) {
    rows.push(...(await benchHfPublish({ file, size, runs, work, log })).rows);
  }
  // The big hub is not needed any more; free its disk before the API figure.
  await cleanUp();
  cleanups.length = 0;
  await mkdir(work, { recursive: true });
  if (selected.includes("api")) {
    rows.push(...(await benchApi({ work, log })).rows);
  }
  if (selected.includes("oip-infer")) {
    rows.push(...(await benchOipInfer({ work, log })).rows);
  }
  if (selected.includes("proxy-ttft")) {
    rows.push(...(await benchProxyTtft({ work, log })).rows);
  }
  if (selected.includes("serve-memory")) {
    rows.push(...(await benchServeMemory({ work, log })).rows);
  }
  if (selected.includes("web-ui")) {
    rows.push(...(await benchWebUi({ work, runs, log })).rows);
  }
  for (const section of ML_SECTIONS.filter((s) => selected.includes(s))) {
    rows.push(...(await ML_FIGURES[section]({ log })).rows);
  }
} catch (err) {
  failed = true;
  log(`bench failed: ${err.stack ?? err.message}`);
} finally {
  // Whatever a failed figure left running ends with the run, before its files go.
  await stopAllChildren();
  await cleanUp();
}

process.stdout.write("\n");
printTable(rows);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ runs, sizeMiB, rows }, null, 2)}\n`);
}
process.exit(interrupted ? 130 : failed ? 1 : 0);

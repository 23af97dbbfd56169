// Push of a large file: the CLI against a local hub, versus sha256sum + cp of the same file.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { timeCommand } from "./lib/child.mjs";
import { ROOT, startHub } from "./lib/hub-process.mjs";
import { sampleMemory } from "./lib/proc-stats.mjs";
import { median } from "./lib/report.mjs";
import { curlPut } from "./lib/curl-put.mjs";
import { settleDisk } from "./lib/settle-disk.mjs";

const CLI = path.join(ROOT, "packages", "hub", "bin", "gatehouse.js");
export const BIG_MODEL = "admin/big";
export const BIG_VERSION = "v1";

/** The baseline: hash with coreutils, then copy. */
const SHA256SUM_CP = 'sha256sum "$1" > /dev/null && cp "$1" "$2"';
/**
 * A stricter one, shown for honesty: OpenSSL's sha256 uses the CPU's SHA
 * instructions, as Node's does, where some coreutils builds do not.
 */
const OPENSSL_CP = 'openssl dgst -sha256 "$1" > /dev/null && cp "$1" "$2"';

async function baselineOnce(script, file, work) {
  const copy = path.join(work, "copy.bin");
  await settleDisk();
  try {
    const { seconds } = await timeCommand("bash", ["-c", script, "bash", file, copy], {
      timeoutMs: 600_000,
    });
    return seconds;
  } finally {
    await rm(copy, { force: true });
  }
}

async function hasOpenssl() {
  return timeCommand("openssl", ["version"], { timeoutMs: 10_000 }).then(
    () => true,
    () => false,
  );
}

/** A push that sent fewer bytes than the file (content found on the hub) measures nothing. */
function assertUploaded(stdout, size) {
  let summary;
  try {
    summary = JSON.parse(stdout);
  } catch {
    return; // Not the JSON summary; the published version is checked next anyway.
  }
  const sent = summary?.uploaded?.bytes;
  if (sent !== undefined && sent !== size) {
    throw new Error(`the CLI uploaded ${sent} of ${size} bytes; the push was not measured`);
  }
}

/** Pushes the folder `dir` with the CLI to a fresh hub; returns the hub, still running, and the time. */
export async function cliPushOnce({ dir, fileName, size, work }) {
  const hub = await startHub({ parent: work });
  try {
    await hub.call("POST", "/api/models", { json: { id: BIG_MODEL, visibility: "private" } });
    await settleDisk();
    const memory = sampleMemory(hub.pid);
    let seconds;
    let stdout;
    let peak;
    try {
      ({ seconds, stdout } = await timeCommand(
        process.execPath,
        [CLI, "--hub", hub.url, "--json", "push", dir, BIG_MODEL, "--version", BIG_VERSION],
        // The CLI must not read or write the login of whoever runs the bench.
        {
          env: { ...process.env, XDG_CONFIG_HOME: work, GATEHOUSE_TOKEN: hub.adminToken },
          timeoutMs: 900_000,
        },
      ));
    } finally {
      peak = memory.stop();
    }
    assertUploaded(stdout, size);
    const version = await hub.call("GET", `/api/models/${BIG_MODEL}/versions/${BIG_VERSION}`);
    const stored = version.files?.find((f) => f.path === fileName);
    if (version.state !== "published" || stored?.size !== size) {
      throw new Error(`the push did not publish ${fileName}: ${JSON.stringify(version)}`);
    }
    return { hub, seconds, peak, sha256: stored.sha256 };
  } catch (err) {
    await hub.stop();
    throw err;
  }
}

async function curlPushOnce({ file, fileName, sha256, work }) {
  const hub = await startHub({ parent: work });
  try {
    await hub.call("POST", "/api/models", { json: { id: BIG_MODEL, visibility: "private" } });
    await hub.call("POST", `/api/models/${BIG_MODEL}/versions`, { json: { name: BIG_VERSION } });
    await settleDisk();
    const memory = sampleMemory(hub.pid);
    let seconds;
    let peak;
    try {
      seconds = await curlPut(hub, {
        model: BIG_MODEL,
        version: BIG_VERSION,
        filePath: fileName,
        file,
        sha256,
      });
    } finally {
      peak = memory.stop();
    }
    return { seconds, peak };
  } finally {
    await hub.stop();
  }
}

/**
 * Runs the push figure `runs` times, each against a fresh hub (a second push
 * of the same bytes would be deduplicated, not uploaded). Returns the table
 * rows and the last hub, still running and holding the file, for the
 * download figure.
 */
export async function benchPush({ file, size, runs, work, log }) {
  const dir = path.dirname(file);
  const fileName = path.basename(file);
  await mkdir(work, { recursive: true });
  const hubTimes = [];
  const baseTimes = [];
  const peaks = [];
  let last = null;
  const opensslTimes = [];
  const withOpenssl = await hasOpenssl();
  for (let i = 0; i < runs; i++) {
    baseTimes.push(await baselineOnce(SHA256SUM_CP, file, work));
    if (withOpenssl) {
      opensslTimes.push(await baselineOnce(OPENSSL_CP, file, work));
    }
    if (last !== null) {
      await last.hub.stop();
    }
    last = await cliPushOnce({ dir, fileName, size, work });
    hubTimes.push(last.seconds);
    peaks.push(last.peak);
    log(
      `push run ${i + 1}/${runs}: gatehouse push ${last.seconds.toFixed(2)} s, ` +
        `sha256sum+cp ${baseTimes[i].toFixed(2)} s, ` +
        (withOpenssl ? `openssl+cp ${opensslTimes[i].toFixed(2)} s, ` : "") +
        `hub peak RSS ${last.peak.hwmMiB?.toFixed(0)} MiB`,
    );
  }
  let curl;
  try {
    curl = await curlPushOnce({ file, fileName, sha256: last.sha256, work });
    log(
      `push via curl PUT: ${curl.seconds.toFixed(2)} s, hub peak RSS ${curl.peak.hwmMiB?.toFixed(0)} MiB`,
    );
  } catch (err) {
    await last.hub.stop();
    throw err;
  }
  const hubTime = median(hubTimes);
  const baseTime = median(baseTimes);
  const peak = Math.max(...peaks.map((p) => p.hwmMiB ?? 0));
  const idle = Math.max(...peaks.map((p) => p.startMiB ?? 0));
  const curlRatio = curl.seconds / baseTime;
  return {
    hub: last.hub,
    pushed: { model: BIG_MODEL, version: BIG_VERSION, path: fileName, sha256: last.sha256, size },
    rows: [
      {
        figure: `push ${formatSize(size)} (CLI), time`,
        hub: hubTime,
        baseline: baseTime,
        unit: "s",
        ratio: hubTime / baseTime,
        target: "≤ 1.5×",
        pass: hubTime / baseTime <= 1.5,
      },
      ...(withOpenssl
        ? [
            {
              figure: "push (CLI) vs openssl dgst -sha256 + cp, time",
              hub: hubTime,
              baseline: median(opensslTimes),
              unit: "s",
              ratio: hubTime / median(opensslTimes),
              target: "-",
              pass: null,
            },
          ]
        : []),
      {
        figure: "push, hub peak RSS (VmHWM)",
        hub: peak,
        baseline: null,
        unit: "MiB",
        ratio: null,
        target: "≤ 200 MiB",
        pass: peak <= 200,
      },
      {
        figure: "hub RSS before the push (idle)",
        hub: idle,
        baseline: null,
        unit: "MiB",
        ratio: null,
        target: "-",
        pass: null,
      },
      {
        figure: "push upload only (curl PUT), time",
        hub: curl.seconds,
        baseline: baseTime,
        unit: "s",
        ratio: curlRatio,
        target: "-",
        pass: null,
      },
    ],
  };
}

export function formatSize(bytes) {
  return bytes % 1024 ** 3 === 0
    ? `${bytes / 1024 ** 3} GiB`
    : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/**
 * Puts the file into a fresh hub without measuring anything, for a download
 * figure run on its own.
 */
export async function seedBigModel({ file, work }) {
  const fileName = path.basename(file);
  const hub = await startHub({ parent: work });
  try {
    await hub.call("POST", "/api/models", { json: { id: BIG_MODEL, visibility: "private" } });
    await hub.call("POST", `/api/models/${BIG_MODEL}/versions`, { json: { name: BIG_VERSION } });
    await curlPut(hub, { model: BIG_MODEL, version: BIG_VERSION, filePath: fileName, file });
    const version = await hub.call(
      "POST",
      `/api/models/${BIG_MODEL}/versions/${BIG_VERSION}/publish`,
    );
    const stored = version.files.find((f) => f.path === fileName);
    return {
      hub,
      pushed: {
        model: BIG_MODEL,
        version: BIG_VERSION,
        path: fileName,
        sha256: stored.sha256,
        size: stored.size,
      },
    };
  } catch (err) {
    await hub.stop();
    throw err;
  }
}

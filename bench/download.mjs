// Download of the large file with curl: the hub's resolve route versus a bare Node http server.
import { rm } from "node:fs/promises";
import path from "node:path";
import { startServer, timeCommand } from "./lib/child.mjs";
import { median } from "./lib/report.mjs";
import { settleDisk } from "./lib/settle-disk.mjs";
import { formatSize } from "./push.mjs";

const FILE_SERVER = new URL("./servers/file-server.mjs", import.meta.url).pathname;
const MIB = 1024 * 1024;

/**
 * One curl download, to `out` (a file, removed afterwards) or to nowhere when
 * `out` is null; returns MiB/s as curl measured it, after checking status and size.
 */
export async function curlOnce(url, token, out, size) {
  if (out !== null) {
    await rm(out, { force: true });
  }
  await settleDisk();
  const args = [
    "-sS",
    "--max-time",
    "300",
    "-o",
    out ?? "/dev/null",
    "-w",
    "%{http_code} %{size_download} %{time_total}",
  ];
  if (token !== null) {
    args.push("-H", `authorization: Bearer ${token}`);
  }
  try {
    const { stdout } = await timeCommand("curl", [...args, url], { timeoutMs: 330_000 });
    const [status, bytes, seconds] = stdout.trim().split(" ");
    if (status !== "200" || Number(bytes) !== size) {
      throw new Error(`GET ${url} answered ${status} with ${bytes} of ${size} bytes`);
    }
    return Number(bytes) / MIB / Number(seconds);
  } finally {
    if (out !== null) {
      await rm(out, { force: true });
    }
  }
}

/**
 * `runs` rounds of four downloads, hub-bare-bare-hub or bare-hub-hub-bare in
 * turn. On a virtual disk, a download to a file runs at a speed set by the one
 * before it (the host allocates blocks that were never written, and reuses
 * freed ones fast), so each server takes each place in a round equally often.
 */
export async function downloads({
  hubUrl,
  baseUrl,
  token,
  out,
  size,
  runs,
  label,
  log,
  names = ["hub", "bare http"],
}) {
  const rates = { hub: [], base: [] };
  const urls = { hub: hubUrl, base: baseUrl };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ["hub", "base", "base", "hub"] : ["base", "hub", "hub", "base"];
    for (const which of order) {
      rates[which].push(await curlOnce(urls[which], token, out, size));
    }
    const round = (which) =>
      rates[which]
        .slice(-2)
        .map((r) => r.toFixed(0))
        .join(" and ");
    log(
      `download ${label} round ${i + 1}/${runs}: ${names[0]} ${round("hub")} MiB/s, ` +
        `${names[1]} ${round("base")} MiB/s`,
    );
  }
  return { hub: median(rates.hub), base: median(rates.base) };
}

/**
 * Downloads the pushed file from the hub and the same stored file from a bare
 * server, 2 × `runs` times each, in balanced order; compares medians.
 */
export async function benchDownload({ hub, pushed, runs, work, log }) {
  const { model, version, path: filePath, sha256, size } = pushed;
  // The blob the hub serves, so both servers read the very same bytes from the same cache.
  const blob = path.join(hub.dataDir, "blobs", "sha256", sha256.slice(0, 2), sha256);
  const baseline = await startServer(process.execPath, [FILE_SERVER, blob], {
    env: { PATH: process.env.PATH ?? "" },
    ready: /listening on (\S+)\n/,
  });
  const out = path.join(work, "download.bin");
  const hubUrl = `${hub.url}/${model}/resolve/${version}/${filePath}`;
  const baseUrl = `${baseline.url}/${filePath}`;
  let toFile;
  let toNull;
  try {
    const common = { hubUrl, baseUrl, token: hub.adminToken, size, runs, log };
    // One untimed download from each first, so that no timed run reads the blob cold from disk.
    await curlOnce(hubUrl, hub.adminToken, null, size);
    await curlOnce(baseUrl, hub.adminToken, null, size);
    toFile = await downloads({ ...common, out, label: "to a file" });
    // Without the disk write on the client side, the servers themselves are the limit.
    toNull = await downloads({ ...common, out: null, label: "to /dev/null" });
  } finally {
    await baseline.stop();
  }
  return {
    rows: [
      {
        figure: `download ${formatSize(size)} (curl -o FILE), throughput`,
        hub: toFile.hub,
        baseline: toFile.base,
        unit: "MiB/s",
        ratio: toFile.hub / toFile.base,
        target: "≥ 0.85×",
        pass: toFile.hub / toFile.base >= 0.85,
      },
      {
        figure: `download ${formatSize(size)} (curl -o /dev/null), throughput`,
        hub: toNull.hub,
        baseline: toNull.base,
        unit: "MiB/s",
        ratio: toNull.hub / toNull.base,
        target: "-",
        pass: null,
      },
    ],
  };
}

// Publishing a large file with huggingface_hub's upload_folder (Git LFS through
// the hub's one-time upload links), against the same file pushed with
// `gatehouse push`, each to a fresh hub in the same run.
import path from "node:path";
import { timeCommand } from "./lib/child.mjs";
import { ROOT, startHub } from "./lib/hub-process.mjs";
import { median } from "./lib/report.mjs";
import { settleDisk } from "./lib/settle-disk.mjs";
import { BIG_MODEL, cliPushOnce, formatSize } from "./push.mjs";

const SCRIPT = path.join(ROOT, "bench", "py", "hf_upload_folder.py");

async function pythonUploadOnce({ dir, fileName, size, work }) {
  const hub = await startHub({ parent: work });
  try {
    await hub.call("POST", "/api/models", { json: { id: BIG_MODEL, visibility: "private" } });
    await settleDisk();
    const { seconds } = await timeCommand("python3", [SCRIPT, hub.url, BIG_MODEL, dir], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? work,
        HF_HOME: path.join(work, "hf-home"),
        HF_TOKEN: hub.adminToken,
      },
      timeoutMs: 900_000,
    });
    // The commit title "v1" names the version it publishes.
    const version = await hub.call("GET", `/api/models/${BIG_MODEL}/versions/v1`);
    const stored = version.files?.find((f) => f.path === fileName);
    if (version.state !== "published" || stored?.size !== size) {
      throw new Error(`upload_folder did not publish ${fileName}: ${JSON.stringify(version)}`);
    }
    return seconds;
  } finally {
    await hub.stop();
  }
}

/**
 * Times upload_folder of the folder holding `file` with the Python client and
 * `gatehouse push` of the same folder, `runs` times each, alternating, every
 * time to a fresh hub (a second upload of the same bytes would be skipped).
 */
export async function benchHfPublish({ file, size, runs, work, log }) {
  const dir = path.dirname(file);
  const fileName = path.basename(file);
  const pythonTimes = [];
  const cliTimes = [];
  for (let i = 0; i < runs; i++) {
    const pushed = await cliPushOnce({ dir, fileName, size, work });
    await pushed.hub.stop();
    cliTimes.push(pushed.seconds);
    pythonTimes.push(await pythonUploadOnce({ dir, fileName, size, work }));
    log(
      `hf-publish run ${i + 1}/${runs}: upload_folder ${pythonTimes[i].toFixed(2)} s, ` +
        `gatehouse push ${cliTimes[i].toFixed(2)} s`,
    );
  }
  const python = median(pythonTimes);
  const cli = median(cliTimes);
  return {
    rows: [
      {
        figure: `upload_folder ${formatSize(size)} (huggingface_hub, LFS) vs gatehouse push, time`,
        hub: python,
        baseline: cli,
        unit: "s",
        ratio: python / cli,
        target: "-",
        pass: null,
      },
    ],
  };
}

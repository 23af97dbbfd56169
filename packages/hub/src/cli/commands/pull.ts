import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { filePathProblem, showFilePath, unsafePath } from "../../names/index.js";
import { CliFailure, modelPath, parseModelRef, type CliContext } from "../context.js";
import { encodePath } from "../hub-client.js";
import { createTransferProgress, formatBytes } from "../progress.js";
import type { VersionInfo } from "./model.js";

/**
 * Where `filePath` (as the hub names it) lands under `root`, or a failure when
 * it breaks a path rule of the hub (outside the folder, `.git`, a name that
 * Windows reserves…): a hub is not trusted to choose what is written where.
 */
export function targetIn(root: string, filePath: string): string {
  const problem = filePathProblem(filePath);
  if (problem !== null) {
    throw new CliFailure(
      `the hub listed a file path "${showFilePath(filePath)}" that ${problem}; nothing was written`,
      "UNSAFE_PATH",
    );
  }
  const target = path.resolve(root, ...filePath.split("/"));
  if (!target.startsWith(root + path.sep)) {
    throw new CliFailure(
      `the hub listed a file "${showFilePath(filePath)}" that would be written outside the target folder; nothing was written`,
      "UNSAFE_PATH",
    );
  }
  return target;
}

/**
 * Every file of the version with where it lands, or a failure naming the first
 * unsafe path or the first two paths that would be one file (or folder) on
 * macOS or Windows; checked for all before anything is written.
 */
function planPull<F extends { path: string }>(
  root: string,
  files: readonly F[],
): (F & { target: string })[] {
  const bad = unsafePath(files.map((f) => f.path));
  if (bad !== null) {
    throw new CliFailure(
      `the hub listed a file path "${showFilePath(bad.path)}" that ${bad.problem}; nothing was written`,
      "UNSAFE_PATH",
    );
  }
  return files.map((f) => ({ ...f, target: targetIn(root, f.path) }));
}

/** `gatehouse pull NS/NAME[@V] DIR`. */
export function registerPullCommand(program: Command, contextOf: () => Promise<CliContext>): void {
  program
    .command("pull")
    .description("download a version (default: the newest) into a folder, checking every sha256")
    .argument("<ns/name[@version]>", "model, optionally with a version name or commit id")
    .argument("<dir>", "folder to write the files into (created if missing)")
    .action(async (id: string, dir: string) => {
      const ref = parseModelRef(id, true);
      const ctx = await contextOf();
      let versionName = ref.version;
      if (versionName === undefined || /^[0-9a-f]{40}$/.test(versionName)) {
        // `main` and commit ids are resolved by the hub to the version they name.
        const revision = versionName ?? "main";
        const info = await ctx.client.json<{ gatehouse?: { version?: string | null } }>(
          "GET",
          `${modelPath(ref)}/revision/${revision}`,
        );
        const resolved = info.gatehouse?.version;
        if (typeof resolved !== "string") {
          throw new CliFailure(
            `${ref.namespace}/${ref.name} has no published version yet`,
            "NO_VERSION",
            "push one with gatehouse push DIR NS/NAME --version v1",
          );
        }
        versionName = resolved;
      }
      const version = await ctx.client.json<VersionInfo>(
        "GET",
        `${modelPath(ref)}/versions/${encodeURIComponent(versionName)}`,
      );
      if (version.state !== "published" || version.sha === null) {
        throw new CliFailure(
          `version ${version.name} of ${ref.namespace}/${ref.name} is a draft; only published versions can be pulled`,
          "DRAFT",
          `publish it with gatehouse push … --version ${version.name}`,
        );
      }
      const root = path.resolve(dir);
      // Check every path before writing anything.
      const plan = planPull(root, version.files);
      await mkdir(root, { recursive: true });
      const total = plan.reduce((n, f) => n + f.size, 0);
      const progress = createTransferProgress("downloaded", total, ctx.stderr);
      try {
        for (const file of plan) {
          progress.startFile(file.path, file.size);
          await download(ctx, ref.namespace, ref.name, version.sha, file, (n) => {
            progress.advance(n);
          });
          progress.endFile();
        }
      } finally {
        progress.stop();
      }
      const summary = {
        model: `${ref.namespace}/${ref.name}`,
        version: version.name,
        sha: version.sha,
        dir: root,
        files: plan.length,
        bytes: total,
      };
      ctx.print(
        `pulled ${summary.model} ${version.name} (${version.sha}): ${plan.length} files, ${formatBytes(total)} into ${root}`,
        summary,
      );
    });
}

/**
 * Streams one file to a temporary name beside its target, hashing on the way,
 * and renames it into place only when size and sha256 match the version's manifest.
 */
async function download(
  ctx: CliContext,
  namespace: string,
  name: string,
  commit: string,
  file: { path: string; sha256: string; size: number; target: string },
  onBytes: (n: number) => void,
): Promise<void> {
  const url = `/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/resolve/${commit}/${encodePath(file.path)}`;
  const response = await ctx.client.send("GET", url);
  if (response.body === null) {
    throw new CliFailure(`the hub sent no body for ${file.path}`, "EMPTY_BODY");
  }
  await mkdir(path.dirname(file.target), { recursive: true });
  const temp = path.join(
    path.dirname(file.target),
    `.${path.basename(file.target)}.${randomBytes(6).toString("hex")}.gatehouse-part`,
  );
  const hash = createHash("sha256");
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      check,
      createWriteStream(temp, { flags: "wx" }),
    );
    const sha256 = hash.digest("hex");
    if (sha256 !== file.sha256 || size !== file.size) {
      throw new CliFailure(
        `${file.path} failed verification: expected sha256 ${file.sha256} (${file.size} bytes), got ${sha256} (${size} bytes); nothing written for it`,
        "CHECKSUM_MISMATCH",
        "the hub's copy may be damaged; tell its administrator",
      );
    }
    await rename(temp, file.target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

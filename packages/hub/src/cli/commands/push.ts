import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileSha256 } from "@gatehouse/ml";
import type { Command } from "commander";
import { showFilePath, unsafePath } from "../../names/index.js";
import {
  CliFailure,
  modelPath,
  parseModelRef,
  type CliContext,
  type ModelRef,
} from "../context.js";
import { attachPushedEvidence } from "../attach-evidence.js";
import { HubClientError, encodePath } from "../hub-client.js";
import { createTransferProgress, formatBytes } from "../progress.js";
import type { VersionInfo } from "./model.js";

interface LocalFile {
  /** Relative, '/'-separated, as the hub stores it. */
  readonly path: string;
  readonly absolute: string;
  readonly size: number;
  readonly sha256: string;
}

/** The hub takes at most 10,000 entries and 1 MiB of JSON per attach call; stay well below both. */
const ATTACH_BATCH_FILES = 1000;
const ATTACH_BATCH_BYTES = 512 * 1024;

/** Splits the manifest into attach calls that each fit the hub's limits. */
function batches(files: readonly LocalFile[]): LocalFile[][] {
  const out: LocalFile[][] = [];
  let current: LocalFile[] = [];
  let bytes = 0;
  for (const f of files) {
    const entryBytes = Buffer.byteLength(f.path) + 120;
    if (
      current.length >= ATTACH_BATCH_FILES ||
      (current.length > 0 && bytes + entryBytes > ATTACH_BATCH_BYTES)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += entryBytes;
  }
  if (current.length > 0) {
    out.push(current);
  }
  return out;
}

/**
 * Every regular file under `root`, recursively, with '/'-separated relative
 * paths. Hidden files are included; `.git` folders and files (a submodule's)
 * are skipped at any depth and in any letter case, as huggingface_hub's
 * `upload_folder` skips them: the hub refuses them, since a downloaded `.git`
 * can run commands. Symbolic links to files are followed, links to folders
 * are not (no cycles).
 */
async function listFiles(
  root: string,
): Promise<{ path: string; absolute: string; size: number }[]> {
  const out: { path: string; absolute: string; size: number }[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.name.toLowerCase() === ".git") {
        continue;
      }
      if (entry.isDirectory()) {
        await walk(absolute, relative);
        continue;
      }
      const info = await stat(absolute).catch(() => undefined);
      if (info?.isFile() === true) {
        out.push({ path: relative.normalize("NFC"), absolute, size: info.size });
      }
    }
  };
  await walk(root, "");
  return out;
}

/**
 * Fails, before anything is sent, on a path the hub would refuse (the same
 * rules), so a push does not stop half way with a draft partly uploaded.
 */
function assertPushable(dir: string, files: readonly { path: string }[]): void {
  const bad = unsafePath(files.map((f) => f.path));
  if (bad !== null) {
    throw new CliFailure(
      `${dir} holds a file path "${showFilePath(bad.path)}" that ${bad.problem}; nothing was pushed`,
      "INVALID_PATH",
      "other" in bad ? "rename one of them" : "rename it, or move it out of the folder",
    );
  }
}

/** Creates the version, or finds the draft of that name to continue; a published one is refused. */
async function openDraft(ctx: CliContext, ref: ModelRef, version: string): Promise<VersionInfo> {
  try {
    return await ctx.client.json<VersionInfo>("POST", `${modelPath(ref)}/versions`, {
      name: version,
    });
  } catch (err) {
    if (!(err instanceof HubClientError) || err.status !== 409) {
      throw err;
    }
    const existing = await ctx.client.json<VersionInfo>(
      "GET",
      `${modelPath(ref)}/versions/${encodeURIComponent(version)}`,
    );
    if (existing.state === "published") {
      throw new CliFailure(
        `version ${version} of ${ref.namespace}/${ref.name} is already published and cannot change`,
        "IMMUTABLE",
        "push to a new version name, e.g. --version " + suggestNext(version),
      );
    }
    ctx.note(`continuing draft ${version} of ${ref.namespace}/${ref.name}`);
    return existing;
  }
}

function suggestNext(version: string): string {
  const match = /^(.*?)(\d+)$/.exec(version);
  return match === null ? `${version}-2` : `${match[1] ?? ""}${Number(match[2]) + 1}`;
}

/** Counts bytes as they pass, for the progress bar. */
function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/** `gatehouse push DIR NS/NAME --version V [--draft]`. */
export function registerPushCommand(program: Command, contextOf: () => Promise<CliContext>): void {
  program
    .command("push")
    .description(
      "upload a folder as a version: sends only content the hub lacks, then publishes unless --draft",
    )
    .argument("<dir>", "folder whose files make the version (.git folders are skipped)")
    .argument("<ns/name>", "model")
    .requiredOption("--version <v>", "version name, e.g. v1")
    .option("--draft", "leave the version as a draft instead of publishing it")
    .action(async (dir: string, id: string, options: { version: string; draft?: boolean }) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const root = path.resolve(dir);
      const rootInfo = await stat(root).catch(() => undefined);
      if (rootInfo?.isDirectory() !== true) {
        throw new CliFailure(`${dir} is not a folder`, "NOT_A_FOLDER");
      }
      const found = await listFiles(root);
      if (found.length === 0) {
        throw new CliFailure(`${dir} has no files to push`, "EMPTY_FOLDER");
      }
      assertPushable(dir, found);
      // The version first: a refusal (no such model, no right to write) comes before any hashing.
      const draft = await openDraft(ctx, ref, options.version);
      ctx.note(
        `hashing ${found.length} files (${formatBytes(found.reduce((n, f) => n + f.size, 0))})`,
      );
      const local: LocalFile[] = [];
      for (const f of found) {
        local.push({ ...f, sha256: await fileSha256(f.absolute) });
      }

      const versionPath = `${modelPath(ref)}/versions/${encodeURIComponent(options.version)}`;
      const inDraft = new Map(draft.files.map((f) => [f.path, f]));
      const changed = local.filter((f) => {
        const held = inDraft.get(f.path);
        return held === undefined || held.sha256 !== f.sha256 || held.size !== f.size;
      });

      const byPath = new Map(local.map((f) => [f.path, f]));
      // Removed first: a file renamed only in letter case would clash with its old name.
      const removed = draft.files.filter((f) => !byPath.has(f.path));
      for (const f of removed) {
        await ctx.client.send("DELETE", `${versionPath}/files/${encodePath(f.path)}`);
      }

      // The hub attaches content it already holds; only what it lacks is sent.
      const missing: LocalFile[] = [];
      let attached = 0;
      for (const batch of batches(changed)) {
        const result = await ctx.client.json<{ attached: unknown[]; missing: { path: string }[] }>(
          "POST",
          `${versionPath}/files`,
          { files: batch.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })) },
        );
        attached += result.attached.length;
        for (const m of result.missing) {
          const file = byPath.get(m.path);
          if (file !== undefined) {
            missing.push(file);
          }
        }
      }

      const uploadBytes = missing.reduce((n, f) => n + f.size, 0);
      const progress = createTransferProgress("uploaded", uploadBytes, ctx.stderr);
      try {
        for (const file of missing) {
          progress.startFile(file.path, file.size);
          const source = createReadStream(file.absolute);
          const counted = counter((n) => {
            progress.advance(n);
          });
          const piped = pipeline(source, counted).catch((err: unknown) => {
            counted.destroy(err instanceof Error ? err : new Error(String(err)));
          });
          await ctx.client.upload(
            `${versionPath}/files/${encodePath(file.path)}`,
            counted,
            file.size,
            {
              "x-gatehouse-sha256": file.sha256,
            },
          );
          await piped;
          progress.endFile();
        }
      } finally {
        progress.stop();
      }

      const final =
        options.draft === true
          ? await ctx.client.json<VersionInfo>("GET", versionPath)
          : await ctx.client.json<VersionInfo>("POST", `${versionPath}/publish`);
      const evidence =
        final.state === "published"
          ? await attachPushedEvidence(
              ctx.client,
              versionPath,
              local,
              new Set(local.map((f) => f.sha256)),
            )
          : [];
      const summary = {
        model: `${ref.namespace}/${ref.name}`,
        version: final.name,
        state: final.state,
        sha: final.sha,
        files: local.length,
        unchanged: local.length - changed.length,
        attached,
        uploaded: { files: missing.length, bytes: uploadBytes },
        removed: removed.map((f) => f.path),
        stage: final.stage,
        evidence,
        ...(final.refused === undefined ? {} : { refused: final.refused }),
      };
      ctx.print(
        [
          `${final.state === "published" ? "published" : "draft"} ${summary.model} ${final.name}` +
            (final.sha === null ? "" : ` (${final.sha})`),
          `${local.length} files: ${missing.length} uploaded (${formatBytes(uploadBytes)}, ${uploadBytes} bytes uploaded), ` +
            `${attached} already on the hub, ${summary.unchanged} unchanged, ${removed.length} removed`,
          ...(final.stage === null ? [] : [`stage: ${final.stage}`]),
          ...evidence.map((e) => `attached ${e.kind} evidence from ${e.path}`),
          ...(final.refused === undefined || final.refused.length === 0
            ? []
            : [
                `the release policy kept it from ${final.initialStage ?? "its initial stage"}: ${final.refused.map((r) => `${r.id} (${r.message ?? "failed"})`).join("; ")}`,
              ]),
        ],
        summary,
      );
    });
}

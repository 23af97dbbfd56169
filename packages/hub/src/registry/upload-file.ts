import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, authorize, relationTo, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { assertFilePath } from "../names/index.js";
import type { Db } from "../store/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { loadModel, type ModelRecord } from "./load-model.js";
import { cardText, MAX_CARD_BYTES, parseModelCard, type CardData } from "./model-card.js";
import { draftFor } from "./versions.js";

const CARD_PATH = "README.md";

async function cardOf(size: number, read: () => Readable): Promise<CardData> {
  if (size > MAX_CARD_BYTES) {
    throw new HubError(
      "INVALID_CARD",
      `README.md is ${size} bytes; a model card may be at most ${MAX_CARD_BYTES} bytes`,
    );
  }
  return parseModelCard(cardText(await buffer(read())));
}

/** A file to record in a draft, with its parsed card when it is README.md. */
interface NewFile {
  readonly entry: ManifestEntry;
  readonly card: CardData | undefined;
}

/**
 * Records files in the draft, each replacing a file at the same path, with an
 * audit event per file, all in one transaction.
 */
async function recordFiles(
  ctx: HubContext,
  model: ModelRecord,
  versionName: string,
  files: readonly NewFile[],
  actor: Actor,
  origin: RequestOrigin,
  how: "upload" | "attach",
): Promise<void> {
  await ctx.db.transaction().execute(async (trx: Db) => {
    // Checked again inside the transaction: a publish may have happened while the bytes streamed.
    const draft = await draftFor(trx, model, versionName);
    const now = ctx.clock.now();
    for (const { entry, card } of files) {
      await trx
        .deleteFrom("version_files")
        .where("version_id", "=", draft.id)
        .where("path", "=", entry.path)
        .execute();
      await trx
        .insertInto("version_files")
        .values({
          version_id: draft.id,
          path: entry.path,
          sha256: entry.sha256,
          size: entry.size,
          created_at: now.toISOString(),
        })
        .execute();
      if (card !== undefined) {
        await trx
          .updateTable("versions")
          .set({ card: JSON.stringify(card) })
          .where("id", "=", draft.id)
          .execute();
      }
      await appendAuditEvent(trx, {
        actorId: actorIdOf(actor),
        action: "file.add",
        resource: `version:${draft.id}`,
        details: { path: entry.path, sha256: entry.sha256, size: entry.size, how },
        at: now,
        origin,
      });
    }
  });
}

/**
 * Streams one file into a draft version. The content is hashed on the way in
 * and becomes visible only after it is complete, matches `expect`, and (for
 * README.md) parses as a model card; otherwise nothing is stored.
 */
export async function uploadFile(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  filePath: string,
  source: Readable,
  expect: { sha256?: string; size?: number },
  origin: RequestOrigin,
): Promise<ManifestEntry> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  assertFilePath(filePath);
  await draftFor(ctx.db, model, versionName);
  const staged = await ctx.blobs.stage(source, expect);
  let card: CardData | undefined;
  try {
    if (filePath === CARD_PATH) {
      card = await cardOf(staged.size, () => staged.read());
    }
    await staged.commit();
  } catch (err) {
    await staged.discard();
    throw err;
  }
  const entry = { path: filePath, sha256: staged.sha256, size: staged.size };
  await recordFiles(ctx, model, versionName, [{ entry, card }], actor, origin, "upload");
  return entry;
}

/**
 * Whether `actor` may reuse stored content by its hash: only content already
 * in a version of a model they may download, so that knowing a digest never
 * grants its bytes.
 */
async function mayReuse(ctx: HubContext, actor: Actor, sha256: string): Promise<boolean> {
  const holders = await ctx.db
    .selectFrom("version_files")
    .innerJoin("versions", "versions.id", "version_files.version_id")
    .innerJoin("models", "models.id", "versions.model_id")
    .innerJoin("namespaces", "namespaces.id", "models.namespace_id")
    .select([
      "models.id",
      "models.visibility",
      "namespaces.name",
      "namespaces.kind",
      "namespaces.id as ns_id",
    ])
    .where("version_files.sha256", "=", sha256)
    .distinct()
    .limit(50)
    .execute();
  for (const holder of holders) {
    const namespace = { id: holder.ns_id, name: holder.name, kind: holder.kind };
    const decision = authorize(actor, "model.download", {
      modelId: holder.id,
      visibility: holder.visibility,
      relation: await relationTo(ctx.db, actor, namespace),
    });
    if (decision.allowed) {
      return true;
    }
  }
  return false;
}

/**
 * Adds files to a draft by content the hub already holds, so a client uploads
 * only what is new. Returns the entries attached and those the client must
 * upload.
 */
export async function attachFiles(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  files: readonly ManifestEntry[],
  origin: RequestOrigin,
): Promise<{ attached: ManifestEntry[]; missing: ManifestEntry[] }> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  await draftFor(ctx.db, model, versionName);
  for (const f of files) {
    assertFilePath(f.path);
  }
  const reusable = new Map<string, boolean>();
  const attached: NewFile[] = [];
  const missing: ManifestEntry[] = [];
  for (const f of files) {
    let ok = reusable.get(f.sha256);
    if (ok === undefined) {
      ok = (await ctx.blobs.sizeOf(f.sha256)) === f.size && (await mayReuse(ctx, actor, f.sha256));
      reusable.set(f.sha256, ok);
    }
    if (!ok) {
      missing.push(f);
      continue;
    }
    const card =
      f.path === CARD_PATH ? await cardOf(f.size, () => ctx.blobs.read(f.sha256)) : undefined;
    attached.push({ entry: f, card });
  }
  if (attached.length > 0) {
    await recordFiles(ctx, model, versionName, attached, actor, origin, "attach");
  }
  return { attached: attached.map((a) => a.entry), missing };
}

/** Removes a file from a draft version. */
export async function deleteFile(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  filePath: string,
  origin: RequestOrigin,
): Promise<void> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  await ctx.db.transaction().execute(async (trx) => {
    const draft = await draftFor(trx, model, versionName);
    const removed = await trx
      .deleteFrom("version_files")
      .where("version_id", "=", draft.id)
      .where("path", "=", filePath)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n) {
      throw new HubError("ENTRY_NOT_FOUND", `version ${versionName} has no file "${filePath}"`);
    }
    if (filePath === CARD_PATH) {
      await trx.updateTable("versions").set({ card: null }).where("id", "=", draft.id).execute();
    }
    await appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "file.remove",
      resource: `version:${draft.id}`,
      details: { path: filePath },
      at: ctx.clock.now(),
      origin,
    });
  });
}

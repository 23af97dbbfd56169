import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { assertFilePath, assertNoPathClash } from "../names/index.js";
import type { Db } from "../store/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { loadModel, versionFilter, type ModelRecord } from "./load-model.js";
import { cardText, MAX_CARD_BYTES, parseModelCard, type CardData } from "./model-card.js";
import { draftFor } from "./versions.js";

/** The path of a version's model card. */
export const CARD_PATH = "README.md";

/** The model card in README.md content of `size` bytes, read with `read`; refused when too large or malformed. */
export async function cardOf(size: number, read: () => Readable): Promise<CardData> {
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

/** The paths a version holds now. */
async function pathsIn(db: Db, versionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("version_files")
    .select("path")
    .where("version_id", "=", versionId)
    .execute();
  return rows.map((r) => r.path);
}

/**
 * Records files in the draft, each replacing a file at the same path, with an
 * audit event per file, all in one transaction. A path that clashes with
 * another of the draft (letter case, file against folder) is refused here,
 * where concurrent writers to the draft take turns. `keepContent` makes
 * uploaded bytes readable once every check has passed, before the rows that
 * name them are written: a refusal keeps no blob, and no row names a missing one.
 */
async function recordFiles(
  ctx: HubContext,
  model: ModelRecord,
  versionName: string,
  files: readonly NewFile[],
  actor: Actor,
  origin: RequestOrigin,
  how: "upload" | "attach",
  keepContent: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  await ctx.db.transaction().execute(async (trx: Db) => {
    // Writing the version row first makes writers to one draft take turns (a row lock in
    // PostgreSQL, the write lock in SQLite), so two uploads of `Model.bin` and `model.bin`
    // cannot each miss the other's file in the clash check below.
    await trx
      .updateTable("versions")
      .set((eb) => ({ state: eb.ref("state") }))
      .where("model_id", "=", model.id)
      .where("name", "=", versionName)
      .execute();
    // Checked again inside the transaction: a publish may have happened while the bytes streamed.
    const draft = await draftFor(trx, model, versionName);
    assertNoPathClash(
      await pathsIn(trx, draft.id),
      files.map((f) => f.entry.path),
    );
    await keepContent();
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
  const draft = await draftFor(ctx.db, model, versionName);
  // Checked before the body is read too, so a clash is refused without receiving the bytes.
  assertNoPathClash(await pathsIn(ctx.db, draft.id), [filePath]);
  const staged = await ctx.blobs.stage(source, expect);
  const entry = { path: filePath, sha256: staged.sha256, size: staged.size };
  try {
    const card =
      filePath === CARD_PATH ? await cardOf(staged.size, () => staged.read()) : undefined;
    await recordFiles(ctx, model, versionName, [{ entry, card }], actor, origin, "upload", () =>
      staged.commit(),
    );
  } catch (err) {
    // After a commit the staged file is gone and this does nothing; the content may be another version's.
    await staged.discard();
    throw err;
  }
  return entry;
}

/**
 * Whether `actor` may reuse stored content by its hash: only content already
 * in a published version they may download, or in any version of a model they
 * may upload to, so that knowing a digest never grants its bytes. One query
 * of the same shape whether or not any version holds the digest.
 */
export async function mayReuse(ctx: HubContext, actor: Actor, sha256: string): Promise<boolean> {
  const holder = await ctx.db
    .selectFrom("version_files as f")
    .innerJoin("versions as v", "v.id", "f.version_id")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select("f.sha256")
    .where("f.sha256", "=", sha256)
    .where((eb) =>
      eb.or([
        eb.and([eb("v.state", "=", "published"), versionFilter(actor, "version.download")]),
        versionFilter(actor, "version.upload", "model"),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return holder !== undefined;
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
  const draft = await draftFor(ctx.db, model, versionName);
  for (const f of files) {
    assertFilePath(f.path);
  }
  // Every path of the request, those the client must still upload too, against the draft and each other.
  assertNoPathClash(
    await pathsIn(ctx.db, draft.id),
    files.map((f) => f.path),
  );
  const reusable = new Map<string, boolean>();
  const attached: NewFile[] = [];
  const missing: ManifestEntry[] = [];
  for (const f of files) {
    let ok = reusable.get(f.sha256);
    if (ok === undefined) {
      // Both questions are always asked, so the time taken does not tell an outsider
      // whether the hub holds content with this digest.
      const [size, allowed] = await Promise.all([
        ctx.blobs.sizeOf(f.sha256),
        mayReuse(ctx, actor, f.sha256),
      ]);
      ok = size === f.size && allowed;
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

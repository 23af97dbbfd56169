import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { StagedBlob } from "../blobs/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { assertFilePath, assertNoPathClash, showFilePath } from "../names/index.js";
import { isUniqueViolation, newId, type Db } from "../store/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { discardStaged, type ParsedCommit } from "./commit-ndjson.js";
import { assertCommitTarget, commitBase, refusePullRequest } from "./commit-target.js";
import { versionNameFor } from "./commit-version-name.js";
import { objectIsAvailable } from "./lfs-objects.js";
import { loadModel, mayAct, type ModelRecord } from "./load-model.js";
import type { CardData } from "./model-card.js";
import { CARD_PATH, cardOf } from "./upload-file.js";
import {
  markPublished,
  moveToInitialStage,
  type Published,
  type VersionRecord,
  type VersionRow,
} from "./versions.js";

/** Rows per insert, well under SQLite's limit of bound parameters. */
const INSERT_BATCH = 500;

/**
 * Loads the model a Hugging Face commit goes to, before its body is read:
 * the caller must be allowed to create, upload to and publish versions of it
 * (a caller who may not see it is answered as for a missing model), the
 * revision must be `main`, and no pull request may be asked for.
 */
export async function loadCommitTarget(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  revision: string,
  createPr: boolean,
): Promise<ModelRecord> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.create");
  for (const action of ["version.upload", "version.publish"] as const) {
    if (!mayAct(actor, model, action)) {
      // Throws the refusal the stage table gives for this action.
      await loadModel(ctx, actor, repo.namespace, repo.name, action);
    }
  }
  await assertCommitTarget(ctx, actor, model, revision);
  refusePullRequest(createPr);
  return model;
}

/** A file the commit writes, with the staged content when it came inline. */
interface Written {
  readonly entry: ManifestEntry;
  readonly staged: StagedBlob | null;
}

/** The files of `base` with the commit's operations applied in order. */
async function applyOperations(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  base: VersionRecord | null,
  commit: ParsedCommit,
): Promise<{ files: Map<string, ManifestEntry>; written: Map<string, Written> }> {
  const where =
    base === null
      ? `${model.fullName}, which has no version yet`
      : `version ${base.name} of ${model.fullName}`;
  const files = new Map((base?.files ?? []).map((f) => [f.path, f]));
  const written = new Map<string, Written>();
  const remove = (path: string): void => {
    files.delete(path);
    written.delete(path);
  };
  for (const op of commit.operations) {
    switch (op.kind) {
      case "file": {
        assertFilePath(op.path);
        const entry = { path: op.path, sha256: op.staged.sha256, size: op.staged.size };
        files.set(op.path, entry);
        written.set(op.path, { entry, staged: op.staged });
        break;
      }
      case "lfsFile": {
        assertFilePath(op.path);
        const size = op.size ?? (await ctx.blobs.sizeOf(op.oid)) ?? -1;
        if (!(await objectIsAvailable(ctx, actor, op.oid, size))) {
          throw new HubError(
            "BAD_REQUEST",
            `the LFS object ${op.oid} for "${showFilePath(op.path)}" was never uploaded${op.size === undefined ? "" : ` with ${op.size} bytes`}; upload it through the LFS batch endpoint before the commit`,
          );
        }
        const entry = { path: op.path, sha256: op.oid, size };
        files.set(op.path, entry);
        written.set(op.path, { entry, staged: null });
        break;
      }
      case "deletedFile":
        if (!files.has(op.path)) {
          throw new HubError(
            "ENTRY_NOT_FOUND",
            `A file with this name doesn't exist: "${showFilePath(op.path)}" is not in ${where}`,
          );
        }
        remove(op.path);
        break;
      case "deletedFolder": {
        const prefix = `${op.path.replace(/\/+$/, "")}/`;
        const inside = [...files.keys()].filter((p) => p.startsWith(prefix));
        if (inside.length === 0) {
          throw new HubError(
            "ENTRY_NOT_FOUND",
            `A folder with this name doesn't exist: "${showFilePath(op.path)}" holds no file in ${where}`,
          );
        }
        inside.forEach(remove);
        break;
      }
    }
  }
  return { files, written };
}

const sameFiles = (a: readonly ManifestEntry[], b: readonly ManifestEntry[]): boolean =>
  a.length === b.length &&
  a.every((f, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      f.path === other.path &&
      f.sha256 === other.sha256 &&
      f.size === other.size
    );
  });

/** The card of the new version: the base's when README.md is unchanged, else read from its content. */
async function cardFor(
  ctx: HubContext,
  base: VersionRecord | null,
  files: ReadonlyMap<string, ManifestEntry>,
  written: ReadonlyMap<string, Written>,
): Promise<CardData | null> {
  const readme = files.get(CARD_PATH);
  if (readme === undefined) {
    return null;
  }
  const before = base?.files.find((f) => f.path === CARD_PATH);
  if (base !== null && before?.sha256 === readme.sha256) {
    return base.card;
  }
  const staged = written.get(CARD_PATH)?.staged ?? null;
  return cardOf(readme.size, () =>
    staged === null ? ctx.blobs.read(readme.sha256) : staged.read(),
  );
}

/** Fails when a version was published since `base` was read, so no commit overwrites another's. */
async function assertStillNewest(
  trx: Db,
  model: ModelRecord,
  base: VersionRecord | null,
): Promise<void> {
  const newest = await trx
    .selectFrom("versions")
    .select("id")
    .where("model_id", "=", model.id)
    .where("state", "=", "published")
    .where("stage", "<>", "withdrawn")
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if ((newest?.id ?? null) !== (base?.id ?? null)) {
    throw new HubError(
      "CONFLICT",
      `another version of ${model.fullName} was published while this commit arrived; commit again`,
    );
  }
}

/**
 * Publishes a Hugging Face commit to `main` as a new version: the files of
 * the newest version (none for a model without one) with the commit's
 * additions and deletions, named by {@link versionNameFor}. Everything is
 * checked before anything is written: paths, LFS objects (uploaded, of the
 * size named, usable by the caller), deleted paths, the card. The version,
 * its files and their audit events are written and the version published in
 * one transaction, through the same publication as `gatehouse push`; it then
 * moves to its model's initial stage as policy allows. A refused commit
 * changes nothing and keeps none of its inline content.
 */
export async function commitFiles(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  commit: ParsedCommit,
  origin: RequestOrigin,
): Promise<Published> {
  try {
    if (commit.operations.length === 0) {
      throw new HubError(
        "BAD_REQUEST",
        "the commit has no operation; add, change or delete at least one file",
      );
    }
    const base = await commitBase(ctx, actor, model);
    const parent = commit.header.parentCommit;
    if (parent !== undefined && parent !== base?.commitId) {
      throw new HubError(
        "CONFLICT",
        `main of ${model.fullName} is at ${base === null ? "no version" : `commit ${base.commitId} (version ${base.name})`}, not at the parent commit ${parent}; commit again from main`,
      );
    }
    const { files, written } = await applyOperations(ctx, actor, model, base, commit);
    const final = [...files.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
    if (final.length === 0) {
      throw new HubError(
        "BAD_REQUEST",
        `the commit would leave ${model.fullName} with no file; a version holds at least one`,
      );
    }
    if (base !== null && sameFiles(final, base.files)) {
      throw new HubError(
        "BAD_REQUEST",
        `the commit changes no file of version ${base.name} of ${model.fullName}; there is nothing to publish`,
      );
    }
    assertNoPathClash(
      [],
      final.map((f) => f.path),
    );
    const card = await cardFor(ctx, base, files, written);
    if (card !== null) {
      await ctx.publish.checkCard(actor, card);
    }
    const row = await ctx.db.transaction().execute(async (trx) => {
      // Writing the model row first makes commits to one model take turns.
      await trx
        .updateTable("models")
        .set((eb) => ({ updated_at: eb.ref("updated_at") }))
        .where("id", "=", model.id)
        .execute();
      await assertStillNewest(trx, model, base);
      const taken = await trx
        .selectFrom("versions")
        .select("name")
        .where("model_id", "=", model.id)
        .execute();
      const now = ctx.clock.now();
      const draft: VersionRow = {
        id: newId("v"),
        model_id: model.id,
        name: versionNameFor(
          commit.header.summary,
          taken.map((t) => t.name),
        ),
        state: "draft",
        commit_id: null,
        card: card === null ? null : JSON.stringify(card),
        created_at: now.toISOString(),
        published_at: null,
      };
      await trx
        .insertInto("versions")
        .values(draft)
        .execute()
        .catch((err: unknown) => {
          throw isUniqueViolation(err)
            ? new HubError(
                "CONFLICT",
                `version ${draft.name} of ${model.fullName} was just created by another request; commit again`,
              )
            : err;
        });
      const actorId = actorIdOf(actor);
      await appendAuditEvent(trx, {
        actorId,
        action: "version.create",
        resource: `version:${draft.id}`,
        details: {
          model: model.id,
          name: draft.name,
          from: base?.id ?? null,
          how: "commit",
          title: commit.header.summary.slice(0, 200),
        },
        at: now,
        origin,
      });
      for (const { staged } of written.values()) {
        await staged?.commit();
      }
      for (let i = 0; i < final.length; i += INSERT_BATCH) {
        await trx
          .insertInto("version_files")
          .values(
            final.slice(i, i + INSERT_BATCH).map((f) => ({
              version_id: draft.id,
              path: f.path,
              sha256: f.sha256,
              size: f.size,
              created_at: now.toISOString(),
            })),
          )
          .execute();
      }
      for (const { entry } of written.values()) {
        await appendAuditEvent(trx, {
          actorId,
          action: "file.add",
          resource: `version:${draft.id}`,
          details: { path: entry.path, sha256: entry.sha256, size: entry.size, how: "commit" },
          at: now,
          origin,
        });
      }
      for (const { path } of (base?.files ?? []).filter((f) => !files.has(f.path))) {
        await appendAuditEvent(trx, {
          actorId,
          action: "file.remove",
          resource: `version:${draft.id}`,
          details: { path },
          at: now,
          origin,
        });
      }
      return markPublished(ctx, trx, model, draft, actor, origin);
    });
    return await moveToInitialStage(ctx, actor, model, row, origin);
  } finally {
    // Content kept by the transaction is no longer staged, and this leaves it alone.
    await discardStaged(commit.operations);
  }
}

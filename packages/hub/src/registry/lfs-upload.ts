import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import { loadModel } from "./load-model.js";
import { objectIsAvailable, uploadSecretHash } from "./lfs-objects.js";

/** The one answer for a link that cannot be used, whatever the reason, so it tells a prober nothing. */
const unusableLink = (): HubError =>
  new HubError(
    "FORBIDDEN",
    "this upload link is unknown, expired, already used or for another object; ask the LFS batch endpoint for a new one",
  );

/** Passes `size` bytes at most, failing the stream at the first byte beyond them. */
function atMost(size: number, oid: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > size) {
        done(
          new HubError(
            "BAD_REQUEST",
            `the body is longer than the ${size} bytes of object ${oid}; nothing was stored`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
}

/**
 * Receives the content of a Git LFS object through its one-time upload link
 * (the Hugging Face clients PUT it without Authorization). The bytes stream to
 * the blob store, hashed on the way; the object becomes readable only once
 * its size and sha256 match what the link was given for, and then the link is
 * spent, in one transaction with its audit event. Without a usable link, the
 * caller is answered as for any upload to the model.
 */
export async function receiveLfsObject(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  oid: string,
  secret: string | undefined,
  declaredLength: number | undefined,
  body: Readable,
  origin: RequestOrigin,
): Promise<void> {
  if (secret === undefined) {
    // Those who may not upload get the model's usual refusal; those who may, what is missing.
    await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
    throw new HubError(
      "FORBIDDEN",
      "upload LFS objects to the link the LFS batch endpoint gives, with its ticket",
    );
  }
  const now = ctx.clock.now().toISOString();
  const ticket = await ctx.db
    .selectFrom("lfs_upload_tickets as t")
    .innerJoin("models as m", "m.id", "t.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(["t.id", "t.user_id", "t.model_id", "t.oid", "t.size", "t.expires_at", "t.uploaded_at"])
    .where("t.ticket_hash", "=", uploadSecretHash(secret))
    .where("n.name_key", "=", nameKey(repo.namespace) ?? "")
    .where("m.name_key", "=", nameKey(repo.name) ?? "")
    .executeTakeFirst();
  if (
    ticket === undefined ||
    ticket.oid !== oid ||
    ticket.uploaded_at !== null ||
    ticket.expires_at <= now
  ) {
    throw unusableLink();
  }
  const size = ticket.size;
  if (declaredLength !== undefined && declaredLength !== size) {
    throw new HubError(
      "BAD_REQUEST",
      `the body is ${declaredLength} bytes but object ${oid} has ${size}; nothing was stored`,
    );
  }
  const limited = atMost(size, oid);
  // A failure on either side reaches the blob store through `limited`, which it reads.
  pipeline(body, limited).catch(() => undefined);
  const staged = await ctx.blobs.stage(limited, { sha256: oid, size });
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const spent = await trx
        .updateTable("lfs_upload_tickets")
        .set({ uploaded_at: ctx.clock.now().toISOString() })
        .where("id", "=", ticket.id)
        .where("uploaded_at", "is", null)
        .executeTakeFirst();
      if (spent.numUpdatedRows !== 1n) {
        throw new HubError(
          "CONFLICT",
          `this upload link was just used by another request for object ${oid}`,
        );
      }
      await staged.commit();
      await appendAuditEvent(trx, {
        actorId: ticket.user_id,
        action: "lfs.upload",
        resource: `model:${ticket.model_id}`,
        details: { oid, size },
        at: ctx.clock.now(),
        origin,
      });
    });
  } catch (err) {
    // After a commit the staged file is gone and this does nothing.
    await staged.discard();
    throw err;
  }
}

/**
 * The Git LFS verify action (huggingface_hub calls it after a PUT, with the
 * caller's token): succeeds when the object is stored whole and the caller
 * may use it, else 404.
 */
export async function verifyLfsObject(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  object: { oid: string; size: number },
): Promise<void> {
  await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  if (!(await objectIsAvailable(ctx, actor, object.oid, object.size))) {
    throw new HubError(
      "NOT_FOUND",
      `object ${object.oid} (${object.size} bytes) is not stored; upload it to the link the LFS batch endpoint gave`,
    );
  }
}

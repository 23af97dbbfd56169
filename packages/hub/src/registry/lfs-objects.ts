import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { mayReuse } from "./upload-file.js";

/**
 * How long a one-time LFS upload link stays valid. A link only lets its
 * holder store the bytes whose sha256 it names, so a long life risks little;
 * it must outlast the uploads queued before it in a large folder.
 */
export const UPLOAD_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** The query parameter of an upload link that carries its secret; the request log redacts it. */
export const UPLOAD_LINK_PARAMETER = "ticket";

/** A new upload link secret: 256 random bits. */
export function newUploadSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored of an upload link's secret. */
export function uploadSecretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * Whether `actor` may name the stored object `oid` in a commit: content they
 * may reuse anyway (see `mayReuse`), or an object they uploaded themselves
 * through an upload link. Both questions are always asked, so the time taken
 * does not tell whether the hub holds the object.
 */
export async function mayUseObject(ctx: HubContext, actor: Actor, oid: string): Promise<boolean> {
  const [reusable, uploaded] = await Promise.all([
    mayReuse(ctx, actor, oid),
    actor.kind === "user"
      ? ctx.db
          .selectFrom("lfs_upload_tickets")
          .select("id")
          .where("user_id", "=", actor.userId)
          .where("oid", "=", oid)
          .where("uploaded_at", "is not", null)
          .limit(1)
          .executeTakeFirst()
      : undefined,
  ]);
  return reusable || uploaded !== undefined;
}

/** Whether the hub holds `oid` with exactly `size` bytes and `actor` may use it. */
export async function objectIsAvailable(
  ctx: HubContext,
  actor: Actor,
  oid: string,
  size: number,
): Promise<boolean> {
  const [stored, allowed] = await Promise.all([
    ctx.blobs.sizeOf(oid),
    mayUseObject(ctx, actor, oid),
  ]);
  return stored === size && allowed;
}

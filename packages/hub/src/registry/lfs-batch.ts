import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { requireUser, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId } from "../store/index.js";
import { loadModel } from "./load-model.js";
import {
  newUploadSecret,
  objectIsAvailable,
  UPLOAD_LINK_PARAMETER,
  UPLOAD_LINK_TTL_MS,
  uploadSecretHash,
} from "./lfs-objects.js";

/** A Git LFS batch request, as the Hugging Face clients send it. */
export interface LfsBatchRequest {
  readonly operation: string;
  readonly transfers?: readonly string[];
  readonly hash_algo?: string;
  readonly objects: readonly { readonly oid: string; readonly size: number }[];
}

interface LfsAction {
  readonly href: string;
  readonly expires_at: string;
}

/** One object of the answer: no `actions` when the hub holds it already. */
export interface LfsBatchObject {
  readonly oid: string;
  readonly size: number;
  readonly authenticated?: true;
  readonly actions?: { readonly upload: LfsAction; readonly verify: LfsAction };
}

/** The Git LFS batch answer; only the `basic` transfer is offered. */
export interface LfsBatchAnswer {
  readonly transfer: "basic";
  readonly hash_algo: "sha256";
  readonly objects: LfsBatchObject[];
}

/** Both clients' spellings of the one hash the batch API knows (git-lfs: "sha256", huggingface.js: "sha_256"). */
const SHA256_NAMES = new Set(["sha256", "sha_256"]);

/**
 * Answers a Git LFS batch upload request (git-lfs docs/api/batch.md) for a
 * model the caller may upload to: objects the hub holds and the caller may
 * use need nothing; every other object gets a one-time upload link, bound to
 * the caller, the model, the object id and size, since the clients PUT
 * without Authorization. Only the sha256 of each link's secret is stored,
 * with one audit event for the batch.
 */
export async function lfsBatch(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  request: LfsBatchRequest,
  hubUrl: string,
  origin: RequestOrigin,
): Promise<LfsBatchAnswer> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  const user = requireUser(actor);
  if (request.operation !== "upload") {
    throw new HubError(
      "BAD_REQUEST",
      `this endpoint takes Git LFS uploads only, not "${request.operation}"; download files from their resolve URLs`,
    );
  }
  if (request.transfers !== undefined && !request.transfers.includes("basic")) {
    throw new HubError(
      "BAD_REQUEST",
      `the hub offers the "basic" transfer only; the request allows ${request.transfers.map((t) => `"${t}"`).join(", ")}`,
    );
  }
  if (request.hash_algo !== undefined && !SHA256_NAMES.has(request.hash_algo)) {
    throw new HubError("BAD_REQUEST", `objects are named by sha256, not "${request.hash_algo}"`);
  }
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + UPLOAD_LINK_TTL_MS).toISOString();
  const objects: LfsBatchObject[] = [];
  const tickets: {
    id: string;
    ticket_hash: string;
    user_id: string;
    model_id: string;
    oid: string;
    size: number;
    created_at: string;
    expires_at: string;
    uploaded_at: null;
  }[] = [];
  const seen = new Set<string>();
  for (const { oid, size } of request.objects) {
    if (seen.has(oid)) {
      continue;
    }
    seen.add(oid);
    if (await objectIsAvailable(ctx, actor, oid, size)) {
      objects.push({ oid, size });
      continue;
    }
    const secret = newUploadSecret();
    tickets.push({
      id: newId("lt"),
      ticket_hash: uploadSecretHash(secret),
      user_id: user.userId,
      model_id: model.id,
      oid,
      size,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      uploaded_at: null,
    });
    const objectUrl = `${hubUrl}/${model.fullName}.git/info/lfs/objects`;
    objects.push({
      oid,
      size,
      authenticated: true,
      actions: {
        upload: {
          href: `${objectUrl}/${oid}?${UPLOAD_LINK_PARAMETER}=${secret}`,
          expires_at: expiresAt,
        },
        verify: { href: `${objectUrl}/verify`, expires_at: expiresAt },
      },
    });
  }
  if (tickets.length > 0) {
    await ctx.db.transaction().execute(async (trx) => {
      // Unspent links past their time are of no use to anyone.
      await trx
        .deleteFrom("lfs_upload_tickets")
        .where("expires_at", "<", now.toISOString())
        .where("uploaded_at", "is", null)
        .execute();
      await trx.insertInto("lfs_upload_tickets").values(tickets).execute();
      await appendAuditEvent(trx, {
        actorId: user.userId,
        action: "lfs.upload-link",
        resource: `model:${model.id}`,
        details: {
          objects: tickets.map((t) => ({ oid: t.oid, size: t.size })),
          expiresAt,
        },
        at: now,
        origin,
      });
    });
  }
  return { transfer: "basic", hash_algo: "sha256", objects };
}

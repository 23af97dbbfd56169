import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { requireUser, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel, needsModeration, resolveVersion, useChecksOf } from "../registry/index.js";
import { findServed, type Upstream } from "./served-versions.js";
import { notServed, statusOf, type ServingStatus } from "./serving-status.js";

/** The file a served version runs. */
export const MODEL_FILE = "model.onnx";

/**
 * Serves a published version that holds `model.onnx`: its workers load the
 * file (and run a warm-up) first, and only then is the version recorded as
 * served, with its audit event, so a file onnxruntime cannot load is refused
 * with the runtime's message and nothing is half-served. Enabling a served
 * version again changes its worker count and batching (settings left out
 * take the hub's defaults). Maintainers, owners and admins.
 */
export async function enableServing(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  asked: { workers?: number; maxBatch?: number; maxDelayMs?: number; upstream?: Upstream },
  origin: RequestOrigin,
): Promise<ServingStatus> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.release");
  const user = requireUser(actor);
  const { version, access } = await resolveVersion(ctx, actor, model, versionName);
  const id = `${model.fullName}@${version.name}`;
  if (access.stage === "withdrawn") {
    throw new HubError("CONFLICT", `${id} was withdrawn and cannot be served`);
  }
  if (needsModeration(useChecksOf(version.card)) && ctx.config.serve.moderation === null) {
    throw new HubError(
      "BAD_REQUEST",
      `the use checks of ${id} ask a moderation endpoint and this hub has none; an administrator sets GATEHOUSE_MODERATION_URL (docs/use-checks.md), or publish a version whose checks need none`,
    );
  }
  if (asked.upstream !== undefined) {
    await checkUpstream(ctx, asked.upstream, id);
  }
  const file = version.files.find((f) => f.path === MODEL_FILE);
  if (file === undefined && asked.upstream === undefined) {
    throw new HubError(
      "BAD_REQUEST",
      `${id} has no ${MODEL_FILE}; the hub serves ONNX models, so publish a version holding ${MODEL_FILE}`,
    );
  }
  const { maxWorkers } = ctx.config.serve;
  const workers = asked.workers ?? maxWorkers;
  if (workers > maxWorkers) {
    throw new HubError(
      "BAD_REQUEST",
      `workers must be from 1 to ${maxWorkers} on this hub (GATEHOUSE_SERVE_MAX_WORKERS); ask for fewer`,
    );
  }
  // Stored as asked, null for the hub's default, so that a version enabled without
  // settings follows GATEHOUSE_SERVE_MAX_BATCH and GATEHOUSE_SERVE_MAX_DELAY_MS.
  const maxBatch = asked.maxBatch ?? null;
  const maxDelayUs = asked.maxDelayMs === undefined ? null : Math.round(asked.maxDelayMs * 1000);
  // An upstream engine runs the model: the hub loads nothing, and the version is no
  // tensor model (no inputs or outputs for OIP).
  const signature =
    asked.upstream !== undefined || file === undefined
      ? { inputs: [], outputs: [] }
      : await ctx.serving.enable({
          versionId: version.id,
          label: id,
          sha256: file.sha256,
          workers,
          batching: {
            maxBatch: maxBatch ?? ctx.config.serve.maxBatch,
            maxDelayUs: maxDelayUs ?? ctx.config.serve.maxDelayUs,
          },
        });
  if (asked.upstream !== undefined) {
    // Workers of an earlier enabling without an upstream stop.
    await ctx.serving.unload(version.id);
  }
  const now = ctx.clock.now();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const row = {
        workers,
        max_batch: maxBatch,
        max_delay_us: maxDelayUs,
        signature: JSON.stringify(signature),
        upstream_url: asked.upstream?.url ?? null,
        upstream_model: asked.upstream?.model ?? null,
        enabled_by: user.userId,
        enabled_at: now.toISOString(),
      };
      const updated = await trx
        .updateTable("served_versions")
        .set(row)
        .where("version_id", "=", version.id)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) {
        await trx
          .insertInto("served_versions")
          .values({ version_id: version.id, model_id: model.id, ...row })
          .execute();
      }
      await appendAuditEvent(trx, {
        actorId: user.userId,
        action: "serving.enable",
        resource: `version:${version.id}`,
        details: {
          workers,
          ...(maxBatch === null ? {} : { maxBatch }),
          ...(asked.maxDelayMs === undefined ? {} : { maxDelayMs: asked.maxDelayMs }),
          ...(asked.upstream === undefined ? {} : { upstream: asked.upstream }),
        },
        at: now,
        origin,
      });
    });
  } catch (err) {
    await ctx.serving.unload(version.id);
    throw err;
  }
  const served = await findServed(ctx.db, version.id);
  if (served === undefined) {
    throw new HubError("CONFLICT", `${id} was deleted while it was being enabled`);
  }
  return statusOf(ctx, served);
}

/** Stops serving a version: its calls answer 404 from now on, and its workers stop. */
export async function disableServing(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  origin: RequestOrigin,
): Promise<void> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.release");
  const user = requireUser(actor);
  const { version } = await resolveVersion(ctx, actor, model, versionName);
  const now = ctx.clock.now();
  const deleted = await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom("served_versions")
      .where("version_id", "=", version.id)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      return false;
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "serving.disable",
      resource: `version:${version.id}`,
      at: now,
      origin,
    });
    return true;
  });
  if (!deleted) {
    throw notServed(`${model.fullName}@${version.name}`, repo, version.name);
  }
  await ctx.serving.unload(version.id);
}

/**
 * Checks that an upstream engine answers at `upstream.url` and serves
 * `upstream.model`, by its `GET /models` with the hub's key for it, so that a
 * typo is refused when enabling rather than on every call.
 */
async function checkUpstream(ctx: HubContext, upstream: Upstream, id: string): Promise<void> {
  let base: URL;
  try {
    base = new URL(upstream.url);
  } catch {
    throw new HubError(
      "BAD_REQUEST",
      `upstream.url "${upstream.url}" is not a URL; write one such as http://10.0.0.5:8000/v1`,
    );
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new HubError("BAD_REQUEST", `upstream.url must be http or https, not ${base.protocol}`);
  }
  const key = ctx.config.serve.upstreamKeys.get(base.origin);
  let listed: unknown;
  try {
    const response = await fetch(`${upstream.url.replace(/\/+$/, "")}/models`, {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(
        `GET /models answered ${response.status}${response.status === 401 ? "; set its key in GATEHOUSE_UPSTREAM_KEYS" : ""}`,
      );
    }
    listed = await response.json();
  } catch (err) {
    throw new HubError(
      "BAD_REQUEST",
      `${id}: the engine at ${upstream.url} cannot be used: ${(err as Error).message}`,
    );
  }
  const data = (listed as { data?: unknown } | null)?.data;
  const ids = Array.isArray(data)
    ? data.flatMap((m: unknown) =>
        typeof (m as { id?: unknown } | null)?.id === "string" ? [(m as { id: string }).id] : [],
      )
    : [];
  if (!ids.includes(upstream.model)) {
    throw new HubError(
      "BAD_REQUEST",
      `${id}: the engine at ${upstream.url} serves no model "${upstream.model}" that the hub's key may call; it lists ${ids.length === 0 ? "none" : ids.join(", ")}`,
    );
  }
}

import { evidenceStaleness, validateEvidence, type Evidence } from "@gatehouse/ml/evidence";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { requireScope, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId } from "../store/index.js";
import { declaredCompute } from "./policy-facts.js";
import {
  findPendingTransition,
  reconsider,
  releaseTarget,
  type ReleaseTarget,
} from "./transitions.js";

/** An attached report as the API lists it, with whether it still vouches for the version. */
export interface EvidenceView {
  readonly id: string;
  readonly kind: string;
  readonly provenance: "publisher-attested" | "hub-verified";
  readonly subject: { readonly sha256: string; readonly path: string | null };
  readonly summary: string;
  readonly passed: boolean | null;
  readonly createdAt: string;
  readonly addedAt: string;
  readonly addedBy: string | null;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
  readonly report: Evidence;
}

/** The version's evidence, oldest first, judged for staleness now. */
export async function listEvidence(
  ctx: HubContext,
  target: ReleaseTarget,
): Promise<EvidenceView[]> {
  const rows = await ctx.db
    .selectFrom("evidence as e")
    .leftJoin("namespaces as n", "n.id", "e.added_by")
    .select(["e.id", "e.kind", "e.provenance", "e.report", "e.added_at", "n.name"])
    .where("e.version_id", "=", target.version.id)
    .orderBy("e.added_at")
    .orderBy("e.id")
    .execute();
  const now = ctx.clock.now();
  const compute = declaredCompute(target.version.card ?? {});
  return rows.map((row) => {
    const report = JSON.parse(row.report) as Evidence;
    const staleness = evidenceStaleness(report, { now, trainingComputeFlops: compute });
    return {
      id: row.id,
      kind: row.kind,
      provenance: row.provenance,
      subject: { sha256: report.subject.sha256, path: report.subject.path ?? null },
      summary: report.summary,
      passed: report.passed,
      createdAt: report.createdAt,
      addedAt: row.added_at,
      addedBy: row.name,
      stale: staleness.stale,
      staleReasons: staleness.reasons,
      report,
    };
  });
}

/** The version's evidence, for a caller who sees the version. */
export async function evidenceOf(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
): Promise<EvidenceView[]> {
  return listEvidence(ctx, await releaseTarget(ctx, actor, repo, versionName, "version.see"));
}

/**
 * Attaches a report to a published version as `publisher-attested`: it must
 * validate against its kind's schema (every error is listed) and be about a
 * file of this version, named by sha256. A pending stage change is decided
 * again, since the report may be what it waited for.
 */
export async function addEvidence(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  body: unknown,
  origin: RequestOrigin,
): Promise<EvidenceView> {
  const target = await releaseTarget(ctx, actor, repo, versionName);
  const user = requireScope(actor, "write");
  const validated = validateEvidence(body);
  if (!validated.ok) {
    throw new HubError(
      "BAD_REQUEST",
      `the report is not valid evidence: ${validated.errors.map((e) => `${e.path === "" ? "(root)" : e.path} ${e.message}`).join("; ")}`,
      { errors: validated.errors },
    );
  }
  const report = validated.evidence;
  const id = `${target.model.fullName}@${target.version.name}`;
  const file = target.version.files.find((f) => f.sha256 === report.subject.sha256);
  if (file === undefined) {
    throw new HubError(
      "BAD_REQUEST",
      `the report is about the artifact with sha256 ${report.subject.sha256}, which is not a file of ${id}; attach it to the version that holds that artifact`,
      { field: "subject.sha256" },
    );
  }
  const now = ctx.clock.now();
  const evidenceId = newId("e");
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("evidence")
      .values({
        id: evidenceId,
        version_id: target.version.id,
        kind: report.kind,
        provenance: "publisher-attested",
        subject_sha256: report.subject.sha256,
        report: JSON.stringify(report),
        added_at: now.toISOString(),
        added_by: user.userId,
      })
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "evidence.add",
      resource: `version:${target.version.id}`,
      details: {
        evidence: evidenceId,
        kind: report.kind,
        subject: report.subject.sha256,
        passed: report.passed,
      },
      at: now,
      origin,
    });
    const pending = await findPendingTransition(trx, target.version.id);
    if (pending !== undefined) {
      await reconsider(ctx, trx, actor, target, pending, user.userId, origin, false);
    }
  });
  const views = await listEvidence(ctx, target);
  const view = views.find((v) => v.id === evidenceId);
  if (view === undefined) {
    throw new HubError("CONFLICT", `evidence ${evidenceId} vanished`);
  }
  return view;
}

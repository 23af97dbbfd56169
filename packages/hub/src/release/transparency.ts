import { isPublicStage, loadModel, resolveVersion } from "../registry/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { PERMISSIONS, seenAs } from "../auth/index.js";
import { listEvidence } from "./evidence.js";
import { riskTierOf } from "./policy-facts.js";
import { resolveLicence, parseBaseModels } from "./licences/index.js";
import { versionState } from "./transitions.js";

const asList = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === "string")
      : [];

/** Who a stage lets in, in words, from the stage table. */
function whoMay(
  action: "version.see" | "version.download" | "version.infer",
  stage: Parameters<typeof seenAs>[0],
): string {
  const who = PERMISSIONS[action].allow[action === "version.see" ? seenAs(stage, null) : stage];
  if (who.includes("anonymous")) {
    return "everyone, without signing in";
  }
  if (who.includes("none")) {
    return "anyone signed in";
  }
  if (who.length === 0) {
    return "nobody";
  }
  const parts: string[] = [];
  if (who.includes("member")) {
    parts.push("members of the owning organisation");
  } else if (who.includes("maintainer")) {
    parts.push("the model's maintainers and owners");
  }
  if (who.includes("tester")) {
    parts.push("its trusted testers");
  }
  return parts.join(" and ");
}

/**
 * A model's transparency report for one version (its newest the caller may
 * see, unless named): what it does well (evaluation results), its risks and
 * limits (card and evidence), the restrictions on it (licence and its use
 * restrictions, stage, who may do what), the evidence with provenance and
 * staleness, its lineage, and its release history from the audit log.
 */
export async function transparencyReport(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string | undefined,
) {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.see");
  const { version, access } = await resolveVersion(ctx, actor, model, versionName ?? "main");
  const state = await versionState(ctx.db, version.id);
  const card = version.card ?? {};
  const evidence = await listEvidence(ctx, { model, version, state });
  const licence = resolveLicence(card);
  const bases = parseBaseModels(card);
  const strengths = evidence
    .filter((e) => e.kind === "evaluation")
    .map((e) => ({
      summary: e.summary,
      metrics: "metrics" in e.report ? e.report.metrics : {},
      provenance: e.provenance,
      stale: e.stale,
    }));
  const history = await ctx.db
    .selectFrom("audit_events")
    .select(["seq", "at", "action", "details"])
    .where("resource", "=", `version:${version.id}`)
    .where("action", "in", [
      "version.publish",
      "version.stage",
      "transition.request",
      "transition.signoff",
      "transition.override",
      "evidence.add",
      "version.risk-tier",
    ])
    .orderBy("seq")
    .execute();
  return {
    model: model.fullName,
    version: version.name,
    stage: access.stage,
    public: isPublicStage(access.stage, access.withdrawnFrom),
    riskTier: riskTierOf(card, state.reviewedRiskTier),
    strengths: {
      evaluations: strengths,
      modelIndex: card["model-index"] ?? null,
    },
    risks: {
      limitations: asList(card.limitations),
      prohibitedUses: asList(card.prohibited_uses),
      intendedUses: asList(card.intended_uses),
      findings: evidence.flatMap((e) =>
        "findings" in e.report && Array.isArray(e.report.findings)
          ? (e.report.findings as unknown[]).map((f) => ({ kind: e.kind, finding: f }))
          : [],
      ),
    },
    restrictions: {
      licence:
        licence === null
          ? null
          : licence.ok
            ? {
                id: licence.licence.id,
                name: licence.licence.name,
                commercialUse: licence.licence.commercialUse,
                useRestrictions: licence.licence.useRestrictions,
                noticeRequired: licence.licence.noticeRequired,
              }
            : { unresolved: licence.reason },
      stage: access.stage,
      whoMay: {
        see: whoMay("version.see", access.stage),
        download: whoMay("version.download", access.stage),
        call: whoMay("version.infer", access.stage),
      },
    },
    evidence: evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      provenance: e.provenance,
      summary: e.summary,
      passed: e.passed,
      createdAt: e.createdAt,
      stale: e.stale,
      staleReasons: e.staleReasons,
    })),
    lineage: bases.ok ? bases.bases : [],
    history: history.map((h) => ({
      at: h.at,
      action: h.action,
      details: JSON.parse(h.details) as Record<string, unknown>,
    })),
  };
}

import { isPublicStage, loadModel, resolveVersion } from "../registry/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { PERMISSIONS, seenAs } from "../auth/index.js";
import { derivedModels } from "./derived-models.js";
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

/**
 * Who a stage lets in, as codes a reader translates: `everyone` (without
 * signing in), `signed-in`, `nobody`, or the groups admitted — `members` of
 * the owning organisation, `insiders` (maintainers, owners and reviewers),
 * `maintainers` (and owners) — then `testers` and `grantees` where they are.
 */
export type Audience =
  | "everyone"
  | "signed-in"
  | "nobody"
  | "members"
  | "insiders"
  | "maintainers"
  | "testers"
  | "grantees";

/** Who a stage lets do `action`, from the stage table. */
function audienceOf(
  action: "version.see" | "version.download" | "version.infer",
  stage: Parameters<typeof seenAs>[0],
): Audience[] {
  const who = PERMISSIONS[action].allow[action === "version.see" ? seenAs(stage, null) : stage];
  if (who.includes("anonymous")) {
    return ["everyone"];
  }
  if (who.includes("none")) {
    return ["signed-in"];
  }
  if (who.length === 0) {
    return ["nobody"];
  }
  const groups: Audience[] = [];
  if (who.includes("member")) {
    groups.push("members");
  } else if (who.includes("reviewer")) {
    groups.push("insiders");
  } else if (who.includes("maintainer")) {
    groups.push("maintainers");
  }
  if (who.includes("tester")) {
    groups.push("testers");
  }
  if (who.includes("grantee")) {
    groups.push("grantees");
  }
  return groups;
}

const AUDIENCE_WORDS: Record<Audience, string> = {
  everyone: "everyone, without signing in",
  "signed-in": "anyone signed in",
  nobody: "nobody",
  members: "members of the owning organisation",
  insiders: "the model's maintainers, owners and reviewers",
  maintainers: "the model's maintainers and owners",
  testers: "its trusted testers",
  grantees: "those granted access",
};

/** An audience in words. */
const inWords = (audience: readonly Audience[]): string =>
  audience.map((a) => AUDIENCE_WORDS[a]).join(" and ");

/**
 * A model's transparency report for one version (its newest the caller may
 * see, unless named): what it does well (evaluation results), its risks and
 * limits (card and evidence), the restrictions on it (licence and its use
 * restrictions, stage, who may do what), the evidence with provenance and
 * staleness, its lineage (the bases its card names, and the models the
 * caller sees whose cards name this one), and its release history from the
 * audit log. A withdrawn version has only its tombstone: name, reason, date.
 */
export async function transparencyReport(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string | undefined,
) {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.see");
  const { version, access } = await resolveVersion(ctx, actor, model, versionName ?? "main");
  if (access.stage === "withdrawn") {
    return {
      model: model.fullName,
      version: version.name,
      stage: access.stage,
      withdrawnAt: access.since,
      reason: access.reason,
    };
  }
  const state = await versionState(ctx.db, version.id);
  const card = version.card ?? {};
  const evidence = await listEvidence(ctx, { model, version, state });
  const licence = resolveLicence(card);
  const bases = parseBaseModels(card);
  const strengths = evidence
    .filter((e) => e.kind === "evaluation")
    .map((e) => ({
      id: e.id,
      summary: e.summary,
      dataset: "dataset" in e.report ? e.report.dataset.name : null,
      split: "split" in e.report ? e.report.split.name : null,
      metrics: "metrics" in e.report ? e.report.metrics : {},
      provenance: e.provenance,
      createdAt: e.createdAt,
      stale: e.stale,
    }));
  const see = audienceOf("version.see", access.stage);
  const download = audienceOf("version.download", access.stage);
  const call = audienceOf("version.infer", access.stage);
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
      whoMay: { see: inWords(see), download: inWords(download), call: inWords(call) },
      audience: { see, download, call },
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
    derived: await derivedModels(ctx, actor, model),
    history: history.map((h) => ({
      at: h.at,
      action: h.action,
      details: JSON.parse(h.details) as Record<string, unknown>,
    })),
  };
}

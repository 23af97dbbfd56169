import { buffer } from "node:stream/consumers";
import { evidenceStaleness, type Evidence } from "@gatehouse/ml/evidence";
import type { HubContext } from "../context.js";
import type { ModelRecord, VersionAccess, VersionRecord } from "../registry/index.js";
import type { Db } from "../store/index.js";
import { lintCard } from "./card-lint.js";
import { checkLineage, resolveLicence, type LineageBase } from "./licences/index.js";
import type { PolicyInput } from "./policy-input.js";
import { effectiveRiskTier, parseTrainingComputeFlops } from "./risk-tier.js";
import type { ResolvedBase } from "./resolve-bases.js";
import { RISK_TIERS, type RiskTier } from "./policy-input.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A version's README as text: cards are bounded at upload, so reading it whole is safe. */
export async function readmeOf(ctx: HubContext, version: VersionRecord): Promise<string> {
  const card = version.files.find((f) => f.path === "README.md");
  if (card === undefined) {
    return "";
  }
  return (await buffer(ctx.blobs.read(card.sha256))).toString("utf8");
}

/** The card's declared risk tier, or null when it declares none (the card parser checked its spelling). */
function declaredTier(card: Readonly<Record<string, unknown>>): RiskTier | null {
  return RISK_TIERS.find((t) => t === card.risk_tier) ?? null;
}

/** The training compute a card declares, or null when it declares none or an unreadable value. */
export function declaredCompute(card: Readonly<Record<string, unknown>>): number | null {
  const parsed = parseTrainingComputeFlops(card.training_compute_flops);
  return parsed.ok ? parsed.flops : null;
}

/** The tier in force for a version: declared, reviewed and compute-implied, the highest. */
export function riskTierOf(
  card: Readonly<Record<string, unknown>>,
  reviewed: RiskTier | null,
): RiskTier {
  return effectiveRiskTier({
    declared: declaredTier(card),
    reviewed,
    trainingComputeFlops: declaredCompute(card),
  });
}

/** A version's row of the facts that change: stage, reviewed tier, publisher. */
export interface VersionState {
  readonly access: VersionAccess;
  readonly reviewedRiskTier: RiskTier | null;
  readonly publishedBy: string | null;
}

/** Everything a policy reads about one transition, gathered from the store. */
export interface FactsRequest {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly state: VersionState;
  readonly bases: readonly ResolvedBase[];
  readonly transition: PolicyInput["transition"];
  /** The transition's id, for its sign-offs; null for a request not yet stored. */
  readonly transitionId: string | null;
}

/** The name a user id shows as; null for an erased account. */
async function userName(db: Db, id: string | null): Promise<string | null> {
  if (id === null) {
    return null;
  }
  const row = await db
    .selectFrom("namespaces")
    .select("name")
    .where("id", "=", id)
    .executeTakeFirst();
  return row?.name ?? null;
}

/**
 * The facts a release policy reads about one transition: the version and its
 * card, card lint, licence and lineage, evidence (with staleness), sign-offs
 * (the author's never count), the model's other versions and the time.
 */
export async function gatherFacts(
  ctx: HubContext,
  db: Db,
  request: FactsRequest,
): Promise<PolicyInput> {
  const { model, version, state } = request;
  const now = ctx.clock.now();
  const card = version.card ?? {};
  const readme = await readmeOf(ctx, version);
  const riskTier = riskTierOf(card, state.reviewedRiskTier);
  const compute = declaredCompute(card);
  const resolved = resolveLicence(card);
  const licence = resolved?.ok === true ? resolved.licence : null;
  const lineageBases: LineageBase[] = request.bases.map((b) => ({
    model: b.model,
    version: b.version,
    relation: b.relation,
    licence: b.licence,
  }));
  const lineageFindings = checkLineage(
    {
      modelName: model.fullName,
      licence,
      files: version.files.map((f) => f.path),
      card,
      readme,
    },
    lineageBases,
  );
  const cardFindings = lintCard(readme, riskTier);
  const evidenceRows = await db
    .selectFrom("evidence")
    .select(["kind", "provenance", "report"])
    .where("version_id", "=", version.id)
    .orderBy("added_at")
    .execute();
  const signoffRows =
    request.transitionId === null
      ? []
      : await db
          .selectFrom("signoffs as s")
          .innerJoin("namespaces as n", "n.id", "s.user_id")
          .select(["n.name", "s.user_id", "s.roles", "s.verdict", "s.at"])
          .where("s.transition_id", "=", request.transitionId)
          .orderBy("s.at")
          .execute();
  const others = await db
    .selectFrom("versions")
    .select(["name", "stage", "stage_since", "published_at"])
    .where("model_id", "=", model.id)
    .where("state", "=", "published")
    .where("id", "<>", version.id)
    .orderBy("published_at")
    .execute();
  const days = (since: string | null) =>
    since === null ? 0 : Math.max(0, (now.getTime() - Date.parse(since)) / DAY_MS);
  const author = (await userName(db, state.publishedBy)) ?? "";
  return {
    now: now.toISOString(),
    model: {
      name: model.name,
      namespace: model.namespace.name,
      namespaceKind: model.namespace.kind,
    },
    version: {
      name: version.name,
      author,
      stage: state.access.stage,
      stageSince: state.access.since ?? version.publishedAt ?? version.createdAt,
      daysInStage: days(state.access.since),
      riskTier,
      declaredRiskTier: declaredTier(card),
      reviewedRiskTier: state.reviewedRiskTier,
      trainingComputeFlops: compute,
      files: version.files.map((f) => f.path),
      publishedAt: version.publishedAt ?? version.createdAt,
    },
    card,
    cardLint: { clean: cardFindings.length === 0, findings: cardFindings },
    licence,
    lineage: {
      bases: request.bases.map((b) => ({
        model: b.model,
        version: b.version,
        relation: b.relation,
        licence: b.licence?.id ?? null,
      })),
      clean: lineageFindings.length === 0,
      findings: lineageFindings,
    },
    evidence: evidenceRows.map((row) => {
      const report = JSON.parse(row.report) as Evidence;
      return {
        kind: row.kind,
        provenance: row.provenance,
        passed: report.passed,
        stale: evidenceStaleness(report, { now, trainingComputeFlops: compute }).stale,
        createdAt: report.createdAt,
        report,
      };
    }),
    signoffs: signoffRows
      // The author never counts, whatever role they hold.
      .filter((s) => s.user_id !== state.publishedBy)
      .map((s) => ({
        user: s.name,
        roles: JSON.parse(s.roles) as string[],
        verdict: s.verdict,
        at: s.at,
      })),
    transition: request.transition,
    history: others.map((o) => ({
      name: o.name,
      stage: o.stage ?? "private",
      stageSince: o.stage_since ?? o.published_at ?? "",
      daysInStage: days(o.stage_since),
      publishedAt: o.published_at ?? "",
    })),
  };
}

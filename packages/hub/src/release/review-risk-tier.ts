import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { RiskTier } from "./policy-input.js";
import { riskTierOf } from "./policy-facts.js";
import { reviewTarget } from "./transitions.js";

/**
 * A reviewer confirms, raises or lowers a version's risk tier. The tier in
 * force is the highest of the card's, the reviewer's and the one its training
 * compute implies, so a review can raise the tier but never take it below
 * what the card declares. Only reviewers may set it, never the version's
 * author: lowering a reviewed tier is itself a reviewer's sign-off.
 */
export async function reviewRiskTier(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  input: { tier: RiskTier; comment: string },
  origin: RequestOrigin,
): Promise<{ reviewed: RiskTier; inForce: RiskTier }> {
  const { target, user } = await reviewTarget(
    ctx,
    actor,
    repo,
    versionName,
    "review the risk tier",
  );
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("versions")
      .set({ reviewed_risk_tier: input.tier })
      .where("id", "=", target.version.id)
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "version.risk-tier",
      resource: `version:${target.version.id}`,
      details: {
        from: target.state.reviewedRiskTier,
        to: input.tier,
        comment: input.comment,
      },
      at: now,
      origin,
    });
  });
  return { reviewed: input.tier, inForce: riskTierOf(target.version.card ?? {}, input.tier) };
}

import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { isUpward, type Stage } from "../stages/index.js";
import { approvalsNeeded } from "./approvals-needed.js";
import { evaluatePolicy, type PolicyDecision } from "./evaluate-policy.js";
import { possibleSigners, signoffsOf } from "./signoffs.js";
import {
  findPendingTransition,
  moveFacts,
  releaseTarget,
  transitionById,
  type Move,
  type ReleaseTarget,
  type TransitionView,
} from "./transitions.js";

/** A sign-off as a pending change shows it. */
export interface SignoffView {
  /** Null for an erased account. */
  readonly user: string | null;
  readonly verdict: "approve" | "reject";
  readonly comment: string;
  readonly roles: readonly string[];
  readonly at: string;
}

/**
 * A version's pending stage change with what it waits for: the policy's
 * decision as it would be now, every rule with its result, the sign-offs so
 * far, and how many more approvals the rules that await sign-offs need.
 */
export interface PendingChange {
  readonly model: string;
  readonly version: string;
  /** The version's stage now. */
  readonly stage: Stage;
  readonly transition: TransitionView;
  /** Every rule, decided now with the sign-offs and evidence so far; no rules for a move down. */
  readonly decision: PolicyDecision;
  readonly signoffs: readonly SignoffView[];
  readonly approvals: {
    /** More approvals needed: 0 when no rule awaits one, null when the people who may sign cannot give them. */
    readonly needed: number | null;
    /** Reviewers and owners of the namespace who may still approve (hub administrators may too). */
    readonly from: readonly string[];
  };
}

/**
 * The pending change `transitionId` of the target, decided afresh for
 * `actor` (a maintainer asking, or a reviewer about to sign) without
 * changing anything.
 */
export async function describePendingChange(
  ctx: HubContext,
  actor: Actor,
  target: ReleaseTarget,
  transitionId: string,
): Promise<PendingChange> {
  const [view, row, signoffs] = await Promise.all([
    transitionById(ctx.db, target.model, transitionId),
    ctx.db
      .selectFrom("transitions")
      .select(["from_stage", "to_stage", "reason", "run_at", "override", "requested_by"])
      .where("id", "=", transitionId)
      .executeTakeFirst(),
    signoffsOf(ctx.db, transitionId),
  ]);
  if (view === undefined || row === undefined) {
    throw new HubError("NOT_FOUND", `transition ${transitionId} vanished`);
  }
  const move: Move = {
    id: transitionId,
    from: row.from_stage,
    to: row.to_stage,
    reason: row.reason,
    at: row.run_at === null ? null : new Date(row.run_at),
    override: row.override === 1,
    requestedBy: row.requested_by,
  };
  let decision: PolicyDecision = { outcome: "allow", results: [], policyHash: ctx.policy.hash };
  let needed: number | null = 0;
  let signers: Awaited<ReturnType<typeof possibleSigners>> = [];
  if (isUpward(move.from, move.to)) {
    signers = await possibleSigners(ctx.db, target);
    const facts = await moveFacts(ctx, ctx.db, actor, target, move);
    decision = evaluatePolicy(ctx.policy, facts);
    needed = approvalsNeeded(ctx.policy, facts, signers);
  }
  const approved = new Set(signoffs.filter((s) => s.verdict === "approve").map((s) => s.user));
  return {
    model: target.model.fullName,
    version: target.version.name,
    stage: target.state.access.stage,
    transition: view,
    decision,
    signoffs: signoffs.map((s) => ({
      user: s.user,
      verdict: s.verdict,
      comment: s.comment,
      roles: s.roles,
      at: s.at,
    })),
    approvals: {
      needed,
      from:
        needed === 0
          ? []
          : signers.filter((s) => s.inNamespace && !approved.has(s.user)).map((s) => s.user),
    },
  };
}

/**
 * The version's pending stage change, for a caller who may release it
 * (`GET …/versions/{v}/transitions/pending`); 404 when none is pending.
 */
export async function pendingChangeOf(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
): Promise<PendingChange> {
  const target = await releaseTarget(ctx, actor, repo, versionName);
  const id = await findPendingTransition(ctx.db, target.version.id);
  if (id === undefined) {
    throw new HubError(
      "NOT_FOUND",
      `${target.model.fullName}@${target.version.name} has no pending stage change`,
    );
  }
  return describePendingChange(ctx, actor, target, id);
}

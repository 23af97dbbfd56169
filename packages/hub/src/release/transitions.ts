import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, authorize, requireScope, type Actor, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { enqueueEvent } from "../events/index.js";
import {
  loadModel,
  resolveVersion,
  versionResource,
  type ModelRecord,
  type VersionRecord,
} from "../registry/index.js";
import { ALL_STAGES, isStage, isUpward, type Stage } from "../stages/index.js";
import { newId, type Db, type TransitionStatus } from "../store/index.js";
import type { PolicyDecision, RuleResult } from "./evaluate-policy.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import { gatherFacts, type VersionState } from "./policy-facts.js";
import type { PolicyInput, RiskTier } from "./policy-input.js";
import { resolveLicence } from "./licences/index.js";
import { resolveBases } from "./resolve-bases.js";

/** A stage change as the API shows it. */
export interface TransitionView {
  readonly id: string;
  readonly model: string;
  readonly version: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly reason: string;
  readonly requestedBy: string | null;
  readonly requestedAt: string;
  /** When an embargo lifts; null to run as soon as the policy allows. */
  readonly at: string | null;
  readonly override: boolean;
  readonly status: TransitionStatus;
  readonly decidedAt: string | null;
  readonly policyHash: string | null;
  /** The rules of the last decision that did not pass, with what to do. */
  readonly failed: readonly RuleResult[];
}

export interface TransitionInput {
  readonly to: string;
  readonly reason: string;
  readonly at?: string | undefined;
  readonly override?: boolean | undefined;
}

/** A published version of a loaded model, with the state that decides its release. */
export interface ReleaseTarget {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly state: VersionState;
}

/** The published version `versionName`, for a caller who may `version.release` its model. */
export async function releaseTarget(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  action: "version.release" | "version.review" | "version.see" = "version.release",
): Promise<ReleaseTarget> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, action);
  const { version } = await resolveVersion(ctx, actor, model, versionName);
  if (version.name !== versionName) {
    // A commit id named it: stage changes name versions, as the CLI does.
    throw new HubError(
      "REVISION_NOT_FOUND",
      `${model.fullName} has no published version "${versionName}"; name the version, not a commit`,
    );
  }
  return { model, version, state: await versionState(ctx.db, version.id) };
}

/**
 * The version a reviewer acts on (a sign-off, a risk tier): reviewers, owners
 * and hub administrators only, and never the version's author. `doing` says
 * what, for the refusal.
 */
export async function reviewTarget(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  doing: string,
): Promise<{ target: ReleaseTarget; user: UserActor }> {
  const target = await releaseTarget(ctx, actor, repo, versionName, "version.review").catch(
    (err: unknown) => {
      if (err instanceof HubError && err.code === "FORBIDDEN") {
        throw new HubError(
          "FORBIDDEN",
          `only reviewers, owners and hub administrators ${doing} of ${repo.namespace}/${repo.name}; an owner can give you the reviewer role`,
        );
      }
      throw err;
    },
  );
  const user = requireScope(actor, "write");
  if (target.state.publishedBy === user.userId) {
    throw new HubError(
      "FORBIDDEN",
      `you published ${target.model.fullName}@${target.version.name}, and a version's author may not ${doing}; ask another reviewer`,
    );
  }
  return { target, user };
}

/** The changing facts of a published version, read fresh. */
export async function versionState(db: Db, versionId: string): Promise<VersionState> {
  const row = await db
    .selectFrom("versions")
    .select([
      "id",
      "stage",
      "withdrawn_from",
      "stage_since",
      "stage_reason",
      "reviewed_risk_tier",
      "published_by",
    ])
    .where("id", "=", versionId)
    .executeTakeFirstOrThrow();
  return {
    access: {
      id: row.id,
      stage: row.stage ?? "private",
      withdrawnFrom: row.withdrawn_from,
      since: row.stage_since,
      reason: row.stage_reason,
    },
    reviewedRiskTier: row.reviewed_risk_tier as RiskTier | null,
    publishedBy: row.published_by,
  };
}

function parseStage(to: string): Stage {
  if (!isStage(to)) {
    throw new HubError(
      "BAD_REQUEST",
      `unknown stage "${to}"; the stages are ${ALL_STAGES.join(", ")}`,
      { field: "to" },
    );
  }
  return to;
}

function parseAt(at: string | undefined, now: Date): Date | null {
  if (at === undefined) {
    return null;
  }
  const time = new Date(at);
  if (Number.isNaN(time.getTime())) {
    throw new HubError(
      "BAD_REQUEST",
      `at "${at}" is not a time; give one such as 2027-01-31T09:00:00Z`,
      { field: "at" },
    );
  }
  if (time.getTime() <= now.getTime()) {
    throw new HubError(
      "BAD_REQUEST",
      `at ${time.toISOString()} is in the past (now is ${now.toISOString()}); give a future time, or leave it out to change the stage now`,
      { field: "at" },
    );
  }
  return time;
}

type TransitionRow = Awaited<ReturnType<ReturnType<typeof transitionQuery>["execute"]>>[number];

const transitionQuery = (db: Db) =>
  db
    .selectFrom("transitions as t")
    .innerJoin("versions as v", "v.id", "t.version_id")
    .leftJoin("namespaces as r", "r.id", "t.requested_by")
    .select([
      "t.id",
      "t.version_id",
      "v.name as version_name",
      "t.from_stage",
      "t.to_stage",
      "t.reason",
      "t.requested_by",
      "r.name as requester",
      "t.requested_at",
      "t.run_at",
      "t.override",
      "t.status",
      "t.decided_at",
      "t.policy_hash",
      "t.outcome",
    ]);

/** A decision as stored; its findings are not read back (viewOf). */
interface StoredDecision {
  readonly results: readonly Omit<RuleResult, "findings">[];
}

function viewOf(model: ModelRecord, row: TransitionRow): TransitionView {
  const outcome = row.outcome === null ? null : (JSON.parse(row.outcome) as StoredDecision);
  return {
    id: row.id,
    model: model.fullName,
    version: row.version_name,
    from: row.from_stage,
    to: row.to_stage,
    reason: row.reason,
    requestedBy: row.requester,
    requestedAt: row.requested_at,
    at: row.run_at,
    override: row.override === 1,
    status: row.status,
    decidedAt: row.decided_at,
    policyHash: row.policy_hash,
    // Findings name the bases as the requester could see them, which a later reader of the
    // list may not: the refusal itself and a policy check give them to who asks.
    failed: outcome?.results.filter((r) => !r.passed).map((r) => ({ ...r, findings: [] })) ?? [],
  };
}

/** A model's transitions, newest first; those of one version when named. */
export async function listTransitions(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string | null,
): Promise<TransitionView[]> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.see");
  let query = transitionQuery(ctx.db).where("v.model_id", "=", model.id);
  if (versionName !== null) {
    query = query.where("v.name", "=", versionName);
  }
  const rows = await query.orderBy("t.requested_at", "desc").orderBy("t.id", "desc").execute();
  const seen = new Map<string, boolean>();
  const views: TransitionView[] = [];
  for (const row of rows) {
    // Only transitions of versions the caller sees; a hidden version's history stays hidden.
    let sees = seen.get(row.version_id);
    if (sees === undefined) {
      sees = await resolveVersion(ctx, actor, model, row.version_name).then(
        () => true,
        () => false,
      );
      seen.set(row.version_id, sees);
    }
    if (sees) {
      views.push(viewOf(model, row));
    }
  }
  return views;
}

/** One transition by id, as its model's caller sees it. */
export async function transitionById(
  db: Db,
  model: ModelRecord,
  id: string,
): Promise<TransitionView | undefined> {
  const row = await transitionQuery(db)
    .where("t.id", "=", id)
    .where("v.model_id", "=", model.id)
    .executeTakeFirst();
  return row === undefined ? undefined : viewOf(model, row);
}

/** What a transition is, as the policy sees it. */
export interface Move {
  readonly id: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly reason: string;
  readonly at: Date | null;
  readonly override: boolean;
  readonly requestedBy: string | null;
}

/**
 * The policy's decision on an upward move, or null for a restricting one,
 * which policy never governs. A rejection blocks whatever the policy says.
 */
async function decide(
  ctx: HubContext,
  db: Db,
  actor: Actor,
  target: ReleaseTarget,
  move: Move,
): Promise<PolicyDecision | null> {
  if (!isUpward(move.from, move.to)) {
    return null;
  }
  return evaluatePolicy(ctx.policy, await moveFacts(ctx, db, actor, target, move));
}

/** What the policy reads about `move` of the target, as `actor` decides it now. */
export async function moveFacts(
  ctx: HubContext,
  db: Db,
  actor: Actor,
  target: ReleaseTarget,
  move: Move,
): Promise<PolicyInput> {
  // Read in the caller's transaction: on SQLite, one connection serves both, and a read
  // outside the transaction would wait for it to end.
  const inTransaction = { ...ctx, db };
  const bases = await resolveBases(inTransaction, actor, target.version.card ?? {});
  return gatherFacts(inTransaction, db, {
    model: target.model,
    version: target.version,
    state: target.state,
    bases,
    transitionId: move.id,
    transition: {
      from: move.from,
      to: move.to,
      reason: move.reason,
      at: move.at?.toISOString() ?? null,
      override: move.override,
      requestedBy: actor.kind === "user" ? actor.name : "",
    },
  });
}

/** The failed rules of a decision as one sentence each: id, what to do, the expression. */
export function failedRules(decision: PolicyDecision): string {
  return decision.results
    .filter((r) => !r.passed)
    .map(
      (r) =>
        `${r.id}: ${r.message ?? "failed"} (${r.expression})${r.findings.map((f) => `; ${f.rule}: ${f.message}`).join("")}`,
    )
    .join("; ");
}

/**
 * Moves the version to the transition's stage, in the caller's transaction with
 * its audit event: a conditional update on the stage it had, so two hubs can
 * never both apply it, and the transition marked done exactly once. Other
 * pending transitions of the version no longer start where it is, so they are
 * cancelled.
 */
async function applyMove(
  ctx: HubContext,
  trx: Db,
  target: ReleaseTarget,
  move: Move,
  decision: PolicyDecision | null,
  actorId: string | null,
  origin: RequestOrigin | undefined,
): Promise<void> {
  const now = ctx.clock.now();
  const moved = await trx
    .updateTable("versions")
    .set({
      stage: move.to,
      stage_since: now.toISOString(),
      stage_reason: move.reason,
      withdrawn_from: move.to === "withdrawn" ? move.from : null,
    })
    .where("id", "=", target.version.id)
    .where("stage", "=", move.from)
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) {
    throw new HubError(
      "CONFLICT",
      `${target.model.fullName}@${target.version.name} left ${move.from} while this change was decided; request it again`,
    );
  }
  const done = await trx
    .updateTable("transitions")
    .set({
      status: "done",
      decided_at: now.toISOString(),
      policy_hash: decision?.policyHash ?? null,
      outcome: decision === null ? null : JSON.stringify(decision),
    })
    .where("id", "=", move.id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (done.numUpdatedRows !== 1n) {
    throw new HubError("CONFLICT", `transition ${move.id} was decided by another request`);
  }
  const superseded = await trx
    .updateTable("transitions")
    .set({ status: "cancelled", decided_at: now.toISOString() })
    .where("version_id", "=", target.version.id)
    .where("status", "=", "pending")
    .returning("id")
    .execute();
  await appendAuditEvent(trx, {
    actorId,
    action: "version.stage",
    resource: `version:${target.version.id}`,
    details: {
      model: target.model.id,
      from: move.from,
      to: move.to,
      reason: move.reason,
      transition: move.id,
      policyHash: decision?.policyHash ?? null,
      ...(superseded.length === 0 ? {} : { cancelled: superseded.map((r) => r.id) }),
    },
    at: now,
    ...(origin === undefined ? {} : { origin }),
  });
  const subject = {
    model: { id: target.model.id, name: target.model.fullName },
    version: { id: target.version.id, name: target.version.name },
  };
  await enqueueEvent(trx, {
    type: "release.transitioned",
    namespaceId: target.model.namespace.id,
    at: now,
    data: {
      ...subject,
      transition: move.id,
      from: move.from,
      to: move.to,
      reason: move.reason,
      actor: actorId,
      policyHash: decision?.policyHash ?? null,
    },
  });
  if (move.to === "withdrawn") {
    await enqueueEvent(trx, {
      type: "version.withdrawn",
      namespaceId: target.model.namespace.id,
      at: now,
      data: {
        ...subject,
        transition: move.id,
        from: move.from,
        reason: move.reason,
        actor: actorId,
      },
    });
  }
  const overridden = decision?.results.filter((r) => r.overridden) ?? [];
  if (overridden.length > 0) {
    await appendAuditEvent(trx, {
      actorId,
      action: "transition.override",
      resource: `version:${target.version.id}`,
      details: {
        transition: move.id,
        rules: overridden.map((r) => r.id),
        policyHash: decision?.policyHash ?? null,
      },
      at: now,
      ...(origin === undefined ? {} : { origin }),
    });
  }
}

/** Whether a decision lets the move run at `now`: allowed, and any embargo lifted. */
const runsNow = (decision: PolicyDecision | null, move: Move, now: Date): boolean =>
  (decision === null || decision.outcome === "allow") &&
  (move.at === null || move.at.getTime() <= now.getTime());

/**
 * Requests a stage change. Restricting (down the ladder, or withdrawing) is
 * always allowed to maintainers and takes effect at once; moving up is
 * decided by the release policy, and is refused (422, every failed rule), left
 * pending (awaiting sign-offs, time, or an embargo's `at`) or done. Restoring
 * a withdrawn version needs a hub administrator; an override of a rule that
 * allows one needs an administrator too, and is audited.
 */
export async function requestTransition(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  input: TransitionInput,
  origin: RequestOrigin,
): Promise<TransitionView> {
  // Access first: a caller who may not see the version learns nothing from the input's faults.
  const target = await releaseTarget(ctx, actor, repo, versionName);
  const user = requireScope(actor, "write");
  const to = parseStage(input.to);
  const id = `${target.model.fullName}@${target.version.name}`;
  const from = target.state.access.stage;
  if (to === from) {
    throw new HubError("CONFLICT", `${id} is already ${to}`);
  }
  if (
    from === "withdrawn" &&
    !authorize(actor, "version.restore", versionResource(target.model, target.state.access)).allowed
  ) {
    throw new HubError(
      "FORBIDDEN",
      `${id} is withdrawn; only a hub administrator (with an admin-scoped token) may restore it, and a reviewer must sign off`,
    );
  }
  if (input.override === true && !(user.isAdmin && user.token.scopes.includes("admin"))) {
    throw new HubError(
      "FORBIDDEN",
      "only a hub administrator with an admin-scoped token may override policy rules",
    );
  }
  const now = ctx.clock.now();
  const move: Move = {
    id: newId("tr"),
    from,
    to,
    reason: input.reason,
    at: parseAt(input.at, now),
    override: input.override === true,
    requestedBy: user.userId,
  };
  const restrictNow = !isUpward(from, to) && move.at === null;
  const decision = await ctx.db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom("transitions")
      .select(["id", "to_stage"])
      .where("version_id", "=", target.version.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (pending !== undefined && !restrictNow) {
      throw new HubError(
        "CONFLICT",
        `${id} has a pending change to ${pending.to_stage} (${pending.id}); cancel it first with 'gatehouse release cancel ${id}'`,
        { pending: pending.id },
      );
    }
    await trx
      .insertInto("transitions")
      .values({
        id: move.id,
        version_id: target.version.id,
        from_stage: from,
        to_stage: to,
        reason: move.reason,
        requested_by: user.userId,
        requested_at: now.toISOString(),
        run_at: move.at?.toISOString() ?? null,
        override: move.override ? 1 : 0,
        status: "pending",
        decided_at: null,
        policy_hash: null,
        outcome: null,
      })
      .execute();
    const decided = await decide(ctx, trx, actor, target, move);
    if (runsNow(decided, move, now)) {
      await applyMove(ctx, trx, target, move, decided, user.userId, origin);
      return decided;
    }
    const status: TransitionStatus = decided?.outcome === "refuse" ? "refused" : "pending";
    await trx
      .updateTable("transitions")
      .set({
        status,
        decided_at: status === "refused" ? now.toISOString() : null,
        policy_hash: decided?.policyHash ?? null,
        outcome: decided === null ? null : JSON.stringify(decided),
      })
      .where("id", "=", move.id)
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "transition.request",
      resource: `version:${target.version.id}`,
      details: {
        model: target.model.id,
        transition: move.id,
        from,
        to,
        status,
        at: move.at?.toISOString() ?? null,
        policyHash: decided?.policyHash ?? null,
        ...(decided === null
          ? {}
          : { failed: decided.results.filter((r) => !r.passed).map((r) => r.id) }),
      },
      at: now,
      origin,
    });
    const awaiting = decided?.results.filter((r) => !r.passed && r.awaits === "signoffs") ?? [];
    if (status === "pending" && awaiting.length > 0) {
      await enqueueEvent(trx, {
        type: "release.pending_signoff",
        namespaceId: target.model.namespace.id,
        at: now,
        data: {
          model: { id: target.model.id, name: target.model.fullName },
          version: { id: target.version.id, name: target.version.name },
          transition: move.id,
          from,
          to,
          reason: move.reason,
          requestedBy: user.userId,
          rules: awaiting.map((r) => ({ id: r.id, message: r.message })),
        },
      });
    }
    return decided;
  });
  if (decision?.outcome === "refuse") {
    throw new HubError(
      "POLICY_DENIED",
      `the release policy refuses ${id} → ${to}: ${failedRules(decision)}`,
      {
        transition: move.id,
        policyHash: decision.policyHash,
        failed: decision.results
          .filter((r) => !r.passed)
          .map((r) => ({
            id: r.id,
            message: r.message,
            expression: r.expression,
            findings: r.findings,
          })),
      },
    );
  }
  const view = await transitionById(ctx.db, target.model, move.id);
  if (view === undefined) {
    throw new HubError("CONFLICT", `transition ${move.id} vanished; request it again`);
  }
  return view;
}

/**
 * Re-decides a pending transition and runs it when the policy allows and any
 * embargo has lifted: after a sign-off, new evidence, or when the scheduler
 * finds it due. `actor` is whoever acts now (the reviewer, the scheduler's view
 * of the requester). Returns its view afterwards.
 */
export async function reconsider(
  ctx: HubContext,
  trx: Db,
  actor: Actor,
  target: ReleaseTarget,
  transitionId: string,
  actorId: string | null,
  origin: RequestOrigin | undefined,
  /** Whether a refusal closes it (the scheduler, at its time) or leaves it pending for more evidence or sign-offs. */
  final: boolean,
): Promise<"done" | "pending" | "refused"> {
  const row = await trx
    .selectFrom("transitions")
    .selectAll()
    .where("id", "=", transitionId)
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (row === undefined) {
    return "refused";
  }
  const now = ctx.clock.now();
  const move: Move = {
    id: row.id,
    from: row.from_stage,
    to: row.to_stage,
    reason: row.reason,
    at: row.run_at === null ? null : new Date(row.run_at),
    override: row.override === 1,
    requestedBy: row.requested_by,
  };
  if (target.state.access.stage !== move.from) {
    await trx
      .updateTable("transitions")
      .set({ status: "cancelled", decided_at: now.toISOString() })
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .execute();
    return "refused";
  }
  const decision = await decide(ctx, trx, actor, target, move);
  if (runsNow(decision, move, now)) {
    await applyMove(ctx, trx, target, move, decision, actorId, origin);
    return "done";
  }
  const refused = final && decision?.outcome === "refuse";
  await trx
    .updateTable("transitions")
    .set({
      policy_hash: decision?.policyHash ?? null,
      outcome: decision === null ? null : JSON.stringify(decision),
      ...(refused ? { status: "refused" as const, decided_at: now.toISOString() } : {}),
    })
    .where("id", "=", row.id)
    .execute();
  if (refused) {
    await appendAuditEvent(trx, {
      actorId,
      action: "transition.request",
      resource: `version:${target.version.id}`,
      details: {
        model: target.model.id,
        transition: row.id,
        from: move.from,
        to: move.to,
        status: "refused",
        policyHash: decision.policyHash,
        failed: decision.results.filter((r) => !r.passed).map((r) => r.id),
      },
      at: now,
      ...(origin === undefined ? {} : { origin }),
    });
    return "refused";
  }
  return "pending";
}

/** Cancels the version's pending transition; maintainers only. */
export async function cancelTransition(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  origin: RequestOrigin,
): Promise<TransitionView> {
  const target = await releaseTarget(ctx, actor, repo, versionName);
  const user = requireScope(actor, "write");
  const now = ctx.clock.now();
  const cancelled = await ctx.db.transaction().execute(async (trx) => {
    const [row] = await trx
      .updateTable("transitions")
      .set({ status: "cancelled", decided_at: now.toISOString() })
      .where("version_id", "=", target.version.id)
      .where("status", "=", "pending")
      .returning("id")
      .execute();
    if (row === undefined) {
      throw new HubError(
        "NOT_FOUND",
        `${target.model.fullName}@${target.version.name} has no pending stage change to cancel`,
      );
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "transition.cancel",
      resource: `version:${target.version.id}`,
      details: { model: target.model.id, transition: row.id },
      at: now,
      origin,
    });
    return row.id;
  });
  const view = await transitionById(ctx.db, target.model, cancelled);
  if (view === undefined) {
    throw new HubError("NOT_FOUND", `transition ${cancelled} vanished`);
  }
  return view;
}

/** The id of the version's pending transition, if it has one. */
export async function findPendingTransition(
  db: Db,
  versionId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("transitions")
    .select("id")
    .where("version_id", "=", versionId)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return row?.id;
}

/** The id of the version's pending transition, or a 404 saying there is none. */
export async function pendingTransitionOf(db: Db, target: ReleaseTarget): Promise<string> {
  const id = await findPendingTransition(db, target.version.id);
  if (id === undefined) {
    throw new HubError(
      "NOT_FOUND",
      `${target.model.fullName}@${target.version.name} has no pending stage change to sign off`,
    );
  }
  return id;
}

/**
 * What the policy would say of moving the version to `to` now, rule by rule,
 * without changing anything: the dry run of `gatehouse policy check`.
 */
export async function explainTransition(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  input: { to?: string | undefined; override?: boolean | undefined },
): Promise<{ from: Stage; to: Stage; upward: boolean; decision: PolicyDecision }> {
  const target = await releaseTarget(ctx, actor, repo, versionName);
  if (input.to === undefined) {
    throw new HubError("BAD_REQUEST", "say which stage to check: ?to=STAGE, e.g. ?to=open", {
      field: "to",
    });
  }
  const to = parseStage(input.to);
  const from = target.state.access.stage;
  const pending = await ctx.db
    .selectFrom("transitions")
    .select("id")
    .where("version_id", "=", target.version.id)
    .where("status", "=", "pending")
    .where("to_stage", "=", to)
    .executeTakeFirst();
  const move: Move = {
    // The pending change's sign-offs count, as they would if it ran now.
    id: pending?.id ?? "",
    from,
    to,
    reason: "policy check",
    at: null,
    override: input.override === true,
    requestedBy: actorIdOf(actor),
  };
  const upward = isUpward(from, to);
  const decision = upward
    ? await decide(ctx, ctx.db, actor, target, move)
    : { outcome: "allow" as const, results: [], policyHash: ctx.policy.hash };
  return {
    from,
    to,
    upward,
    decision: decision ?? { outcome: "allow", results: [], policyHash: ctx.policy.hash },
  };
}

/** What became of a new version's move to its model's initial stage. */
export interface InitialStageOutcome {
  readonly stage: Stage;
  readonly transition: TransitionView | null;
  /** The failed rules when the policy refused it; the version stays private. */
  readonly refused: readonly { id: string; message: string | null; expression: string }[];
}

/**
 * Moves a just-published version from `private` to its model's initial stage,
 * a transition the policy decides like any other. A refusal leaves the version
 * private and is reported, not thrown: the publication itself stands.
 */
export async function enterInitialStage(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  version: VersionRecord,
  origin: RequestOrigin,
): Promise<InitialStageOutcome> {
  try {
    const transition = await requestTransition(
      ctx,
      actor,
      { namespace: model.namespace.name, name: model.name },
      version.name,
      { to: model.initialStage, reason: "the stage the model starts its versions at" },
      origin,
    );
    return {
      stage: transition.status === "done" ? transition.to : transition.from,
      transition,
      refused: [],
    };
  } catch (err) {
    if (err instanceof HubError && err.code === "POLICY_DENIED") {
      const failed = (err.details?.failed ?? []) as InitialStageOutcome["refused"];
      return { stage: "private", transition: null, refused: failed };
    }
    throw err;
  }
}

/**
 * What a card must hold before its version is published: a licence the
 * catalogue knows (when it names one), and base models the publisher can see.
 */
export async function checkCardForPublication(
  ctx: HubContext,
  actor: Actor,
  card: Readonly<Record<string, unknown>>,
): Promise<void> {
  const licence = resolveLicence(card);
  if (licence !== null && !licence.ok) {
    throw new HubError("INVALID_CARD", `README.md: license: ${licence.reason}`, {
      field: "license",
    });
  }
  await resolveBases(ctx, actor, card);
}

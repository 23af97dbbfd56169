import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { findNamespace, orgsOf, requireUser, type Actor, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { enqueueEvent } from "../events/index.js";
import type { ModelRecord } from "../registry/index.js";
import { isUniqueViolation, newId, type AccessRequestStatus, type Db } from "../store/index.js";
import { runApprovalRule, type Requester } from "./approval-rule.js";
import { checkAnswers } from "./check-answers.js";
import { gatedVersion } from "./gated-version.js";
import { revokeGrants, writeGrant } from "./grants.js";
import { recordAcceptance } from "./acceptances.js";
import { requestViews } from "./list-requests.js";

/** A request as its requester and the model's owners see it. */
export interface RequestView {
  readonly id: string;
  readonly model: string;
  readonly version: string | null;
  readonly requester: string;
  /** The user or organisation an approval covers. */
  readonly grantee: string;
  readonly status: AccessRequestStatus;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly rejectionReason: string | null;
  /** After a rejection: when the grantee may ask again, null for never. */
  readonly reapplyAt: string | null;
}

export interface SubmitInput {
  readonly revision?: string | undefined;
  /** An organisation the requester speaks for (an owner or maintainer there), asking for all its members. */
  readonly forOrg?: string | undefined;
  readonly answers: Readonly<Record<string, unknown>>;
  /** That the requester read and accepts the version's licence text. */
  readonly acceptLicence: boolean;
}

const DAY_MS = 86_400_000;

/** The newest request of a grantee on a model, whatever its status. */
function latestRequest(db: Db, modelId: string, granteeId: string) {
  return db
    .selectFrom("access_requests")
    .selectAll()
    .where("model_id", "=", modelId)
    .where("grantee_id", "=", granteeId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Whom a request made by `user` asks for: themselves, or an organisation they may speak for. */
async function granteeFor(
  ctx: HubContext,
  user: UserActor,
  forOrg: string | undefined,
): Promise<{ id: string; name: string; kind: "user" | "org" }> {
  if (forOrg === undefined) {
    return { id: user.userId, name: user.name, kind: "user" };
  }
  const orgs = await orgsOf(ctx.db, user.userId);
  const org = orgs.find((o) => o.name.toLowerCase() === forOrg.toLowerCase());
  if (org === undefined) {
    throw new HubError(
      "NOT_FOUND",
      `you are not a member of an organisation named "${forOrg}"; ask for access for yourself, or have one of its owners ask`,
    );
  }
  if (org.role !== "owner" && org.role !== "maintainer") {
    throw new HubError(
      "FORBIDDEN",
      `only owners and maintainers of ${org.name} may ask for access on its behalf; you are a ${org.role}`,
    );
  }
  return { id: org.id, name: org.name, kind: "org" };
}

async function requesterFacts(
  ctx: HubContext,
  user: UserActor,
  forOrg: string | null,
): Promise<Requester> {
  const row = await ctx.db
    .selectFrom("namespaces as n")
    .innerJoin("users as u", "u.id", "n.id")
    .select(["n.created_at", "u.email"])
    .where("n.id", "=", user.userId)
    .executeTakeFirst();
  const orgs = await orgsOf(ctx.db, user.userId);
  const created = Date.parse(row?.created_at ?? ctx.clock.now().toISOString());
  return {
    name: user.name,
    accountAgeDays: (ctx.clock.now().getTime() - created) / DAY_MS,
    orgs: orgs.map((o) => o.name),
    emailDomain: row?.email?.split("@")[1] ?? null,
    forOrg,
  };
}

/**
 * Submits the access form of a gated version: checks the answers against its
 * fields, records the licence acceptance, and decides as the gate says
 * (auto: accepted and granted at once; manual: pending; rule: accepted when
 * the rule holds, else pending). Refuses a second pending request, a request
 * from someone who already has access, and one from a rejected requester
 * before the owners' waiting period ends (or ever, when they set none).
 */
export async function submitRequest(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  input: SubmitInput,
  origin: RequestOrigin,
): Promise<RequestView> {
  const user = requireUser(actor);
  const { version, gate } = await gatedVersion(ctx, actor, model, input.revision);
  const answers = checkAnswers(gate, input.answers);
  if (gate.licenceAcceptance && !input.acceptLicence) {
    throw new HubError(
      "BAD_REQUEST",
      `acceptLicence: read the licence of ${model.fullName}@${version.name} (GET /api/models/${model.fullName}/access/form) and accept it to ask for access`,
      { field: "acceptLicence" },
    );
  }
  const grantee = await granteeFor(ctx, user, input.forOrg);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const verdict =
    gate.approval === "auto"
      ? ({ kind: "accept" } as const)
      : gate.approval === "manual" || gate.rule === null
        ? ({ kind: "pending" } as const)
        : runApprovalRule(
            gate.rule,
            answers,
            await requesterFacts(ctx, user, input.forOrg ?? null),
          );
  const status: AccessRequestStatus = verdict.kind === "accept" ? "accepted" : "pending";
  const id = newId("ar");
  const alreadyPending = (since: string): HubError =>
    new HubError(
      "CONFLICT",
      `${grantee.name} already asked for access to ${model.fullName} on ${since.slice(0, 10)}; the request is pending`,
    );
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      const last = await latestRequest(trx, model.id, grantee.id);
      if (last?.status === "pending") {
        throw alreadyPending(last.created_at);
      }
      if (last?.status === "rejected") {
        if (last.reapply_at === null) {
          throw new HubError(
            "FORBIDDEN",
            `access to ${model.fullName} was refused to ${grantee.name} on ${(last.decided_at ?? last.created_at).slice(0, 10)}, and its owners take no new request after a refusal`,
          );
        }
        if (last.reapply_at > at) {
          throw new HubError(
            "FORBIDDEN",
            `access to ${model.fullName} was refused to ${grantee.name}; you may ask again after ${last.reapply_at}`,
          );
        }
      }
      const live = await trx
        .selectFrom("access_grants")
        .select("id")
        .where("model_id", "=", model.id)
        .where("grantee_id", "=", grantee.id)
        .where("revoked_at", "is", null)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", at)]))
        .where((eb) => eb.or([eb("version_id", "is", null), eb("version_id", "=", version.id)]))
        .executeTakeFirst();
      if (live !== undefined) {
        throw new HubError(
          "BAD_REQUEST",
          `${grantee.name} already has access to ${model.fullName}; to accept a newer version's licence, use 'gatehouse access accept ${model.fullName}@${version.name}'`,
        );
      }
      await trx
        .insertInto("access_requests")
        .values({
          id,
          model_id: model.id,
          version_id: version.id,
          requester_id: user.userId,
          grantee_id: grantee.id,
          status,
          fields: JSON.stringify(answers),
          created_at: at,
          decided_at: status === "accepted" ? at : null,
          decided_by: null,
          rejection_reason: null,
          reapply_at: null,
        })
        .execute();
      await appendAuditEvent(trx, {
        actorId: user.userId,
        action: "access.request",
        resource: `model:${model.id}`,
        details: {
          request: id,
          version: version.id,
          grantee: grantee.id,
          status,
          approval: gate.approval,
          ...(verdict.kind === "error" ? { ruleError: verdict.message } : {}),
        },
        at: now,
        origin,
      });
      await enqueueEvent(trx, {
        type: "access.requested",
        namespaceId: model.namespace.id,
        at: now,
        data: {
          model: { id: model.id, name: model.fullName },
          version: { id: version.id, name: version.name },
          subject: { kind: grantee.kind, id: grantee.id },
          request: id,
          expiresAt: null,
        },
      });
      if (input.acceptLicence) {
        await recordAcceptance(ctx, trx, user, { model, version, answers, requestId: id }, origin);
      }
      if (status === "accepted") {
        await writeGrant(
          ctx,
          trx,
          null,
          {
            model,
            version: null,
            grantee: { id: grantee.id, kind: grantee.kind },
            requestId: id,
            expiresAt: expiryFrom(now, gate.grantDurationMs),
          },
          origin,
        );
      }
    })
    .catch((err: unknown) => {
      // A request submitted at the same moment got in first (access_requests_one_pending).
      throw isUniqueViolation(err) ? alreadyPending(at) : err;
    });
  return {
    id,
    model: model.fullName,
    version: version.name,
    requester: user.name,
    grantee: grantee.name,
    status,
    fields: answers,
    createdAt: at,
    decidedAt: status === "accepted" ? at : null,
    rejectionReason: null,
    reapplyAt: null,
  };
}

/** When a period of `durationMs` from `now` ends (a grant, a wait after a rejection); null for never. */
export const expiryFrom = (now: Date, durationMs: number | null): string | null =>
  durationMs === null ? null : new Date(now.getTime() + durationMs).toISOString();

/** A user or organisation named in an owner's decision; the Hub answers 404 for an unknown one. */
export async function namedGrantee(
  ctx: HubContext,
  name: string,
): Promise<{ id: string; name: string; kind: "user" | "org" }> {
  const ns = await findNamespace(ctx.db, name);
  if (ns === undefined) {
    throw new HubError("NOT_FOUND", `there is no user or organisation named "${name}"`);
  }
  return ns;
}

export interface Decision {
  /** The user (or organisation) whose request is decided. */
  readonly user: string;
  /** `pending` takes back an earlier decision, as the Hub's handle endpoint does. */
  readonly status: AccessRequestStatus;
  readonly rejectionReason?: string | undefined;
}

/**
 * Decides the newest request of a user or organisation: accepting grants
 * access to every gated version for the gate's duration; rejecting (or
 * moving back to pending) revokes what the request granted. As on the Hub,
 * 404 when there is no request or it is already in that list; here also 403
 * for deciding one's own request.
 */
export async function decideRequest(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  decision: Decision,
  origin: RequestOrigin,
): Promise<RequestView> {
  const user = requireUser(actor);
  const grantee = await namedGrantee(ctx, decision.user);
  const { gate } = await gatedVersion(ctx, actor, model, undefined);
  const now = ctx.clock.now();
  const at = now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const request = await latestRequest(trx, model.id, grantee.id);
    if (request === undefined) {
      throw new HubError(
        "NOT_FOUND",
        `${grantee.name} has not asked for access to ${model.fullName}`,
      );
    }
    if (request.status === decision.status) {
      throw new HubError(
        "NOT_FOUND",
        `the request of ${grantee.name} for ${model.fullName} is already ${request.status}`,
      );
    }
    if (request.requester_id === user.userId) {
      throw new HubError(
        "FORBIDDEN",
        `you asked for this access yourself; another owner or reviewer of ${model.fullName} must decide it`,
      );
    }
    const rejecting = decision.status === "rejected";
    // Null, the gate's `reapply_after: never`, keeps the refusal final.
    const reapplyAt = rejecting ? expiryFrom(now, gate.reapplyAfterMs) : null;
    await trx
      .updateTable("access_requests")
      .set({
        status: decision.status,
        decided_at: decision.status === "pending" ? null : at,
        decided_by: decision.status === "pending" ? null : user.userId,
        rejection_reason: rejecting ? (decision.rejectionReason ?? null) : null,
        reapply_at: reapplyAt,
      })
      .where("id", "=", request.id)
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "access.decide",
      resource: `model:${model.id}`,
      details: {
        request: request.id,
        grantee: grantee.id,
        from: request.status,
        to: decision.status,
      },
      at: now,
      origin,
    });
    if (decision.status === "accepted") {
      await writeGrant(
        ctx,
        trx,
        user.userId,
        {
          model,
          version: null,
          grantee: { id: grantee.id, kind: grantee.kind },
          requestId: request.id,
          expiresAt: expiryFrom(now, gate.grantDurationMs),
        },
        origin,
      );
    } else {
      await revokeGrants(
        ctx,
        trx,
        user,
        {
          model,
          grantee: { id: grantee.id, kind: grantee.kind },
          reason: decision.rejectionReason ?? `request ${decision.status}`,
        },
        origin,
      );
    }
    const [view] = await requestViews(trx, (q) => q.where("r.id", "=", request.id));
    if (view === undefined) {
      throw new Error(`request ${request.id} vanished inside its own transaction`);
    }
    return view;
  });
}

export interface DirectGrant {
  readonly user: string;
  /** One version's name, or every gated version when absent. */
  readonly version?: string;
  /** How long it lasts, in milliseconds; the gate's grant duration when absent. */
  readonly durationMs?: number;
}

/**
 * Grants access without a request (the Hub's `grant` endpoint), recorded as an
 * accepted request so it lists with the others. Refuses granting oneself, an
 * unknown user (404), and a model with no gated version (400).
 */
export async function grantAccess(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  input: DirectGrant,
  origin: RequestOrigin,
): Promise<{ grant: string; expiresAt: string | null }> {
  const user = requireUser(actor);
  const grantee = await namedGrantee(ctx, input.user);
  if (grantee.id === user.userId) {
    throw new HubError(
      "FORBIDDEN",
      `you may not grant yourself access to ${model.fullName}; another owner or reviewer must`,
    );
  }
  const { version, gate } = await gatedVersion(ctx, actor, model, input.version);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const expiresAt = expiryFrom(now, input.durationMs ?? gate.grantDurationMs);
  const grant = await ctx.db.transaction().execute(async (trx) => {
    const requestId = newId("ar");
    await trx
      .insertInto("access_requests")
      .values({
        id: requestId,
        model_id: model.id,
        version_id: version.id,
        requester_id: grantee.id,
        grantee_id: grantee.id,
        status: "accepted",
        fields: "{}",
        created_at: at,
        decided_at: at,
        decided_by: user.userId,
        rejection_reason: null,
        reapply_at: null,
      })
      .execute();
    return writeGrant(
      ctx,
      trx,
      user.userId,
      {
        model,
        version: input.version === undefined ? null : { id: version.id, name: version.name },
        grantee: { id: grantee.id, kind: grantee.kind },
        requestId,
        expiresAt,
      },
      origin,
    );
  });
  return { grant, expiresAt };
}

/**
 * Revokes a user's or organisation's access (to one version, or all): their
 * newest accepted request counts as rejected from now, with the reason, and
 * they may ask again as after any refusal.
 */
export async function revokeAccess(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  input: { user: string; version?: string | undefined; reason: string },
  origin: RequestOrigin,
): Promise<{ revoked: number }> {
  const user = requireUser(actor);
  const grantee = await namedGrantee(ctx, input.user);
  const { version, gate } = await gatedVersion(ctx, actor, model, input.version);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const revoked = await revokeGrants(
      ctx,
      trx,
      user,
      {
        model,
        grantee: { id: grantee.id, kind: grantee.kind },
        ...(input.version === undefined ? {} : { versionId: version.id }),
        reason: input.reason,
      },
      origin,
    );
    if (revoked === 0) {
      throw new HubError(
        "NOT_FOUND",
        `${grantee.name} holds no live grant of access to ${model.fullName}${input.version === undefined ? "" : `@${input.version}`}`,
      );
    }
    if (input.version === undefined) {
      const request = await latestRequest(trx, model.id, grantee.id);
      if (request?.status === "accepted") {
        await trx
          .updateTable("access_requests")
          .set({
            status: "rejected",
            decided_at: now.toISOString(),
            decided_by: user.userId,
            rejection_reason: `revoked: ${input.reason}`,
            reapply_at: expiryFrom(now, gate.reapplyAfterMs),
          })
          .where("id", "=", request.id)
          .execute();
      }
    }
    return { revoked };
  });
}

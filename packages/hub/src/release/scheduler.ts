import { type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { Db } from "../store/index.js";
import { reconsider, releaseTarget } from "./transitions.js";

/** Pending transitions looked at per run; the rest wait for the next. */
const BATCH = 50;

/**
 * The requester as the scheduler acts for them: their account, read fresh,
 * with the rights a write token would give. A transition runs with the
 * authority of whoever asked for it; if they lost it, it does not run.
 */
async function requesterActor(db: Db, userId: string | null): Promise<Actor | null> {
  if (userId === null) {
    return null;
  }
  const row = await db
    .selectFrom("users as u")
    .innerJoin("namespaces as n", "n.id", "u.id")
    .select(["u.id", "u.is_admin", "n.name"])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  if (row === undefined) {
    return null;
  }
  const isAdmin = row.is_admin === 1;
  return {
    kind: "user",
    userId: row.id,
    name: row.name,
    isAdmin,
    token: {
      id: "scheduler",
      name: "scheduler",
      scopes: isAdmin ? ["read", "write", "admin"] : ["read", "write"],
      modelId: null,
      createdAt: new Date(0).toISOString(),
      expiresAt: null,
    },
  };
}

/**
 * Runs the pending transitions that are due: embargoes whose time has come,
 * and those waiting on time in a stage. Each is decided again by the policy
 * in force now and applied in its own transaction. With several hub processes
 * on one PostgreSQL database, `for update skip locked` hands each transition
 * to one of them, and the transition's conditional status change makes it
 * run exactly once whatever happens; on SQLite, writers take turns.
 * Returns how many ran.
 */
export async function runDueTransitions(ctx: HubContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const due = await ctx.db
    .selectFrom("transitions")
    .select("id")
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("run_at", "is", null), eb("run_at", "<=", now)]))
    .orderBy("requested_at")
    .limit(BATCH)
    .execute();
  let ran = 0;
  for (const { id } of due) {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      let claim = trx
        .selectFrom("transitions as t")
        .innerJoin("versions as v", "v.id", "t.version_id")
        .innerJoin("models as m", "m.id", "v.model_id")
        .innerJoin("namespaces as n", "n.id", "m.namespace_id")
        .select([
          "t.id",
          "t.requested_by",
          "v.name as version",
          "m.name as model",
          "n.name as namespace",
        ])
        .where("t.id", "=", id)
        .where("t.status", "=", "pending");
      if (ctx.store.dialect === "postgres") {
        claim = claim.forUpdate("t").skipLocked();
      }
      const row = await claim.executeTakeFirst();
      if (row === undefined) {
        return "taken";
      }
      const actor = await requesterActor(trx, row.requested_by);
      const refuse = async (why: string) => {
        await trx
          .updateTable("transitions")
          .set({
            status: "refused",
            decided_at: now,
            outcome: JSON.stringify({ outcome: "refuse", results: [], policyHash: "", why }),
          })
          .where("id", "=", id)
          .where("status", "=", "pending")
          .execute();
        return "refused" as const;
      };
      if (actor === null) {
        return refuse("the account that requested it no longer exists");
      }
      try {
        const target = await releaseTarget(
          { ...ctx, db: trx },
          actor,
          { namespace: row.namespace, name: row.model },
          row.version,
        );
        return await reconsider(
          { ...ctx, db: trx },
          trx,
          actor,
          target,
          id,
          actor.kind === "user" ? actor.userId : null,
          undefined,
          true,
        );
      } catch (err) {
        if (err instanceof HubError && err.status < 500) {
          return refuse(err.message);
        }
        throw err;
      }
    });
    if (outcome === "done") {
      ran += 1;
    }
  }
  return ran;
}

/** Runs due transitions every `intervalMs` until stopped; a failed run is logged, the next tries again. */
export function startScheduler(
  ctx: HubContext,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) {
      return;
    }
    running = true;
    runDueTransitions(ctx)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

import {
  authorize,
  findNamespace,
  relationTo,
  requireScope,
  requireUnrestricted,
  type Actor,
  type Namespace,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel } from "../registry/index.js";
import type { Db, WebhookSubscriptionsTable } from "../store/index.js";

/** What a route names: a model (`namespace/name`), or a whole namespace (name null). */
export interface WebhookTarget {
  readonly namespace: string;
  readonly name: string | null;
}

/** The model or namespace whose subscriptions the caller manages, once they are found to. */
export interface WebhookScope {
  readonly namespace: Namespace;
  /** Null for the namespace's own subscriptions. */
  readonly model: { readonly id: string; readonly fullName: string } | null;
  /** How refusals and views name it: `namespace/name` or `namespace`. */
  readonly label: string;
}

/**
 * Finds the scope and decides whether the caller may manage its webhooks:
 * owners and maintainers (of the organisation, or the user whose namespace it
 * is) and hub administrators, with a write token. A caller who may not see
 * the model gets the answer for a model that does not exist.
 */
export async function webhookScope(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
): Promise<WebhookScope> {
  if (target.name !== null) {
    const model = await loadModel(
      ctx,
      actor,
      target.namespace,
      target.name,
      "model.manage-webhooks",
    );
    return {
      namespace: model.namespace,
      model: { id: model.id, fullName: model.fullName },
      label: model.fullName,
    };
  }
  requireScope(actor, "write");
  requireUnrestricted(actor, "manage a namespace's webhooks");
  const namespace = await findNamespace(ctx.db, target.namespace);
  if (namespace === undefined) {
    throw new HubError("NOT_FOUND", `no user or organisation is named "${target.namespace}"`);
  }
  const decision = authorize(actor, "namespace.manage-webhooks", {
    modelId: null,
    stage: "private",
    relation: await relationTo(ctx.db, actor, namespace),
    tester: false,
  });
  if (!decision.allowed) {
    throw new HubError(
      "FORBIDDEN",
      namespace.kind === "user"
        ? `only ${namespace.name} may manage the webhooks of their namespace`
        : `only owners and maintainers of "${namespace.name}" may manage its webhooks`,
    );
  }
  return { namespace, model: null, label: namespace.name };
}

/** A subscription of the scope by id, or a 404 (also for one that belongs elsewhere). */
export async function subscriptionIn(
  db: Db,
  scope: WebhookScope,
  id: string,
): Promise<WebhookSubscriptionsTable> {
  const row = await db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("id", "=", id)
    .where("namespace_id", "=", scope.namespace.id)
    .where((eb) =>
      scope.model === null ? eb("model_id", "is", null) : eb("model_id", "=", scope.model.id),
    )
    .executeTakeFirst();
  if (row === undefined) {
    throw new HubError("NOT_FOUND", `${scope.label} has no webhook subscription ${id}`);
  }
  return row;
}

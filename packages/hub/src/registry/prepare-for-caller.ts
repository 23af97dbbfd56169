import type { Compilable } from "kysely";
import { actorIdOf, type Actor } from "../auth/index.js";
import { prepareQuery, type Db } from "../store/index.js";

/** The shape of caller a query's SQL depends on; the ids themselves are parameters. */
type CallerShape = "anonymous" | "admin" | "user" | "admin-restricted" | "user-restricted";

/** The parameters every query prepared by {@link prepareForCaller} takes from the caller. */
type CallerParameter = "userId" | "tokenModel";

function shapeOf(actor: Actor): CallerShape {
  if (actor.kind === "anonymous") {
    return "anonymous";
  }
  const base = actor.isAdmin ? "admin" : "user";
  return actor.token.modelId === null ? base : `${base}-restricted`;
}

/**
 * A caller of `shape` whose user id and token model are the prepared query's
 * parameters. Its token has the `read` scope, which every token holds (each
 * scope implies it), so it stands only for queries over read actions.
 */
function parameterActor(shape: CallerShape, p: (name: CallerParameter) => string): Actor {
  if (shape === "anonymous") {
    return { kind: "anonymous" };
  }
  return {
    kind: "user",
    userId: p("userId"),
    name: "",
    isAdmin: shape.startsWith("admin"),
    token: {
      id: "",
      name: "",
      scopes: ["read"],
      modelId: shape.endsWith("restricted") ? p("tokenModel") : null,
      createdAt: "",
      expiresAt: null,
    },
  };
}

/**
 * A query whose SQL holds an access filter for the caller (the stage table's
 * `version.see` and the like), prepared once per shape of caller (anonymous,
 * administrator or not, token restricted to a model or not) with the caller's
 * user id and token model as parameters, so that a request runs it without
 * building or compiling it. Only for read actions: the stand-in caller it is
 * built for holds the `read` scope alone.
 *
 * @example
 * const seen = prepareForCaller(["modelId"], (db, p, caller) =>
 *   db.selectFrom("versions as v").select("v.id").where("v.model_id", "=", p("modelId")).where(seesVersion(caller)),
 * );
 * const rows = await seen(db, actor, { modelId });
 */
export function prepareForCaller<N extends string, R>(
  names: readonly N[],
  build: (db: Db, param: (name: N | CallerParameter) => string, caller: Actor) => Compilable<R>,
): (db: Db, actor: Actor, values: Readonly<Record<N, unknown>>) => Promise<readonly Readonly<R>[]> {
  const all: readonly (N | CallerParameter)[] = [...names, "userId", "tokenModel"];
  const prepare = (shape: CallerShape) =>
    prepareQuery(all, (db, p) => build(db, p, parameterActor(shape, p)));
  const byShape: Record<CallerShape, ReturnType<typeof prepare>> = {
    anonymous: prepare("anonymous"),
    admin: prepare("admin"),
    user: prepare("user"),
    "admin-restricted": prepare("admin-restricted"),
    "user-restricted": prepare("user-restricted"),
  };
  return (db, actor, values) =>
    byShape[shapeOf(actor)](db, {
      ...values,
      userId: actorIdOf(actor) ?? "",
      tokenModel: actor.kind === "user" ? (actor.token.modelId ?? "") : "",
    });
}

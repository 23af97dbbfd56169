import { Value } from "typebox/value";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import {
  LimitSpecSchema,
  specProblem,
  type FileLimits,
  type LimitSpec,
  type PolicyLimits,
  type Tier,
  type TierFacts,
} from "../limits/index.js";
import { DOUBLE, INT, STRING, type CelShape } from "./cel-types.js";

/** The variables a tier's `qualify` expression may read (TierFacts). */
export const TIER_VARIABLES: Readonly<Record<string, CelShape>> = {
  account: {
    kind: "object",
    name: "account",
    fields: {
      kind: { kind: "string", values: ["user", "org"], what: "account kind" },
      name: STRING,
      age_days: INT,
    },
  },
  usage: {
    kind: "object",
    name: "usage",
    fields: { calls_7d: INT, calls_30d: INT, errors_30d: INT, error_rate_30d: DOUBLE },
  },
};

/** Compiles a boolean CEL expression over `variables`, or throws a PolicyLoadError at its line. */
export type CompileBool = (
  source: string,
  node: Node | undefined,
  key: string,
  variables: Readonly<Record<string, CelShape>>,
) => (variables: Record<string, unknown>) => unknown;

/** How a section reports a fault: the node at fault and what to fix. */
export type SectionFault = (node: Node | null | undefined, reason: string) => never;

const TIER_KEYS = new Set(["name", "description", "qualify", "limits", "weight"]);
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The CEL values of a tier's facts: counts as CEL ints, so arithmetic on them stays whole. */
function celFacts(facts: TierFacts): Record<string, unknown> {
  const { account, usage } = facts;
  return {
    account: new Map<string, unknown>([
      ["kind", account.kind],
      ["name", account.name],
      ["age_days", BigInt(account.age_days)],
    ]),
    usage: new Map<string, unknown>([
      ["calls_7d", BigInt(usage.calls_7d)],
      ["calls_30d", BigInt(usage.calls_30d)],
      ["errors_30d", BigInt(usage.errors_30d)],
      ["error_rate_30d", usage.error_rate_30d],
    ]),
  };
}

/** A limit spec written in a policy file, checked as the API checks one; `field` names it in messages. */
function limitSpecAt(node: Node, field: string, fault: SectionFault): LimitSpec {
  const value: unknown = node.toJSON();
  const error = Value.Errors(LimitSpecSchema, value)[0];
  if (error !== undefined) {
    const path = error.instancePath.split("/").slice(1);
    // A field the schema does not know fails as `false` at its own path.
    if (error.keyword === "boolean" && path.length > 0) {
      const unknown = path.pop();
      fault(node, `\`${[field, ...path].join(".")}\` has unknown field ${JSON.stringify(unknown)}`);
    }
    const extra = (error.params as { additionalProperties?: unknown }).additionalProperties;
    const where = [field, ...path].join(".");
    fault(
      node,
      Array.isArray(extra)
        ? `\`${where}\` has unknown field ${extra.map((e) => JSON.stringify(e)).join(", ")}`
        : `\`${where}\` ${error.message}`,
    );
  }
  const spec = value as LimitSpec;
  const problem = specProblem(spec);
  if (problem !== null) {
    fault(node, `\`${field}\`: ${problem}`);
  }
  return spec;
}

/**
 * The `tiers:` section: a list, lowest tier first, of `{name, description?,
 * qualify?, limits?, weight?}`. `qualify` is CEL over TIER_VARIABLES; a tier
 * without it is reached only by an administrator's approval. `weight`
 * (default 1) is the tier's fair share of a saturated model.
 */
export function loadTiers(
  node: Node,
  file: string,
  lineAt: (node: Node | null | undefined) => number,
  compileBool: CompileBool,
  fault: SectionFault,
): Tier[] {
  if (!isSeq(node)) {
    return fault(node, "`tiers:` must be a list of tiers, the lowest first");
  }
  const tiers: Tier[] = [];
  for (const item of node.items as Node[]) {
    if (!isMap(item)) {
      return fault(item, "each tier is a mapping with name, qualify, limits and weight");
    }
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? pair.key.value : null;
      if (typeof key !== "string" || !TIER_KEYS.has(key)) {
        fault(
          pair.key as Node,
          `unknown tier key ${JSON.stringify(key)}; a tier has ${[...TIER_KEYS].join(", ")}`,
        );
      }
    }
    const nameNode = item.get("name", true) as Node | undefined;
    const name = isScalar(nameNode) ? nameNode.value : null;
    if (typeof name !== "string" || !NAME.test(name)) {
      return fault(nameNode ?? item, "`tiers[].name` must be lower-case letters, digits and -");
    }
    if (tiers.some((t) => t.name === name)) {
      return fault(nameNode, `tier '${name}' is defined twice`);
    }
    const qualifyNode = item.get("qualify", true) as Node | undefined;
    let qualify: string | null = null;
    let qualifies: Tier["qualifies"] = null;
    if (qualifyNode !== undefined && !(isScalar(qualifyNode) && qualifyNode.value === null)) {
      const text = isScalar(qualifyNode) ? qualifyNode.value : null;
      if (typeof text !== "string" && typeof text !== "boolean") {
        return fault(qualifyNode, `\`tiers.${name}.qualify\` must be a CEL expression`);
      }
      qualify = String(text);
      const program = compileBool(qualify, qualifyNode, `tiers.${name}.qualify`, TIER_VARIABLES);
      qualifies = (facts) => {
        const result = program(celFacts(facts));
        if (typeof result !== "boolean") {
          throw new Error(
            result instanceof Error ? result.message : `gave ${typeof result}, not true or false`,
          );
        }
        return result;
      };
    }
    const limitsNode = item.get("limits", true) as Node | undefined;
    const limits =
      limitsNode === undefined ? null : limitSpecAt(limitsNode, `tiers.${name}.limits`, fault);
    const weightNode = item.get("weight", true) as Node | undefined;
    const weight = weightNode === undefined ? 1 : isScalar(weightNode) ? weightNode.value : null;
    if (typeof weight !== "number" || !(weight > 0 && weight <= 1000)) {
      return fault(weightNode, `\`tiers.${name}.weight\` must be a number above 0, at most 1000`);
    }
    tiers.push({
      name,
      rank: tiers.length,
      qualify,
      qualifies,
      limits,
      weight,
      source: `${file}:${lineAt(nameNode)}`,
    });
  }
  return tiers;
}

const LIMIT_KEYS = ["default", "users", "orgs", "versions"] as const;
const VERSION_REF = /^[^/@\s]+\/[^/@\s]+@[^/@\s]+$/;

/**
 * The `limits:` section: `default` (a spec), and `users`, `orgs` and
 * `versions` (`namespace/name@version`), each a mapping of names to specs.
 */
export function loadLimits(node: Node, file: string, fault: SectionFault): PolicyLimits {
  if (!isMap(node)) {
    return fault(node, "`limits:` must be a mapping with default, users, orgs and versions");
  }
  const named = {
    users: new Map<string, FileLimits>(),
    orgs: new Map<string, FileLimits>(),
    versions: new Map<string, FileLimits>(),
  };
  let byDefault: FileLimits | null = null;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : null;
    const value = pair.value as Node | null;
    if (!LIMIT_KEYS.includes(key as (typeof LIMIT_KEYS)[number])) {
      fault(
        pair.key as Node,
        `unknown key ${JSON.stringify(key)} in \`limits:\`; it has ${LIMIT_KEYS.join(", ")}`,
      );
    }
    if (value === null) {
      fault(pair.key as Node, `\`limits.${String(key)}\` is empty`);
    }
    if (key === "default") {
      byDefault = { spec: limitSpecAt(value, "limits.default", fault), file };
      continue;
    }
    const map = named[key as "users" | "orgs" | "versions"];
    if (!isMap(value)) {
      return fault(value, `\`limits.${String(key)}\` must map names to limits`);
    }
    for (const entry of value.items) {
      const name = isScalar(entry.key) ? entry.key.value : null;
      if (typeof name !== "string" || (key === "versions" && !VERSION_REF.test(name))) {
        fault(
          entry.key as Node,
          key === "versions"
            ? `\`limits.versions\` names versions as namespace/name@version, not ${JSON.stringify(name)}`
            : `\`limits.${String(key)}\` names must be text`,
        );
      }
      const field = `limits.${String(key)}.${name}`;
      map.set(name, { spec: limitSpecAt(entry.value as Node, field, fault), file });
    }
  }
  return { default: byDefault, ...named };
}

/** Limits of several files in one: a scope set in two files is a fault of the second. */
export function mergeLimits(
  all: readonly { readonly limits: PolicyLimits; readonly file: string }[],
): PolicyLimits | { readonly clash: string; readonly file: string } {
  let byDefault: FileLimits | null = null;
  const users = new Map<string, FileLimits>();
  const orgs = new Map<string, FileLimits>();
  const versions = new Map<string, FileLimits>();
  for (const { limits, file } of all) {
    if (limits.default !== null) {
      if (byDefault !== null) {
        return { clash: `limits.default is already set in ${byDefault.file}`, file };
      }
      byDefault = limits.default;
    }
    for (const [kind, into, from] of [
      ["users", users, limits.users],
      ["orgs", orgs, limits.orgs],
      ["versions", versions, limits.versions],
    ] as const) {
      for (const [name, set] of from) {
        const before = into.get(name);
        if (before !== undefined) {
          return { clash: `limits.${kind}.${name} is already set in ${before.file}`, file };
        }
        into.set(name, set);
      }
    }
  }
  return { default: byDefault, users, orgs, versions };
}

import { isMap, isScalar, isSeq, type Node } from "yaml";
import {
  SIGNAL_ACTIONS,
  SIGNAL_KIND_NAMES,
  type SignalAction,
  type SignalFacts,
  type SignalRule,
} from "../limits/index.js";
import { DYN, INT, STAGE, STRING, nullable, oneOf, type CelShape } from "./cel-types.js";
import type { CompileBool, SectionFault } from "./usage-sections.js";

/** The variables a signal rule's `when` may read (SignalFacts). */
export const SIGNAL_VARIABLES: Readonly<Record<string, CelShape>> = {
  signal: {
    kind: "object",
    name: "signal",
    fields: {
      kind: oneOf("signal kind", SIGNAL_KIND_NAMES),
      subject: oneOf("signal subject", ["token", "user", "address"]),
      count: INT,
      trips: INT,
      details: { kind: "map", value: DYN },
    },
  },
  model: nullable({ kind: "object", name: "model", fields: { name: STRING, namespace: STRING } }),
  version: nullable({
    kind: "object",
    name: "version",
    fields: { name: STRING, stage: STAGE },
  }),
  caller: {
    kind: "object",
    name: "caller",
    fields: { user: nullable(STRING), tier: nullable(STRING) },
  },
};

const RULE_KEYS = new Set(["id", "description", "when", "action"]);
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** Whole numbers as CEL ints, so that `signal.details.calls > 100` compares whole numbers. */
const celNumber = (value: unknown): unknown =>
  typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;

/** The CEL values of a signal's facts. */
function celFacts(facts: SignalFacts): Record<string, unknown> {
  const { signal, model, version, caller } = facts;
  const map = (o: object): Map<string, unknown> =>
    new Map(Object.entries(o).map(([k, v]) => [k, celNumber(v)]));
  return {
    signal: new Map<string, unknown>([
      ["kind", signal.kind],
      ["subject", signal.subject],
      ["count", BigInt(signal.count)],
      ["trips", BigInt(signal.trips)],
      ["details", map(signal.details)],
    ]),
    model: model === null ? null : map(model),
    version: version === null ? null : map(version),
    caller: map(caller),
  };
}

/**
 * The `signals:` section: a list of `{id, description?, when, action}`, where
 * `when` is CEL over SIGNAL_VARIABLES and `action` is notify, throttle or
 * suspend. Each trip of a signal is judged by every rule (limits/signal-rules.ts).
 */
export function loadSignalRules(
  node: Node,
  file: string,
  lineAt: (node: Node | null | undefined) => number,
  compileBool: CompileBool,
  fault: SectionFault,
): SignalRule[] {
  if (!isSeq(node)) {
    return fault(node, "`signals:` must be a list of rules with id, when and action");
  }
  const rules: SignalRule[] = [];
  for (const item of node.items as Node[]) {
    if (!isMap(item)) {
      return fault(item, "each signal rule is a mapping with id, description, when and action");
    }
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? pair.key.value : null;
      if (typeof key !== "string" || !RULE_KEYS.has(key)) {
        fault(
          pair.key as Node,
          `unknown signal rule key ${JSON.stringify(key)}; a signal rule has ${[...RULE_KEYS].join(", ")}`,
        );
      }
    }
    const idNode = item.get("id", true) as Node | undefined;
    const id = isScalar(idNode) ? idNode.value : null;
    if (typeof id !== "string" || !ID.test(id)) {
      return fault(idNode ?? item, "`signals[].id` must be lower-case letters, digits and -");
    }
    if (rules.some((r) => r.id === id)) {
      return fault(idNode, `signal rule '${id}' is defined twice`);
    }
    const descriptionNode = item.get("description", true) as Node | undefined;
    const description = descriptionNode === undefined ? "" : (descriptionNode.toJSON() as unknown);
    if (typeof description !== "string") {
      return fault(descriptionNode, `\`signals.${id}.description\` must be text`);
    }
    const whenNode = item.get("when", true) as Node | undefined;
    const when = isScalar(whenNode) ? whenNode.value : null;
    if (typeof when !== "string" && typeof when !== "boolean") {
      return fault(
        whenNode ?? item,
        `\`signals.${id}.when\` must be a CEL expression, e.g. signal.kind == "near_duplicates"`,
      );
    }
    const actionNode = item.get("action", true) as Node | undefined;
    const action = isScalar(actionNode) ? actionNode.value : null;
    if (!SIGNAL_ACTIONS.includes(action as SignalAction)) {
      return fault(
        actionNode ?? item,
        `\`signals.${id}.action\` must be one of ${SIGNAL_ACTIONS.join(", ")}`,
      );
    }
    const program = compileBool(String(when), whenNode, `signals.${id}.when`, SIGNAL_VARIABLES);
    rules.push({
      id,
      description,
      when: String(when),
      action: action as SignalAction,
      matches: (facts) => {
        const result = program(celFacts(facts));
        if (typeof result !== "boolean") {
          throw new Error(
            result instanceof Error ? result.message : `gave ${typeof result}, not true or false`,
          );
        }
        return result;
      },
      source: `${file}:${lineAt(idNode)}`,
    });
  }
  return rules;
}

import { isCelError } from "@bufbuild/cel";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { POLICY_VARIABLES, type CelShape } from "./cel-types.js";
import type { Awaits, CelProgram, PolicySet } from "./load-policy.js";
import type { Finding, PolicyInput } from "./policy-input.js";

/** What one rule made of one transition. */
export interface RuleResult {
  readonly id: string;
  readonly description: string;
  /** Whether its `when` held (always true for a rule without one). */
  readonly applies: boolean;
  /** True when it does not apply, holds, or was overridden. */
  readonly passed: boolean;
  /** The rule's message when it failed (with the CEL error when it could not be evaluated), else null. */
  readonly message: string | null;
  /** The rule's `require` text. */
  readonly expression: string;
  readonly awaits: Awaits;
  /** Whether it failed and an admin override made it pass. */
  readonly overridden: boolean;
  /**
   * When it failed: the findings of the checks its expression reads (card
   * lint, lineage), which say what to change where the rule only says "clean".
   */
  readonly findings: readonly Finding[];
}

/** The checks a rule may read as a whole (`lineage.clean`), each with the findings that explain it. */
const CHECKS = [
  { variable: /\bcardLint\.clean\b/, findings: (input: PolicyInput) => input.cardLint.findings },
  { variable: /\blineage\.clean\b/, findings: (input: PolicyInput) => input.lineage.findings },
] as const;

/** The findings behind a failed rule: those of every check whose verdict its expression reads. */
function findingsFor(expression: string, input: PolicyInput): readonly Finding[] {
  return CHECKS.flatMap((c) => (c.variable.test(expression) ? c.findings(input) : []));
}

/**
 * A policy decision: `refuse` when an applicable rule failed that does not
 * await anything, `pending` when the only failures await sign-offs or time,
 * `allow` otherwise.
 */
export interface PolicyDecision {
  readonly outcome: "allow" | "pending" | "refuse";
  readonly results: readonly RuleResult[];
  readonly policyHash: string;
}

/** A value as CEL reads it: ISO times become timestamps, objects become maps. */
function toCel(shape: CelShape, value: unknown): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  const s = shape.kind === "nullable" ? shape.of : shape;
  switch (s.kind) {
    case "timestamp": {
      const date = typeof value === "string" ? new Date(value) : null;
      // An unreadable time stays a string, so a rule reading it fails with a CEL error instead of the whole decision.
      return date !== null && !Number.isNaN(date.getTime()) ? timestampFromDate(date) : value;
    }
    case "list":
      return Array.isArray(value) ? value.map((v: unknown) => toCel(s.elem, v)) : value;
    case "map":
      return typeof value === "object" ? dynamic(value) : value;
    case "object": {
      if (typeof value !== "object") {
        return value;
      }
      const fields = value as Record<string, unknown>;
      return new Map(Object.entries(s.fields).map(([k, f]) => [k, toCel(f, fields[k])]));
    }
    default:
      return value;
  }
}

/** Free-form data (the card): maps and lists all the way down; what CEL cannot hold becomes null. */
function dynamic(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(dynamic);
  }
  if (value instanceof Date) {
    return timestampFromDate(value);
  }
  if (typeof value === "object" && value !== null) {
    return new Map(Object.entries(value).map(([k, v]) => [k, dynamic(v)]));
  }
  if (["string", "number", "boolean", "bigint"].includes(typeof value)) {
    return value;
  }
  return null;
}

/** The CEL variables of a PolicyInput, converted once per decision and shared by every rule. */
export function policyVariables(input: PolicyInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(POLICY_VARIABLES)) {
    out[name] = toCel(shape, (input as unknown as Record<string, unknown>)[name]);
  }
  return out;
}

type Outcome =
  { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly error: string };

function run(program: CelProgram, variables: Record<string, unknown>): Outcome {
  try {
    const result = program(variables);
    if (isCelError(result)) {
      return { ok: false, error: result.message };
    }
    if (typeof result !== "boolean") {
      return { ok: false, error: `gave ${typeof result}, not true or false` };
    }
    return { ok: true, value: result };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Evaluates every rule of a policy set against one transition. Pure: never
 * throws and reads nothing but its arguments. A rule whose expression errors
 * at run time (a missing card field, an unreadable time) counts as failed,
 * with the CEL error in its message. When `input.transition.override` is set,
 * failed rules marked `override: true` pass and are reported as overridden.
 *
 * @example evaluatePolicy(await loadPolicies([DEFAULT_POLICY_FILE]), input).outcome // "allow"
 */
export function evaluatePolicy(policies: PolicySet, input: PolicyInput): PolicyDecision {
  let variables: Record<string, unknown>;
  try {
    variables = policyVariables(input);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      outcome: "refuse",
      policyHash: policies.hash,
      results: policies.rules.map((r) => ({
        id: r.id,
        description: r.description,
        applies: true,
        passed: false,
        message: `${r.message} (the input could not be read: ${why})`,
        expression: r.require,
        awaits: r.awaits,
        overridden: false,
        findings: [],
      })),
    };
  }
  const results = policies.rules.map((rule): RuleResult => {
    const base = {
      id: rule.id,
      description: rule.description,
      expression: rule.require,
      awaits: rule.awaits,
    };
    const when =
      rule.whenProgram === null
        ? ({ ok: true, value: true } as const)
        : run(rule.whenProgram, variables);
    const passed = { applies: true, passed: true, message: null, overridden: false, findings: [] };
    if (when.ok && !when.value) {
      return { ...base, ...passed, applies: false };
    }
    const held = when.ok ? run(rule.requireProgram, variables) : when;
    if (held.ok && held.value) {
      return { ...base, ...passed };
    }
    if (rule.override && input.transition.override) {
      return { ...base, ...passed, message: rule.message, overridden: true };
    }
    const message = held.ok
      ? rule.message
      : `${rule.message} (CEL error in ${when.ok ? "require" : "when"}: ${held.error})`;
    // A rule that could not be evaluated failed for its CEL error, not for a check's findings.
    const findings = held.ok ? findingsFor(rule.require, input) : [];
    return { ...base, applies: true, passed: false, message, overridden: false, findings };
  });
  const failed = results.filter((r) => !r.passed);
  const outcome =
    failed.length === 0 ? "allow" : failed.every((r) => r.awaits !== null) ? "pending" : "refuse";
  return { outcome, results, policyHash: policies.hash };
}

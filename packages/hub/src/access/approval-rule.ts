import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import {
  DOUBLE,
  DYN,
  STRING,
  checkExpression,
  listOf,
  nullable,
  type CelShape,
} from "../release/index.js";
import type { Answers } from "./check-answers.js";

/** Who asks, as an approval rule sees them. */
export interface Requester {
  readonly name: string;
  /** Days since the account was created. */
  readonly accountAgeDays: number;
  /** The organisations they belong to, by name. */
  readonly orgs: readonly string[];
  /** The part of their e-mail address after `@`, when they have one. */
  readonly emailDomain: string | null;
  /** The organisation the request is made for, or null for themselves. */
  readonly forOrg: string | null;
}

/** The variables an approval rule may read, with their CEL shapes. */
const RULE_VARIABLES: Readonly<Record<string, CelShape>> = {
  answers: { kind: "map", value: DYN },
  requester: {
    kind: "object",
    name: "requester",
    fields: {
      name: STRING,
      accountAgeDays: DOUBLE,
      orgs: listOf(STRING),
      emailDomain: nullable(STRING),
      forOrg: nullable(STRING),
    } satisfies Record<keyof Requester, CelShape>,
  },
};

/** The outcome of an approval rule: accepted, left for a person to decide, or broken. */
export type RuleVerdict =
  | { readonly kind: "accept" }
  | { readonly kind: "pending" }
  | { readonly kind: "error"; readonly message: string };

/**
 * Checks an approval rule's CEL before any request reaches it; returns what
 * is wrong, or null. The card check runs it when a version is published.
 *
 * @example approvalRuleProblem("requester.accountAgeDays >= 30.0") // null
 */
export function approvalRuleProblem(rule: string): string | null {
  try {
    const shape = checkExpression(parse(rule).expr, RULE_VARIABLES);
    return shape.kind === "bool" || shape.kind === "dyn"
      ? null
      : `must be true or false, but gives a ${shape.kind}`;
  } catch (err) {
    // CelTypeError and the parser's syntax errors alike.
    return err instanceof Error ? err.message.replace(/^<input>:/, "") : String(err);
  }
}

/** CEL counts in integers: whole answers become ints so `answers["Team size"] < 50` compares. */
const celValue = (v: string | boolean | number): unknown =>
  typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : v;

/**
 * Runs an approval rule over a request: true accepts it, false leaves it
 * pending for a person, an error leaves it pending with the reason recorded.
 */
export function runApprovalRule(rule: string, answers: Answers, requester: Requester): RuleVerdict {
  const problem = approvalRuleProblem(rule);
  if (problem !== null) {
    return { kind: "error", message: problem };
  }
  try {
    // Variables are plain Maps, as the policy engine passes them (release/evaluate-policy.ts).
    const program = plan(celEnv(), parse(rule)) as (vars: Record<string, unknown>) => unknown;
    const result = program({
      answers: new Map(Object.entries(answers).map(([k, v]) => [k, celValue(v)])),
      requester: new Map<string, unknown>([
        ["name", requester.name],
        ["accountAgeDays", requester.accountAgeDays],
        ["orgs", [...requester.orgs]],
        ["emailDomain", requester.emailDomain],
        ["forOrg", requester.forOrg],
      ]),
    });
    if (isCelError(result)) {
      return { kind: "error", message: result.message };
    }
    if (typeof result !== "boolean") {
      return { kind: "error", message: `gave ${typeof result}, not true or false` };
    }
    return result ? { kind: "accept" } : { kind: "pending" };
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
}

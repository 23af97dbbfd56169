import { evaluatePolicy, type PolicyDecision } from "./evaluate-policy.js";
import type { PolicySet } from "./load-policy.js";
import type { PolicyInput } from "./policy-input.js";

/** Someone who may still sign a transition, with the roles they would sign with. */
export interface PossibleSigner {
  readonly user: string;
  readonly roles: readonly string[];
}

/** How many more approvals, at most, the search tries; past it the answer is "cannot tell". */
export const MAX_EXTRA_APPROVALS = 3;

const awaitsSignoffs = (decision: PolicyDecision): boolean =>
  decision.results.some((r) => !r.passed && r.awaits === "signoffs");

/** Every way of choosing `k` of `items`, in order. */
function* choose<T>(items: readonly T[], k: number, from = 0): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - k; i += 1) {
    const item = items[i] as T;
    for (const rest of choose(items, k - 1, i + 1)) {
      yield [item, ...rest];
    }
  }
}

/**
 * How many more approvals the rules that await sign-offs need before they all
 * hold: 0 when none waits, else the fewest of `candidates` whose approvals
 * (each replacing what that person signed before, so a reviewer who rejected
 * counts once they approve) would satisfy every such rule, found by trying
 * them, since a rule is an expression and says no number. Null when no choice
 * of up to `MAX_EXTRA_APPROVALS` candidates would: the people who could sign
 * lack a role a rule asks for, or more are needed than are tried. Rules that
 * await time or refuse are not its concern. Pure, like `evaluatePolicy`.
 *
 * @example approvalsNeeded(policy, input, [{ user: "rob", roles: ["reviewer"] }]) // 1
 */
export function approvalsNeeded(
  policies: PolicySet,
  input: PolicyInput,
  candidates: readonly PossibleSigner[],
): number | null {
  if (!awaitsSignoffs(evaluatePolicy(policies, input))) {
    return 0;
  }
  const approved = new Set(
    input.signoffs.filter((s) => s.verdict === "approve").map((s) => s.user),
  );
  const pool = candidates.filter((c) => c.user !== input.version.author && !approved.has(c.user));
  for (let k = 1; k <= Math.min(MAX_EXTRA_APPROVALS, pool.length); k += 1) {
    for (const chosen of choose(pool, k)) {
      const names = new Set(chosen.map((c) => c.user));
      const signoffs = [
        ...input.signoffs.filter((s) => !names.has(s.user)),
        ...chosen.map((c) => ({
          user: c.user,
          roles: c.roles,
          verdict: "approve" as const,
          at: input.now,
        })),
      ];
      if (!awaitsSignoffs(evaluatePolicy(policies, { ...input, signoffs }))) {
        return k;
      }
    }
  }
  return null;
}

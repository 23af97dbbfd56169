import type { SignalAction, SignalKind, SignalSubjectKind } from "./signal-kinds.js";

/**
 * What a signal rule's `when` reads: the signal as it stands after a trip,
 * the version the latest tripping call named (null for calls that reached
 * none, such as probes answered 401 or 404), and the caller.
 */
export interface SignalFacts {
  readonly signal: {
    readonly kind: SignalKind;
    readonly subject: SignalSubjectKind;
    /** The calls counted by its trips so far, this one included. */
    readonly count: number;
    /** Its trips so far, this one included: 1 when it opens. */
    readonly trips: number;
    /** What the detector saw at this trip (calls, baseline, addresses, …). */
    readonly details: Readonly<Record<string, unknown>>;
  };
  readonly model: { readonly name: string; readonly namespace: string } | null;
  readonly version: { readonly name: string; readonly stage: string } | null;
  readonly caller: {
    /** The user's name; null for calls without one. */
    readonly user: string | null;
    /** The usage tier the user holds (docs/limits.md), or null. */
    readonly tier: string | null;
  };
}

/** One rule of a policy file's `signals:` section. */
export interface SignalRule {
  readonly id: string;
  readonly description: string;
  /** The CEL text, shown in errors and to administrators. */
  readonly when: string;
  readonly action: SignalAction;
  /** Whether `facts` match; throws with the CEL error when the expression cannot be evaluated. */
  readonly matches: (facts: SignalFacts) => boolean;
  /** `file:line` where the rule is defined. */
  readonly source: string;
}

/** What the rules decided for a signal: its action, and the rules that asked for it. */
export interface SignalDecision {
  readonly action: SignalAction;
  readonly rules: readonly string[];
}

const STRENGTH: Readonly<Record<SignalAction, number>> = { notify: 0, throttle: 1, suspend: 2 };

/** Whether `a` does more than `b`. */
export const strongerAction = (a: SignalAction, b: SignalAction): boolean =>
  STRENGTH[a] > STRENGTH[b];

/**
 * The action a subject can be held to: a throttle needs a token or user to
 * hold to a limit, a suspension a token; a user is throttled instead, an
 * address only notified.
 */
function applicable(action: SignalAction, subject: SignalSubjectKind): SignalAction {
  if (subject === "address") {
    return "notify";
  }
  return action === "suspend" && subject === "user" ? "throttle" : action;
}

/**
 * The strongest action of the rules whose `when` holds, as the subject can
 * take it, and the ids of the rules that asked for that action; `notify`,
 * with no rules, when none holds. A rule whose expression fails to evaluate
 * (a detail the kind does not report, say) does not hold, and `onError`
 * hears of it.
 */
export function decideSignalAction(
  rules: readonly SignalRule[],
  facts: SignalFacts,
  onError: (rule: SignalRule, err: unknown) => void,
): SignalDecision {
  const held = rules.filter((rule) => {
    try {
      return rule.matches(facts);
    } catch (err) {
      onError(rule, err);
      return false;
    }
  });
  const strongest = held.reduce<SignalAction>(
    (action, rule) => (strongerAction(rule.action, action) ? rule.action : action),
    "notify",
  );
  const by = held.filter((rule) => rule.action === strongest).map((rule) => rule.id);
  return { action: applicable(strongest, facts.signal.subject), rules: by };
}

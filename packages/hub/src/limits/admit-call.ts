import { sql } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { prepareQuery } from "../store/index.js";
import { addressKey } from "./address-key.js";
import { callerShare } from "./caller-share.js";
import { spendsQuota, type LimitSpec } from "./limit-spec.js";
import { limitWindow, type LimitPeriod } from "./limit-windows.js";
import {
  openAiRateLimitHeaders,
  rateLimitHeaders,
  type RateLimitHeaders,
} from "./ratelimit-headers.js";
import type { ConcurrencyLimit, LimitDecision, WindowLimit, WindowState } from "./usage-limiter.js";
import { functionRefusal, hoursRefusal, type CallFunction } from "./usage-rules.js";

/** A call to a served version, as the limits see it. */
export interface CallToLimit extends CallFunction {
  readonly actor: Actor;
  readonly versionId: string;
  /** `namespace/name@version`, for messages. */
  readonly label: string;
  /** The client's address, which counts for anonymous callers. */
  readonly address: string;
  /** A generation call's tokens, which token windows count and `maxTokens` caps hold. */
  readonly tokens?: GenerationTokens;
}

/** What a generation call asks for, in tokens. */
export interface GenerationTokens {
  /** The tokens of its prompts. */
  readonly prompt: number;
  /** Choices in all: prompts × n. */
  readonly choices: number;
  /** The most tokens a choice may have, as the call asked; undefined when it did not. */
  readonly maxTokens: number | undefined;
  /** What a choice may have when the call does not say: lowered to a cap below it. */
  readonly defaultMaxTokens: number;
  /** Whether it may start with what the token windows have left when its reserve does not fit: a stream may, and is cut. */
  readonly partial: boolean;
}

/** A call let through: the RateLimit headers of the windows it counted in, and the slot it holds until `done`. */
export interface Admission {
  readonly headers: RateLimitHeaders;
  /** The call's flow in a saturated model's fair order, and its weight (caller-share.ts). */
  readonly flow: { readonly key: string; readonly weight: number };
  /**
   * For a generation, the most tokens each choice may have: as asked, or the
   * default under the caps, or for a stream let in with less, what the token
   * windows had left.
   */
  readonly maxTokens: number;
  /**
   * For a stream let in with fewer tokens than it asked for, the refusal to
   * end it with once they are spent; null otherwise.
   */
  readonly shortfall: HubError | null;
  /**
   * Charges the model's run time to compute quotas, corrects a generation's
   * reserved tokens to `tokensUsed`, and frees the call's concurrency slots.
   */
  done(computeMs: number, tokensUsed?: number): Promise<void>;
}

interface ScopedSpec {
  /**
   * `default`, `token:<id>`, `user:<id>`, `org:<id>` or `version:<id>` as
   * administrators set them; `policy:` and one of those as the policy files
   * set them; `tier:<account id>` for the caller's tier.
   */
  readonly scope: string;
  /** What the scope's counters are keyed by (usage_limits.counter_key). */
  readonly counterKey: string;
  readonly spec: LimitSpec;
}

const release = (): Promise<void> => Promise.resolve();

const REQUEST_PERIODS: readonly [keyof NonNullable<LimitSpec["requests"]>, LimitPeriod][] = [
  ["perSecond", "second"],
  ["perMinute", "minute"],
  ["perHour", "hour"],
  ["perDay", "day"],
  ["perMonth", "month"],
];

const COMPUTE_PERIODS: readonly [keyof NonNullable<LimitSpec["computeSeconds"]>, LimitPeriod][] = [
  ["perDay", "day"],
  ["perMonth", "month"],
];

const TOKEN_PERIODS: readonly [keyof NonNullable<LimitSpec["tokens"]>, LimitPeriod][] = [
  ["perMinute", "minute"],
  ["perDay", "day"],
  ["perMonth", "month"],
];

/** The limits of the hub's defaults and a version, for anonymous callers. */
const anonymousSpecs = prepareQuery(["version"], (db, p) =>
  db
    .selectFrom("usage_limits")
    .select(["scope", "spec", "counter_key"])
    .where("scope", "in", ["default", p("version")]),
);

/** The limits of the defaults, a version, and a user's token, account and organisations. */
const userSpecs = prepareQuery(["version", "user", "token", "userId"], (db, p) =>
  db
    .selectFrom("usage_limits")
    .select(["scope", "spec", "counter_key"])
    .where((eb) =>
      eb.or([
        eb("scope", "in", ["default", p("version"), p("user"), p("token")]),
        eb(
          "scope",
          "in",
          eb
            .selectFrom("org_members")
            .select(sql<string>`'org:' || org_id`.as("scope"))
            .where("user_id", "=", p("userId")),
        ),
      ]),
    ),
);

/**
 * The limits that apply to a call: the hub's defaults, the version's, and the
 * caller's token's, user's and organisations', in one prepared query (every
 * call asks, and most find none).
 */
async function storedSpecs(ctx: HubContext, call: CallToLimit): Promise<ScopedSpec[]> {
  const actor = call.actor;
  const version = `version:${call.versionId}`;
  const rows =
    actor.kind === "user"
      ? await userSpecs(ctx.db, {
          version,
          user: `user:${actor.userId}`,
          token: `token:${actor.token.id}`,
          userId: actor.userId,
        })
      : await anonymousSpecs(ctx.db, { version });
  return rows.map((r) => ({
    scope: r.scope,
    counterKey: r.counter_key,
    spec: JSON.parse(r.spec) as LimitSpec,
  }));
}

/** The limits of the policy files for every caller and for the called version. */
function fileSpecs(ctx: HubContext, call: CallToLimit): ScopedSpec[] {
  const { limits } = ctx.policy;
  const specs: ScopedSpec[] = [];
  if (limits.default !== null) {
    specs.push({
      scope: "policy:default",
      counterKey: "policy:default",
      spec: limits.default.spec,
    });
  }
  const version = limits.versions.get(call.label);
  if (version !== undefined) {
    const scope = `policy:version:${call.versionId}`;
    specs.push({ scope, counterKey: scope, spec: version.spec });
  }
  return specs;
}

/** Whose calls a scope's counters count: a version's and the defaults count each caller apart. */
function counterKey({ scope, counterKey: key }: ScopedSpec, call: CallToLimit): string {
  const kind = scope.startsWith("policy:") ? scope.slice("policy:".length) : scope;
  if (kind === "default" || kind.startsWith("version:")) {
    const caller =
      call.actor.kind === "user" ? `user:${call.actor.userId}` : `anon:${addressKey(call.address)}`;
    return `${key}|${caller}`;
  }
  return key;
}

/** The word a scope goes by in policy names and messages. */
function scopeWord(scope: string, call: CallToLimit): string {
  if (scope.startsWith("policy:")) {
    return "the policy files' limits";
  }
  if (scope.startsWith("tier:")) {
    return "your usage tier's limits";
  }
  if (scope.startsWith("version:")) {
    return `the limits of ${call.label}`;
  }
  if (scope === "default") {
    return "the hub's default limits";
  }
  return `your ${scope.slice(0, scope.indexOf(":"))}'s limits`;
}

/** A policy name for the RateLimit headers: the scope's kind and the window, e.g. `token-per-minute`. */
function policyName(scope: string, what: string): string {
  if (scope.startsWith("policy:")) {
    return `policy-${policyName(scope.slice("policy:".length), what)}`;
  }
  const kind = scope === "default" ? "default" : scope.slice(0, scope.indexOf(":"));
  return `${kind}-${what}`;
}

/** The RateLimit fields of a decision's request windows, and OpenAI's beside them for a call through its API. */
function headersOf(
  call: CallToLimit,
  states: { readonly requests: readonly WindowState[]; readonly tokens: readonly WindowState[] },
  refused?: { readonly violated: readonly string[]; readonly retryAfterSeconds: number },
): RateLimitHeaders {
  return {
    ...rateLimitHeaders(states.requests, refused),
    ...(call.protocol === "openai" ? openAiRateLimitHeaders(states.requests, states.tokens) : {}),
  };
}

/** A decision's states of the request windows and of the token windows, for the headers. */
function named(
  decision: LimitDecision,
  requests: readonly WindowLimit[],
  tokens: readonly WindowLimit[],
): { requests: WindowState[]; tokens: WindowState[] } {
  const of = (limits: readonly WindowLimit[]) =>
    decision.windows.filter((w) => limits.some((l) => l.name === w.name));
  return { requests: of(requests), tokens: of(tokens) };
}

/**
 * The tokens a refused call could still take: the least left in its token
 * windows, when only token windows refused it; undefined otherwise.
 */
function tokenRoom(
  decision: Extract<LimitDecision, { allowed: false }>,
  tokens: readonly WindowLimit[],
): number | undefined {
  const names = new Set(tokens.map((t) => t.name));
  if (tokens.length === 0 || !decision.violated.every((v) => names.has(v))) {
    return undefined;
  }
  return Math.min(...decision.windows.filter((w) => names.has(w.name)).map((w) => w.remaining));
}

/**
 * The 429 of a spent limit. A month's tokens are a budget: waiting a moment
 * does not bring it back, so it answers `insufficient_quota`.
 */
function quotaRefusal(
  call: CallToLimit,
  tokens: readonly WindowLimit[],
  decision: Extract<LimitDecision, { allowed: false }>,
  states: { requests: WindowState[]; tokens: WindowState[] },
): HubError {
  const budget = tokens.some(
    (t) => t.name.endsWith("tokens-per-month") && decision.violated.includes(t.name),
  );
  return new HubError(
    "QUOTA_EXCEEDED",
    budget
      ? `${call.label}: the monthly token budget ${decision.violated.join(", ")} is spent; it renews at the start of next month, or an administrator raises it`
      : `${call.label}: the usage limit ${decision.violated.join(", ")} is spent; try again in ${decision.retryAfterSeconds} s`,
    {
      ...(budget ? { reason: "insufficient_quota" } : {}),
      retryAfterSeconds: decision.retryAfterSeconds,
      violatedPolicies: decision.violated,
      rateLimit: headersOf(call, states, decision),
    },
  );
}

/** The most tokens a choice may have when no cap applies: as asked, or the default. */
const uncapped = (call: CallToLimit): number =>
  call.tokens?.maxTokens ?? call.tokens?.defaultMaxTokens ?? 0;

/**
 * The most tokens each choice of a generation may have: what it asked for,
 * refused with 400 naming the cap when a `maxTokens` cap is lower, or when it
 * did not ask, its default lowered to the smallest cap.
 */
function maxTokensOf(
  specs: readonly ScopedSpec[],
  call: CallToLimit,
  tokens: GenerationTokens,
): number {
  let most = tokens.maxTokens ?? tokens.defaultMaxTokens;
  for (const { scope, spec } of specs) {
    if (spec.maxTokens === undefined || most <= spec.maxTokens) {
      continue;
    }
    if (tokens.maxTokens !== undefined) {
      throw new HubError(
        "BAD_REQUEST",
        `max_tokens is ${tokens.maxTokens}, but ${scopeWord(scope, call)} allow at most ${spec.maxTokens} a call; ask for fewer`,
        { param: "max_tokens", scope: scopeWord(scope, call) },
      );
    }
    most = spec.maxTokens;
  }
  return most;
}

/**
 * Lets a call through the limits that apply to it, or refuses it: a time
 * window or function rule with 403 naming the rule, a spent quota or a full
 * concurrency limit with 429 and the windows' state for the RateLimit
 * headers. Only inference calls count against quotas; metadata and readiness
 * answer under the rules alone, so a client polling them spends nothing.
 */
export async function admitCall(ctx: HubContext, call: CallToLimit): Promise<Admission> {
  const suspension =
    call.actor.kind === "user" ? ctx.signals.suspendedBy(call.actor.token.id) : undefined;
  if (suspension !== undefined) {
    throw new HubError(
      "FORBIDDEN",
      `this token is suspended by abuse signal ${suspension}; an administrator restores it by closing the signal (gatehouse usage signals close ${suspension} --reason TEXT)`,
      { signal: suspension },
    );
  }
  const share = await callerShare(ctx, call.actor, call.address);
  const flow = { key: share.flow, weight: share.weight };
  const specs = [...(await storedSpecs(ctx, call)), ...fileSpecs(ctx, call), ...share.specs];
  if (specs.length === 0) {
    return { headers: {}, flow, maxTokens: uncapped(call), shortfall: null, done: release };
  }
  const now = ctx.clock.now();
  for (const { scope, spec } of specs) {
    const refusal =
      (spec.hours === undefined ? null : hoursRefusal(spec.hours, now)) ??
      (spec.functions === undefined ? null : functionRefusal(spec.functions, call));
    if (refusal !== null) {
      throw new HubError(
        "USAGE_NOT_ALLOWED",
        `${scopeWord(scope, call)} refuse this call: ${refusal}`,
        {
          scope: scopeWord(scope, call),
        },
      );
    }
  }
  let maxTokens = call.tokens === undefined ? 0 : maxTokensOf(specs, call, call.tokens);
  if (!spendsQuota(call.endpoint)) {
    return { headers: {}, flow, maxTokens, shortfall: null, done: release };
  }
  const windows: WindowLimit[] = [];
  // Counted in milliseconds of model run time; a call needs one left to start, and is
  // charged the rest when it ends, so the call that crosses the quota finishes.
  const compute: WindowLimit[] = [];
  // Counted in tokens: a call reserves its prompt and the most it may generate, and is
  // corrected to what it used when it ends.
  const tokens: WindowLimit[] = [];
  const reserve =
    call.tokens === undefined ? undefined : call.tokens.prompt + maxTokens * call.tokens.choices;
  const concurrency: ConcurrencyLimit[] = [];
  const nowMs = now.getTime();
  for (const scoped of specs) {
    const { scope, spec } = scoped;
    const key = counterKey(scoped, call);
    for (const [field, period] of REQUEST_PERIODS) {
      const quota = spec.requests?.[field];
      if (quota !== undefined) {
        windows.push({
          name: policyName(scope, `per-${period}`),
          key: `${key}|requests|${period}`,
          quota,
          ...limitWindow(period, nowMs, spec.timeZone),
        });
      }
    }
    for (const [field, period] of COMPUTE_PERIODS) {
      const seconds = spec.computeSeconds?.[field];
      if (seconds !== undefined) {
        compute.push({
          name: policyName(scope, `compute-per-${period}`),
          key: `${key}|compute-ms|${period}`,
          quota: seconds * 1000,
          ...limitWindow(period, nowMs, spec.timeZone),
        });
      }
    }
    for (const [field, period] of TOKEN_PERIODS) {
      const quota = spec.tokens?.[field];
      if (quota !== undefined && reserve !== undefined) {
        tokens.push({
          name: policyName(scope, `tokens-per-${period}`),
          key: `${key}|tokens|${period}`,
          quota,
          cost: reserve,
          ...limitWindow(period, nowMs, spec.timeZone),
        });
      }
    }
    if (spec.concurrency !== undefined) {
      concurrency.push({
        name: policyName(scope, "concurrency"),
        key,
        max: spec.concurrency,
      });
    }
  }
  if (
    windows.length === 0 &&
    compute.length === 0 &&
    tokens.length === 0 &&
    concurrency.length === 0
  ) {
    return { headers: {}, flow, maxTokens, shortfall: null, done: release };
  }
  // One unit is a request in a request window, a millisecond in a compute window and a
  // token in a token window.
  const acquire = (tokenWindows: readonly WindowLimit[]) =>
    ctx.limiter.acquire(
      { windows: [...windows, ...compute, ...tokenWindows], concurrency, cost: 1 },
      nowMs,
    );
  let decision = await acquire(tokens);
  let reserved = reserve ?? 0;
  let shortfall: HubError | null = null;
  // A stream whose reserve does not fit the token windows, though its prompt and a token a
  // choice would, starts with what is left and is cut when it is spent.
  const room = decision.allowed ? undefined : tokenRoom(decision, tokens);
  if (
    !decision.allowed &&
    call.tokens?.partial === true &&
    room !== undefined &&
    room >= call.tokens.prompt + call.tokens.choices
  ) {
    const retry = await acquire(tokens.map((t) => ({ ...t, cost: room })));
    if (retry.allowed) {
      shortfall = quotaRefusal(call, tokens, decision, named(decision, windows, tokens));
      decision = retry;
      reserved = room;
      maxTokens = Math.floor((room - call.tokens.prompt) / call.tokens.choices);
    }
  }
  const states = named(decision, windows, tokens);
  if (!decision.allowed) {
    throw quotaRefusal(call, tokens, decision, states);
  }
  const held = decision;
  return {
    headers: headersOf(call, states),
    flow,
    maxTokens,
    shortfall,
    done: async (computeMs, tokensUsed) => {
      const rest = Math.round(computeMs) - 1;
      try {
        if (compute.length > 0 && rest > 0) {
          await ctx.limiter.charge(compute, rest);
        }
        const correction = tokensUsed === undefined ? 0 : tokensUsed - reserved;
        // A reserve decided while the shared store was unreachable is not in it to give back.
        if (tokens.length > 0 && correction !== 0 && (correction > 0 || held.apart !== true)) {
          await ctx.limiter.charge(tokens, correction);
        }
      } finally {
        // The slot is freed whatever became of the charges.
        await held.release();
      }
    },
  };
}

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { parseModelRef, UsageError, modelPath, type CliContext } from "../context.js";
import { commaList, wholeNumberFlag } from "../flags.js";

/** A scope's limits as the hub answers them; `policy` and `source` say what a policy file sets. */
interface ScopeLimits {
  readonly scope: string;
  readonly spec: Record<string, unknown> | null;
  readonly setAt: string | null;
  readonly source?: "api" | "policy";
  readonly file?: string;
  readonly policy?: { readonly spec: Record<string, unknown>; readonly file: string } | null;
}

/** The usage tiers and who holds them, as GET /api/limits/tiers answers. */
interface TierList {
  readonly tiers: readonly {
    name: string;
    qualify: string | null;
    limits: Record<string, unknown> | null;
    weight: number;
  }[];
  readonly accounts: readonly AccountTier[];
}

interface AccountTier {
  readonly account: string;
  readonly kind: "user" | "org";
  readonly tier: string | null;
  readonly pinned: boolean;
  readonly since: string;
}

/** One account's tier in a line. */
function tierLine(a: AccountTier): string {
  return `${a.kind} ${a.account}: ${a.tier ?? "no tier"}${a.pinned ? " (approved, pinned)" : ""} since ${a.since}`;
}

const SCOPE_HELP =
  "default, user:NAME, org:NAME, token:ID, or NS/NAME@VERSION (limits of one version, for each caller)";

/** The API path of a scope written as the CLI takes it. */
function scopePath(scope: string): string {
  if (scope === "default") {
    return "/api/limits/default";
  }
  const colon = scope.indexOf(":");
  if (colon > 0) {
    const kind = scope.slice(0, colon);
    const name = encodeURIComponent(scope.slice(colon + 1));
    const plural = { user: "users", org: "orgs", token: "tokens" }[kind];
    if (plural === undefined || name === "") {
      throw new UsageError(`"${scope}" is not a scope; write one of ${SCOPE_HELP}`);
    }
    return `/api/limits/${plural}/${name}`;
  }
  const ref = parseModelRef(scope, true);
  if (ref.version === undefined) {
    throw new UsageError(
      `"${scope}" names no version; limits are set per version: write ${scope}@VERSION`,
    );
  }
  return `${modelPath(ref)}/versions/${encodeURIComponent(ref.version)}/limits`;
}

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** `mon-fri`, `sat,sun` or `mon,wed-fri` as the list of days it covers. */
function daysOf(text: string): string[] {
  const days: string[] = [];
  for (const part of commaList(text.toLowerCase())) {
    const [from = "", to = from] = part.split("-");
    const a = DAY_NAMES.indexOf(from);
    const b = DAY_NAMES.indexOf(to);
    if (a < 0 || b < a) {
      throw new UsageError(
        `--hours: "${part}" is not a day or range of days; write e.g. mon-fri or sat,sun`,
      );
    }
    days.push(...DAY_NAMES.slice(a, b + 1).filter((d) => !days.includes(d)));
  }
  return days;
}

/**
 * `--hours "[DAYS] HH:MM-HH:MM ZONE"`, e.g. `mon-fri 08:00-20:00 Asia/Shanghai`,
 * as the spec's `hours`.
 */
function hoursOf(text: string): Record<string, unknown> {
  const words = text.trim().split(/\s+/);
  const zone = words.pop();
  const span = words.pop();
  const match = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(span ?? "");
  if (zone === undefined || match === null || words.length > 1) {
    throw new UsageError(
      `--hours "${text}" is not [DAYS] HH:MM-HH:MM ZONE; write e.g. "mon-fri 08:00-20:00 Asia/Shanghai"`,
    );
  }
  return {
    ...(words[0] === undefined ? {} : { days: daysOf(words[0]) }),
    from: match[1],
    to: match[2],
    timeZone: zone,
  };
}

interface SetOptions {
  readonly file?: string;
  readonly perSecond?: number;
  readonly perMinute?: number;
  readonly perHour?: number;
  readonly perDay?: number;
  readonly perMonth?: number;
  readonly concurrency?: number;
  readonly computePerDay?: number;
  readonly computePerMonth?: number;
  readonly tokensPerMinute?: number;
  readonly tokensPerDay?: number;
  readonly tokensPerMonth?: number;
  readonly maxTokens?: number;
  readonly hours?: string;
  readonly timeZone?: string;
  readonly protocols?: string[];
  readonly endpoints?: string[];
  readonly maxBatch?: number;
  readonly binary?: boolean;
}

/** Drops the keys whose value is undefined; undefined when none is left. */
function defined(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(fields).filter(([, v]) => v !== undefined);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

/** The spec the flags describe; the hub checks it and names what is wrong. */
function specOf(o: SetOptions): Record<string, unknown> {
  return (
    defined({
      requests: defined({
        perSecond: o.perSecond,
        perMinute: o.perMinute,
        perHour: o.perHour,
        perDay: o.perDay,
        perMonth: o.perMonth,
      }),
      concurrency: o.concurrency,
      computeSeconds: defined({ perDay: o.computePerDay, perMonth: o.computePerMonth }),
      tokens: defined({
        perMinute: o.tokensPerMinute,
        perDay: o.tokensPerDay,
        perMonth: o.tokensPerMonth,
      }),
      maxTokens: o.maxTokens,
      hours: o.hours === undefined ? undefined : hoursOf(o.hours),
      functions: defined({
        protocols: o.protocols,
        endpoints: o.endpoints,
        maxBatch: o.maxBatch,
        binaryTensors: o.binary === false ? false : undefined,
      }),
      timeZone: o.timeZone,
    }) ?? {}
  );
}

/** One scope's limits in a few lines. */
function describe(limits: ScopeLimits): string[] {
  const fromFile =
    limits.policy === undefined || limits.policy === null
      ? []
      : [
          `${limits.scope} (policy file ${limits.policy.file}):`,
          JSON.stringify(limits.policy.spec, null, 2),
        ];
  if (limits.spec === null) {
    return fromFile.length > 0 ? fromFile : [`${limits.scope}: no limits set`];
  }
  const where =
    limits.source === "policy" ? `policy file ${limits.file ?? "?"}` : `set ${limits.setAt ?? "?"}`;
  return [`${limits.scope} (${where}):`, JSON.stringify(limits.spec, null, 2), ...fromFile];
}

/** `gatehouse limits set|show|clear`: usage limits of hosted inference. */
export function registerLimitsCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const limits = program
    .command("limits")
    .description("usage limits of hosted inference: quotas, concurrency, hours and functions");
  const count = (flag: string) => wholeNumberFlag(1, `${flag} takes a whole number of at least 1`);

  limits
    .command("set")
    .description("set a scope's limits, replacing those set before")
    .argument("<scope>", SCOPE_HELP)
    .option("--file <spec>", "the limits as a JSON or YAML file (docs/limits.md), instead of flags")
    .option("--per-second <n>", "requests per second", count("--per-second"))
    .option("--per-minute <n>", "requests per minute", count("--per-minute"))
    .option("--per-hour <n>", "requests per hour", count("--per-hour"))
    .option("--per-day <n>", "requests per calendar day", count("--per-day"))
    .option("--per-month <n>", "requests per calendar month", count("--per-month"))
    .option("--concurrency <n>", "requests in flight at once", count("--concurrency"))
    .option(
      "--compute-per-day <s>",
      "seconds of model run time per day",
      count("--compute-per-day"),
    )
    .option(
      "--compute-per-month <s>",
      "seconds of model run time per month",
      count("--compute-per-month"),
    )
    .option(
      "--tokens-per-minute <n>",
      "language-model tokens (prompt and completion) per minute",
      count("--tokens-per-minute"),
    )
    .option("--tokens-per-day <n>", "language-model tokens per day", count("--tokens-per-day"))
    .option(
      "--tokens-per-month <n>",
      "language-model tokens per month: a budget, whose end answers insufficient_quota",
      count("--tokens-per-month"),
    )
    .option(
      "--max-tokens <n>",
      "the most tokens one generation call may ask for",
      count("--max-tokens"),
    )
    .option("--hours <window>", 'when calls are allowed, e.g. "mon-fri 08:00-20:00 Asia/Shanghai"')
    .option("--time-zone <zone>", "the IANA zone whose days and months quotas count in (UTC)")
    .option("--protocols <list>", "the protocols allowed: oip, openai", commaList)
    .option(
      "--endpoints <list>",
      "the endpoints allowed: metadata, ready, infer (oip); models, completions, chat, embeddings (openai)",
      commaList,
    )
    .option("--max-batch <rows>", "the most rows one call may carry", count("--max-batch"))
    .option("--no-binary", "refuse the binary tensor extension")
    .action(async (scope: string, options: SetOptions) => {
      const path = scopePath(scope);
      const flags = specOf(options);
      if (options.file !== undefined && Object.keys(flags).length > 0) {
        throw new UsageError("give the limits either in --file or as flags, not both");
      }
      if (options.file === undefined && Object.keys(flags).length === 0) {
        throw new UsageError(
          "give at least one limit (e.g. --per-minute 60) or --file; gatehouse limits clear removes them",
        );
      }
      const spec = options.file === undefined ? flags : await readSpec(options.file);
      const ctx = await contextOf();
      const set = await ctx.client.json<ScopeLimits>("PUT", path, spec);
      ctx.print([`limits of ${set.scope} set`, ...describe(set).slice(1)], set);
    });

  limits
    .command("show")
    .description("a scope's limits, or every scope's (administrators)")
    .argument("[scope]", SCOPE_HELP)
    .action(async (scope: string | undefined) => {
      const ctx = await contextOf();
      if (scope === undefined) {
        const all = await ctx.client.json<(ScopeLimits & { spec: object })[]>("GET", "/api/limits");
        ctx.print(all.length === 0 ? ["no limits are set"] : all.flatMap(describe), all);
        return;
      }
      const one = await ctx.client.json<ScopeLimits>("GET", scopePath(scope));
      ctx.print(describe(one), one);
    });

  limits
    .command("tiers")
    .description("the usage tiers, lowest first, and which tier each user and organisation holds")
    .action(async () => {
      const ctx = await contextOf();
      const list = await ctx.client.json<TierList>("GET", "/api/limits/tiers");
      ctx.print(
        list.tiers.length === 0
          ? ["no tiers are defined: every account's calls count alike, with weight 1"]
          : [
              ...list.tiers.map(
                (t) =>
                  `${t.name} (weight ${t.weight}): ${t.qualify ?? "by approval only"}${t.limits === null ? "" : ` ${JSON.stringify(t.limits)}`}`,
              ),
              "",
              ...list.accounts.map(tierLine),
            ],
        list,
      );
    });

  const tier = limits
    .command("tier")
    .description("approve an account for a usage tier, or release it");
  tier
    .command("set")
    .description("approve a user or organisation for a tier and pin it there")
    .argument("<account>", "a user's or organisation's name")
    .argument("<tier>", "a tier's name (gatehouse limits tiers lists them)")
    .action(async (account: string, name: string) => {
      const ctx = await contextOf();
      const set = await ctx.client.json<AccountTier>(
        "PUT",
        `/api/limits/tiers/${encodeURIComponent(account)}`,
        { tier: name },
      );
      ctx.print(tierLine(set), set);
    });
  tier
    .command("release")
    .description("release a pinned account: the tier rules move it again")
    .argument("<account>", "a user's or organisation's name")
    .action(async (account: string) => {
      const ctx = await contextOf();
      const released = await ctx.client.json<AccountTier>(
        "DELETE",
        `/api/limits/tiers/${encodeURIComponent(account)}`,
      );
      ctx.print(tierLine(released), released);
    });

  limits
    .command("clear")
    .description("remove a scope's limits")
    .argument("<scope>", SCOPE_HELP)
    .action(async (scope: string) => {
      const path = scopePath(scope);
      const ctx = await contextOf();
      await ctx.client.send("DELETE", path);
      ctx.print(`limits of ${scope} removed`, { scope, spec: null });
    });
}

/** A spec file's content: JSON is YAML, so one parser reads both. */
async function readSpec(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file} is not JSON or YAML: ${(err as Error).message}`);
  }
}

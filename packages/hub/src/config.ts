import { isIPv4, isIPv6 } from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { passwordProblem } from "./passwords/index.js";

/** Where the relational store lives. */
export type DatabaseConfig =
  | { readonly kind: "sqlite"; readonly file: string }
  | { readonly kind: "postgres"; readonly url: string; readonly schema?: string };

/**
 * Sign-in to the web UI through an OpenID Connect provider, beside passwords;
 * null when GATEHOUSE_OIDC_ISSUER is unset.
 */
export interface OidcConfig {
  /** The provider's issuer URL, whose `/.well-known/openid-configuration` describes it. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** What the sign-in button calls the provider ("Sign in with …"). */
  readonly name: string;
  /** The scopes asked for, `openid` among them. */
  readonly scopes: string;
  /** The claim a new user's name is made from (GATEHOUSE_OIDC_USERNAME_CLAIM, default preferred_username). */
  readonly usernameClaim: string;
  /** Whether a first sign-in by someone without an account creates one (GATEHOUSE_OIDC_CREATE_USERS, default false). */
  readonly createUsers: boolean;
}

/** Where blob content lives. */
export type BlobsConfig = { readonly kind: "fs"; readonly dir: string };

/** Where usage limits are counted (docs/limits.md). */
export interface LimitsConfig {
  /** REDIS_URL: counters on this Redis server, shared by every hub using it; null counts in each process's memory. */
  readonly redisUrl: string | null;
  /**
   * What happens to limited calls while Redis cannot be reached
   * (GATEHOUSE_LIMITS_UNAVAILABLE, default closed): refused, admitted
   * uncounted, or decided by each hub in its own memory.
   */
  readonly unavailable: "closed" | "open" | "local";
  /** GATEHOUSE_LIMITS_REDIS_PREFIX: what every key starts with, so deployments can share a Redis server (default gatehouse:limits:). */
  readonly redisPrefix: string;
}

/** Every setting of the hub, parsed once at start-up. */
export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly blobs: BlobsConfig;
  /** Used as the first admin's token instead of a generated one, on first start only. */
  readonly adminToken: string | undefined;
  /** Used as the first admin's password instead of a generated one, on first start only. */
  readonly adminPassword: string | undefined;
  /** The URL clients reach the hub at; absolute links (pagination) use it. Derived from the request when unset. */
  readonly publicUrl: string | undefined;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Largest JSON request body, in bytes. */
  readonly jsonBodyLimit: number;
  /**
   * Failed authentication attempts allowed per minute per client address, per
   * presented token or session cookie, and per user name a password was tried for.
   */
  readonly authFailuresPerMinute: number;
  /**
   * Addresses and CIDR ranges of the reverse proxies in front of the hub, whose
   * `X-Forwarded-For` names the client; empty when no proxy is trusted.
   */
  readonly trustProxy: readonly string[];
  /** A request body that sends no byte for this long is answered 408 and its connection closed. */
  readonly bodyIdleTimeoutMs: number;
  /** Every request's headers, and the whole of every request but a file upload, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** Open connections allowed from one client address; trusted proxies are exempt. */
  readonly connectionsPerAddress: number;
  /** Whether the release policy Gatehouse ships applies (GATEHOUSE_DEFAULT_POLICY, default true). */
  readonly defaultPolicy: boolean;
  /** A folder of the operator's policy files, checked besides (or instead of) the default. */
  readonly policyDir: string | null;
  /** How often the outbox is read and due webhook deliveries are attempted. */
  readonly webhookIntervalMs: number;
  /** How long a webhook receiver has to answer an attempt. */
  readonly webhookTimeoutMs: number;
  /** Failed attempts in a row after which a webhook subscription is disabled. */
  readonly webhookDisableAfter: number;
  /**
   * Whether webhook URLs may point at loopback, private, link-local and
   * unique-local addresses (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE, default false).
   */
  readonly webhookAllowPrivate: boolean;
  /** How often due stage changes (embargoes, time in stage) are looked for. */
  readonly scheduleIntervalMs: number;
  /**
   * Files larger than this many bytes go through Git LFS when the Hugging Face
   * clients publish; smaller text files travel inside the commit.
   */
  readonly lfsThresholdBytes: number;
  /** The longest lifetime a signed download URL may be given (GATEHOUSE_SIGNED_URL_MAX_EXPIRY, default 7d). */
  readonly signedUrlMaxExpiryMs: number;
  /** The built web UI the hub serves at `/` (GATEHOUSE_WEB_DIR, default the `@gatehouse/web` package's build). */
  readonly webDir: string;
  /** How long a web sign-in lasts before the user signs in again (GATEHOUSE_SESSION_TTL, default 7d). */
  readonly sessionTtlMs: number;
  /** OpenID Connect sign-in; null when off. */
  readonly oidc: OidcConfig | null;
  /** Hosted ONNX inference (docs/serving.md). */
  readonly serve: ServeConfig;
  /** Usage limits' store. */
  readonly limits: LimitsConfig;
  /** How long usage records of hosted inference are kept (docs/usage.md). */
  readonly usage: UsageConfig;
  /** Abuse signals' thresholds and throttle (docs/signals.md). */
  readonly signals: SignalConfig;
}

/** Abuse signals' thresholds and the action each kind takes (docs/signals.md). */
export interface SignalConfig {
  /** A spike is this many times the key's baseline (GATEHOUSE_SIGNAL_SPIKE_FACTOR, default 10). */
  readonly spikeFactor: number;
  /** ...and at least this many calls in five minutes (GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS, default 300). */
  readonly spikeMinCalls: number;
  /** More addresses than this for one token in an hour (GATEHOUSE_SIGNAL_SHARING_ADDRESSES, default 10). */
  readonly sharingAddresses: number;
  /** More user agents than this for one token in an hour (GATEHOUSE_SIGNAL_SHARING_AGENTS, default 10). */
  readonly sharingAgents: number;
  /** This many 401/403/404 answers to one key in ten minutes (GATEHOUSE_SIGNAL_PROBING_FAILURES, default 30). */
  readonly probingFailures: number;
  /** This many calls before a Retry-After passed, in ten minutes (GATEHOUSE_SIGNAL_RETRY_IGNORED, default 10). */
  readonly retryIgnored: number;
  /** This many near-duplicate calls of one key in ten minutes (GATEHOUSE_SIGNAL_DUPLICATE_CALLS, default 200). */
  readonly duplicateCalls: number;
  /** The estimated Jaccard similarity from which inputs are near-duplicates (GATEHOUSE_SIGNAL_DUPLICATE_SIMILARITY, default 0.8). */
  readonly duplicateSimilarity: number;
  /** This many calls of one key refused by use checks in ten minutes (GATEHOUSE_SIGNAL_CONTENT_POLICY_REFUSALS, default 1). */
  readonly contentPolicyRefusals: number;
  /** Keys each detector keeps in memory, the least recently seen dropped first (GATEHOUSE_SIGNAL_KEYS, default 10000). */
  readonly keys: number;
  /** The requests per minute a throttled token or user is held to (GATEHOUSE_SIGNAL_THROTTLE_PER_MINUTE, default 10). */
  readonly throttlePerMinute: number;
}

function parseSignals(env: Env): SignalConfig {
  if (env.GATEHOUSE_SIGNAL_ACTIONS !== undefined) {
    throw new ConfigError(
      "GATEHOUSE_SIGNAL_ACTIONS",
      "what a signal does is decided by the `signals:` rules of the policy files, not by a setting; " +
        "write them there (docs/signals.md#actions) and unset this variable",
    );
  }
  return {
    spikeFactor: nonNegativeNumberOr(env, "GATEHOUSE_SIGNAL_SPIKE_FACTOR", 10, 1_000_000),
    spikeMinCalls: positiveIntOr(env, "GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS", 300, 1_000_000_000),
    sharingAddresses: positiveIntOr(env, "GATEHOUSE_SIGNAL_SHARING_ADDRESSES", 10, 10_000),
    sharingAgents: positiveIntOr(env, "GATEHOUSE_SIGNAL_SHARING_AGENTS", 10, 10_000),
    probingFailures: positiveIntOr(env, "GATEHOUSE_SIGNAL_PROBING_FAILURES", 30, 1_000_000_000),
    retryIgnored: positiveIntOr(env, "GATEHOUSE_SIGNAL_RETRY_IGNORED", 10, 1_000_000_000),
    duplicateCalls: positiveIntOr(env, "GATEHOUSE_SIGNAL_DUPLICATE_CALLS", 200, 1_000_000_000),
    duplicateSimilarity: nonNegativeNumberOr(env, "GATEHOUSE_SIGNAL_DUPLICATE_SIMILARITY", 0.8, 1),
    contentPolicyRefusals: positiveIntOr(
      env,
      "GATEHOUSE_SIGNAL_CONTENT_POLICY_REFUSALS",
      1,
      1_000_000_000,
    ),
    keys: positiveIntOr(env, "GATEHOUSE_SIGNAL_KEYS", 10_000, 10_000_000),
    throttlePerMinute: positiveIntOr(
      env,
      "GATEHOUSE_SIGNAL_THROTTLE_PER_MINUTE",
      10,
      1_000_000_000,
    ),
  };
}

/** Retention of usage records and their totals, in days. */
export interface UsageConfig {
  /** Raw records and hourly totals (GATEHOUSE_USAGE_RETENTION_DAYS, default 30). */
  readonly retentionDays: number;
  /** Daily totals (GATEHOUSE_USAGE_ROLLUP_DAYS, default 400). */
  readonly rollupRetentionDays: number;
}

function parseUsage(env: Env): UsageConfig {
  return {
    retentionDays: positiveIntOr(env, "GATEHOUSE_USAGE_RETENTION_DAYS", 30, 36_500),
    rollupRetentionDays: positiveIntOr(env, "GATEHOUSE_USAGE_ROLLUP_DAYS", 400, 36_500),
  };
}

/** How served versions run: worker threads, each with its own onnxruntime session. */
export interface ServeConfig {
  /** Threads each session uses inside one run (GATEHOUSE_SERVE_INTRA_OP_THREADS, default 1). */
  readonly intraOpThreads: number;
  /**
   * The most worker threads one served version may have, and the number it
   * gets when enabling names none (GATEHOUSE_SERVE_MAX_WORKERS, default the
   * cores divided by the intra-op threads, so workers × threads ≤ cores).
   */
  readonly maxWorkers: number;
  /** Calls that may wait for a busy version's workers; more are answered 503 (GATEHOUSE_SERVE_QUEUE, default 64). */
  readonly queueLimit: number;
  /** A version not called for this long is unloaded, and loaded again by the next call (GATEHOUSE_SERVE_IDLE_UNLOAD, seconds, default 900). */
  readonly idleUnloadMs: number;
  /** Rows one run may take from waiting calls, for versions enabled without their own (GATEHOUSE_SERVE_MAX_BATCH, default 32; 1 turns batching off). */
  readonly maxBatch: number;
  /** How long a partial batch may wait for more calls, in µs, for versions enabled without their own (GATEHOUSE_SERVE_MAX_DELAY_MS, milliseconds, default 0). */
  readonly maxDelayUs: number;
  /**
   * The API keys the hub sends to upstream engines, by their origin
   * (GATEHOUSE_UPSTREAM_KEYS, a JSON object such as
   * `{"http://10.0.0.5:8000": "sk-…"}`): kept in the environment, never in the
   * database.
   */
  readonly upstreamKeys: ReadonlyMap<string, string>;
  /** The moderation endpoint use checks may ask (docs/use-checks.md); null when none is set. */
  readonly moderation: ModerationConfig | null;
}

/** An endpoint in OpenAI's moderation shape (`POST {input, model}` → `results[].categories`). */
export interface ModerationConfig {
  /** GATEHOUSE_MODERATION_URL: the endpoint's whole URL, such as https://api.openai.com/v1/moderations. */
  readonly url: string;
  /** GATEHOUSE_MODERATION_KEY: sent as `Authorization: Bearer`; none when unset. */
  readonly key: string | null;
  /** GATEHOUSE_MODERATION_MODEL, default omni-moderation-latest. */
  readonly model: string;
  /** GATEHOUSE_MODERATION_TIMEOUT, seconds, default 10: a check not answered by then refuses the call. */
  readonly timeoutMs: number;
}

/** The most rows of one batched run a version may ask for. */
export const MAX_BATCH_LIMIT = 1024;
/** The longest a partial batch may be held, in ms. */
export const MAX_DELAY_LIMIT_MS = 1000;

function parseServe(env: Env): ServeConfig {
  const intraOpThreads = positiveIntOr(env, "GATEHOUSE_SERVE_INTRA_OP_THREADS", 1, 256);
  const cores = availableParallelism();
  return {
    intraOpThreads,
    maxWorkers: positiveIntOr(
      env,
      "GATEHOUSE_SERVE_MAX_WORKERS",
      Math.max(1, Math.floor(cores / intraOpThreads)),
      256,
    ),
    queueLimit: positiveIntOr(env, "GATEHOUSE_SERVE_QUEUE", 64, 1_000_000),
    idleUnloadMs: positiveIntOr(env, "GATEHOUSE_SERVE_IDLE_UNLOAD", 900, MAX_TIMEOUT_S) * 1000,
    // 32 rows: a wide MLP (docs/benchmarks.md, oip-infer) runs 32 rows in about 2× the time of
    // one (10 vs 5.5 ms) and 64 in 3× (16 ms): 32 gets 80% of 64's rows per second at 60% of
    // its run time, which is what a call caught in a batch waits for.
    maxBatch: positiveIntOr(env, "GATEHOUSE_SERVE_MAX_BATCH", 32, MAX_BATCH_LIMIT),
    // No delay, as Triton's default: under load batches form anyway from the calls that
    // arrive while every worker is busy (22–25 calls per batch at 64 clients in the oip-infer
    // bench); 2 ms measured within that bench's noise under load, and a delay adds itself to
    // every call of a quiet model.
    maxDelayUs: Math.round(
      nonNegativeNumberOr(env, "GATEHOUSE_SERVE_MAX_DELAY_MS", 0, MAX_DELAY_LIMIT_MS) * 1000,
    ),
    upstreamKeys: parseUpstreamKeys(env.GATEHOUSE_UPSTREAM_KEYS),
    moderation: parseModeration(env),
  };
}

function parseModeration(env: Env): ModerationConfig | null {
  const variable = "GATEHOUSE_MODERATION_URL";
  const raw = env[variable];
  if (raw === undefined || raw.trim() === "") {
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      variable,
      "is not a URL; write the endpoint's whole URL, such as https://api.openai.com/v1/moderations",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(variable, "must be an http or https URL");
  }
  const key = env.GATEHOUSE_MODERATION_KEY;
  const model = env.GATEHOUSE_MODERATION_MODEL;
  return {
    url: url.href,
    key: key === undefined || key === "" ? null : key,
    model: model === undefined || model.trim() === "" ? "omni-moderation-latest" : model.trim(),
    timeoutMs: positiveIntOr(env, "GATEHOUSE_MODERATION_TIMEOUT", 10, 600) * 1000,
  };
}

/** GATEHOUSE_UPSTREAM_KEYS: a JSON object of origins (`http://host:port`) to API keys. */
function parseUpstreamKeys(raw: string | undefined): ReadonlyMap<string, string> {
  const variable = "GATEHOUSE_UPSTREAM_KEYS";
  if (raw === undefined || raw.trim() === "") {
    return new Map();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(variable, 'is not JSON; write {"http://host:port": "KEY"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(variable, 'must be a JSON object such as {"http://host:port": "KEY"}');
  }
  const keys = new Map<string, string>();
  for (const [origin, key] of Object.entries(parsed)) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(
        variable,
        `"${origin}" is not a URL; write an origin such as http://host:port`,
      );
    }
    if (typeof key !== "string" || key === "") {
      throw new ConfigError(variable, `the key of ${origin} must be a non-empty string`);
    }
    keys.set(url.origin, key);
  }
  return keys;
}

/** A setting that cannot be used; `variable` names the environment variable or flag. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

/**
 * The largest LFS threshold: a file under it travels base64-encoded on one
 * line of a commit, which the hub holds in memory while it decodes it.
 */
const MAX_LFS_THRESHOLD = 64 * 1024 * 1024;

/**
 * The longest signed-URL lifetime an operator may allow, so that a slip such as
 * 7000d fails at start-up rather than handing out URLs that never end.
 */
const MAX_SIGNED_URL_EXPIRY_MS = 366 * 86_400_000;

/** The longest web session an operator may allow: a year, like signed URLs. */
const MAX_SESSION_TTL_MS = 366 * 86_400_000;

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function parsePort(variable: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new ConfigError(variable, `"${raw}" is not a port number (0-65535)`);
  }
  return port;
}

function parsePositiveInt(variable: string, raw: string): number {
  if (!/^[1-9]\d*$/.test(raw)) {
    throw new ConfigError(variable, `"${raw}" is not a positive whole number`);
  }
  return Number(raw);
}

function positiveIntOr(env: Env, variable: string, fallback: number, max?: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  const value = parsePositiveInt(variable, raw);
  if (max !== undefined && value > max) {
    throw new ConfigError(variable, `${value} is more than ${max}`);
  }
  return value;
}

/** A number of zero or more, decimals allowed, at most `max`. */
function nonNegativeNumberOr(env: Env, variable: string, fallback: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  if (!/^\d+(\.\d+)?$/.test(raw)) {
    throw new ConfigError(variable, `"${raw}" is not a number of zero or more`);
  }
  const value = Number(raw);
  if (value > max) {
    throw new ConfigError(variable, `${value} is more than ${max}`);
  }
  return value;
}

const DURATION_UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * The one grammar of durations, for settings and API inputs alike: a number
 * and a unit m, h, d or w, such as `90m`, `12h`, `7d` or `2w`, in
 * milliseconds; undefined for anything else, zero included. Callers say what
 * is wrong in their own terms (auth's `parseDuration` as a HubError).
 */
export function durationMs(text: string): number | undefined {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const ms = Number(match?.[1] ?? 0) * (DURATION_UNIT_MS[match?.[2] ?? ""] ?? 0);
  return ms === 0 ? undefined : ms;
}

/** A duration (see `durationMs`) in milliseconds, at most `maxMs`. */
function durationOr(env: Env, variable: string, fallback: string, maxMs: number): number {
  const raw = env[variable];
  const text = raw === undefined || raw === "" ? fallback : raw.trim();
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new ConfigError(
      variable,
      `"${text}" is not a duration; use a number and a unit m, h, d or w, e.g. 7d`,
    );
  }
  if (ms > maxMs) {
    throw new ConfigError(variable, `${text} is longer than ${maxMs / 86_400_000}d`);
  }
  return ms;
}

function parseBoolean(env: Env, variable: string, fallback: boolean): boolean {
  const raw = env[variable];
  if (raw === undefined || raw === "") {
    return fallback;
  }
  if (raw === "true" || raw === "1") {
    return true;
  }
  if (raw === "false" || raw === "0") {
    return false;
  }
  throw new ConfigError(variable, `"${raw}" is not true or false`);
}

/** A day, in seconds: a longer timeout protects nothing. */
const MAX_TIMEOUT_S = 86_400;

/** One entry of GATEHOUSE_TRUST_PROXY: an IPv4 or IPv6 address, or a CIDR range of either. */
function parseProxyEntry(entry: string): string {
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefixOk =
    prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
  if (family === 0 || !prefixOk || extra !== undefined) {
    throw new ConfigError(
      "GATEHOUSE_TRUST_PROXY",
      `"${entry}" is not an IP address or a CIDR range (like 10.0.0.1, 10.0.0.0/8 or fd00::/8); list the proxies in front of the hub, separated by commas`,
    );
  }
  return entry;
}

function parseTrustProxy(raw: string | undefined): readonly string[] {
  if (raw === undefined || raw.trim() === "") {
    return Object.freeze([]);
  }
  return Object.freeze(raw.split(",").map((entry) => parseProxyEntry(entry.trim())));
}

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw === "") {
    return { kind: "sqlite", file: path.join(dataDir, "gatehouse.sqlite") };
  }
  if (raw.startsWith("postgres://") || raw.startsWith("postgresql://")) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a valid postgres:// URL");
    }
    return { kind: "postgres", url: raw };
  }
  if (raw.startsWith("sqlite:")) {
    const file = raw.slice("sqlite:".length).replace(/^\/\//, "");
    if (file === "") {
      throw new ConfigError("DATABASE_URL", "sqlite: needs a file path, e.g. sqlite:./hub.sqlite");
    }
    return { kind: "sqlite", file: path.resolve(file) };
  }
  throw new ConfigError(
    "DATABASE_URL",
    `unsupported database "${raw.split(":")[0] ?? raw}"; use postgres://user@host/db or sqlite:FILE`,
  );
}

const LIMITS_UNAVAILABLE = ["closed", "open", "local"] as const;

function parseLimits(env: Env): LimitsConfig {
  const raw = env.REDIS_URL?.trim() ?? "";
  let redisUrl: string | null = null;
  if (raw !== "") {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      // The value may hold a password: it is not repeated.
      throw new ConfigError(
        "REDIS_URL",
        "is not a URL; use e.g. redis://localhost:6379 (rediss:// for TLS)",
      );
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new ConfigError(
        "REDIS_URL",
        `starts with ${url.protocol}// rather than redis:// or rediss://; use e.g. redis://localhost:6379 (rediss:// for TLS)`,
      );
    }
    if (url.hostname === "") {
      throw new ConfigError("REDIS_URL", "names no host; use e.g. redis://localhost:6379");
    }
    redisUrl = raw;
  }
  const mode = env.GATEHOUSE_LIMITS_UNAVAILABLE?.trim() ?? "";
  const unavailable = mode === "" ? "closed" : LIMITS_UNAVAILABLE.find((m) => m === mode);
  if (unavailable === undefined) {
    throw new ConfigError(
      "GATEHOUSE_LIMITS_UNAVAILABLE",
      `"${mode}" is not one of ${LIMITS_UNAVAILABLE.join(", ")}`,
    );
  }
  const prefix = env.GATEHOUSE_LIMITS_REDIS_PREFIX?.trim() ?? "";
  if (prefix.length > 64 || /[\s*?[\]]/.test(prefix)) {
    throw new ConfigError(
      "GATEHOUSE_LIMITS_REDIS_PREFIX",
      "must be at most 64 characters without spaces or the pattern characters * ? [ ]; use e.g. gatehouse:prod:",
    );
  }
  return { redisUrl, unavailable, redisPrefix: prefix === "" ? "gatehouse:limits:" : prefix };
}

function parseBlobs(raw: string | undefined, dataDir: string): BlobsConfig {
  if (raw === undefined || raw === "") {
    return { kind: "fs", dir: path.join(dataDir, "blobs") };
  }
  if (raw.startsWith("s3://")) {
    throw new ConfigError(
      "GATEHOUSE_BLOBS",
      "S3 blob storage is not available in this version; use a folder path or file://PATH",
    );
  }
  const dir = raw.startsWith("file://") ? raw.slice("file://".length) : raw;
  if (dir === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) {
    throw new ConfigError("GATEHOUSE_BLOBS", `"${raw}" is not a folder path or file://PATH`);
  }
  return { kind: "fs", dir: path.resolve(dir) };
}

function parseAdminToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") {
    return undefined;
  }
  if (!raw.startsWith("hf_") || raw.length < 32 || !/^[A-Za-z0-9_]+$/.test(raw)) {
    throw new ConfigError(
      "GATEHOUSE_ADMIN_TOKEN",
      "must start with hf_ (the Hugging Face clients refuse other tokens), be at least 32 characters and hold only letters, digits and _",
    );
  }
  return raw;
}

function parseAdminPassword(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") {
    return undefined;
  }
  const problem = passwordProblem(raw);
  if (problem !== null) {
    // The message says how long it is, never what it is.
    throw new ConfigError("GATEHOUSE_ADMIN_PASSWORD", `the password ${problem}`);
  }
  return raw;
}

function parsePublicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("GATEHOUSE_PUBLIC_URL", `"${raw}" is not an absolute http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("GATEHOUSE_PUBLIC_URL", `"${raw}" is not an absolute http(s) URL`);
  }
  return raw.replace(/\/+$/, "");
}

/** Hosts an http issuer may be on: a provider on the hub's own machine, where nothing crosses a network. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function parseIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("GATEHOUSE_OIDC_ISSUER", `"${raw}" is not an absolute https URL`);
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new ConfigError(
      "GATEHOUSE_OIDC_ISSUER",
      `"${raw}" is not an https URL; the provider's answers decide who signs in, so they must come over https (http only for a provider on this machine: localhost or 127.0.0.1)`,
    );
  }
  return raw;
}

/** Parses the GATEHOUSE_OIDC_* settings: all of them or none, checked together. */
function parseOidc(env: Env): OidcConfig | null {
  const set = (variable: string): string | undefined => {
    const raw = env[variable]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const issuer = set("GATEHOUSE_OIDC_ISSUER");
  if (issuer === undefined) {
    for (const variable of ["GATEHOUSE_OIDC_CLIENT_ID", "GATEHOUSE_OIDC_CLIENT_SECRET"]) {
      if (set(variable) !== undefined) {
        throw new ConfigError(
          "GATEHOUSE_OIDC_ISSUER",
          `is not set but ${variable} is; set the provider's issuer URL to turn on OpenID Connect sign-in, or unset ${variable}`,
        );
      }
    }
    return null;
  }
  const required = (variable: string, what: string): string => {
    const value = set(variable);
    if (value === undefined) {
      throw new ConfigError(
        variable,
        `is not set but GATEHOUSE_OIDC_ISSUER is; set ${what} the provider gave when the hub was registered there`,
      );
    }
    return value;
  };
  const scopes = (set("GATEHOUSE_OIDC_SCOPES") ?? "openid profile email").split(/\s+/);
  if (!scopes.includes("openid")) {
    throw new ConfigError(
      "GATEHOUSE_OIDC_SCOPES",
      `"${scopes.join(" ")}" lacks openid, without which the provider answers no ID token; add it`,
    );
  }
  const usernameClaim = set("GATEHOUSE_OIDC_USERNAME_CLAIM") ?? "preferred_username";
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(usernameClaim)) {
    throw new ConfigError(
      "GATEHOUSE_OIDC_USERNAME_CLAIM",
      `"${usernameClaim}" is not a claim name; use one like preferred_username or email`,
    );
  }
  const issuerUrl = parseIssuer(issuer);
  return {
    issuer: issuerUrl,
    clientId: required("GATEHOUSE_OIDC_CLIENT_ID", "the client id"),
    clientSecret: required("GATEHOUSE_OIDC_CLIENT_SECRET", "the client secret"),
    // The provider's host tells people more than a generic word when no name is given.
    name: set("GATEHOUSE_OIDC_NAME")?.slice(0, 64) ?? new URL(issuer).host,
    scopes: scopes.join(" "),
    usernameClaim,
    createUsers: parseBoolean(env, "GATEHOUSE_OIDC_CREATE_USERS", false),
  };
}

function parseLogLevel(raw: string | undefined): Config["logLevel"] {
  if (raw === undefined || raw === "") {
    return "info";
  }
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level === undefined) {
    throw new ConfigError("GATEHOUSE_LOG_LEVEL", `"${raw}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  return level;
}

/** Where `npm run build` puts the web UI: the `dist` folder of the `@gatehouse/web` workspace. */
function builtWebUi(): string {
  const manifest = createRequire(import.meta.url).resolve("@gatehouse/web/package.json");
  return path.join(path.dirname(manifest), "dist");
}

/**
 * Builds the frozen configuration from environment variables, overridden by
 * command-line flags (`--port`, `--host`, `--data-dir`). Throws a ConfigError
 * naming the first bad variable.
 *
 * @example loadConfig(process.env, process.argv.slice(2))
 */
export function loadConfig(env: Env, argv: readonly string[] = []): Config {
  let flags;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new ConfigError("arguments", (err as Error).message);
  }
  const dataDir = path.resolve(flags["data-dir"] ?? env.GATEHOUSE_DATA_DIR ?? ".gatehouse");
  const portRaw = flags.port ?? env.GATEHOUSE_PORT;
  const config: Config = {
    dataDir,
    host: flags.host ?? env.GATEHOUSE_HOST ?? "127.0.0.1",
    port:
      portRaw === undefined || portRaw === ""
        ? 8080
        : parsePort(flags.port !== undefined ? "--port" : "GATEHOUSE_PORT", portRaw),
    database: parseDatabase(env.DATABASE_URL, dataDir),
    blobs: parseBlobs(env.GATEHOUSE_BLOBS, dataDir),
    adminToken: parseAdminToken(env.GATEHOUSE_ADMIN_TOKEN),
    adminPassword: parseAdminPassword(env.GATEHOUSE_ADMIN_PASSWORD),
    publicUrl: parsePublicUrl(env.GATEHOUSE_PUBLIC_URL),
    logLevel: parseLogLevel(env.GATEHOUSE_LOG_LEVEL),
    jsonBodyLimit: 1024 * 1024,
    authFailuresPerMinute: positiveIntOr(env, "GATEHOUSE_AUTH_FAILURES_PER_MINUTE", 20),
    trustProxy: parseTrustProxy(env.GATEHOUSE_TRUST_PROXY),
    bodyIdleTimeoutMs: positiveIntOr(env, "GATEHOUSE_BODY_IDLE_TIMEOUT", 60, MAX_TIMEOUT_S) * 1000,
    requestTimeoutMs: positiveIntOr(env, "GATEHOUSE_REQUEST_TIMEOUT", 30, MAX_TIMEOUT_S) * 1000,
    connectionsPerAddress: positiveIntOr(env, "GATEHOUSE_CONNECTIONS_PER_ADDRESS", 256),
    defaultPolicy: parseBoolean(env, "GATEHOUSE_DEFAULT_POLICY", true),
    policyDir:
      env.GATEHOUSE_POLICY_DIR === undefined || env.GATEHOUSE_POLICY_DIR === ""
        ? null
        : path.resolve(env.GATEHOUSE_POLICY_DIR),
    scheduleIntervalMs: positiveIntOr(env, "GATEHOUSE_SCHEDULE_INTERVAL", 10, MAX_TIMEOUT_S) * 1000,
    // The Hugging Face Hub's own limit for files committed without LFS.
    lfsThresholdBytes: positiveIntOr(
      env,
      "GATEHOUSE_LFS_THRESHOLD",
      10 * 1024 * 1024,
      MAX_LFS_THRESHOLD,
    ),
    webhookIntervalMs: positiveIntOr(env, "GATEHOUSE_WEBHOOK_INTERVAL", 5, MAX_TIMEOUT_S) * 1000,
    // The Standard Webhooks convention suggests 15 to 30 seconds; a minute is plenty.
    webhookTimeoutMs: positiveIntOr(env, "GATEHOUSE_WEBHOOK_TIMEOUT", 15, 60) * 1000,
    webhookDisableAfter: positiveIntOr(env, "GATEHOUSE_WEBHOOK_DISABLE_AFTER", 30),
    webhookAllowPrivate: parseBoolean(env, "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE", false),
    signedUrlMaxExpiryMs: durationOr(
      env,
      "GATEHOUSE_SIGNED_URL_MAX_EXPIRY",
      "7d",
      MAX_SIGNED_URL_EXPIRY_MS,
    ),
    webDir:
      env.GATEHOUSE_WEB_DIR === undefined || env.GATEHOUSE_WEB_DIR === ""
        ? builtWebUi()
        : path.resolve(env.GATEHOUSE_WEB_DIR),
    sessionTtlMs: durationOr(env, "GATEHOUSE_SESSION_TTL", "7d", MAX_SESSION_TTL_MS),
    oidc: parseOidc(env),
    serve: parseServe(env),
    limits: parseLimits(env),
    usage: parseUsage(env),
    signals: parseSignals(env),
  };
  return Object.freeze(config);
}

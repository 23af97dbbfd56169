import assert from "node:assert/strict";
import path from "node:path";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.js";

/** Asserts that loading `env` throws a ConfigError naming `variable`, in its field and its message. */
function assertRejects(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.equal(err.variable, variable);
      assert.match(err.message, new RegExp(variable));
      return true;
    },
  );
}

describe("configuration", () => {
  it("defaults to ./.gatehouse, 127.0.0.1:8080, a SQLite file and a blob folder in the data dir", () => {
    const config = loadConfig({});
    const dataDir = path.resolve(".gatehouse");
    assert.equal(config.dataDir, dataDir);
    assert.ok(path.isAbsolute(config.dataDir));
    assert.equal(config.port, 8080);
    assert.equal(config.host, "127.0.0.1");
    const database = config.database;
    if (database.kind !== "sqlite") {
      assert.fail(`the default database is ${database.kind}, not SQLite`);
    }
    assert.equal(path.dirname(database.file), dataDir);
    assert.match(database.file, /\.sqlite$/);
    assert.deepEqual(config.blobs, { kind: "fs", dir: path.join(dataDir, "blobs") });
    assert.equal(config.adminToken, undefined);
    assert.equal(config.logLevel, "info");
    assert.ok(Object.isFrozen(config));
  });

  it("puts the database and blobs under GATEHOUSE_DATA_DIR when only the data dir is set", () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: "some/where" });
    const dataDir = path.resolve("some/where");
    assert.equal(config.dataDir, dataDir);
    assert.ok(config.database.kind === "sqlite");
    assert.equal(path.dirname(config.database.file), dataDir);
    assert.equal(config.blobs.dir, path.join(dataDir, "blobs"));
  });

  it("accepts PostgreSQL URLs, folder blobs and flags that override the environment", () => {
    const config = loadConfig(
      {
        GATEHOUSE_PORT: "9000",
        DATABASE_URL: "postgres://hub@db.example/hub",
        GATEHOUSE_BLOBS: "file://var/blobs",
      },
      ["--port", "9100", "--host", "0.0.0.0"],
    );
    assert.equal(config.port, 9100);
    assert.equal(config.host, "0.0.0.0");
    assert.deepEqual(config.database, { kind: "postgres", url: "postgres://hub@db.example/hub" });
    assert.deepEqual(config.blobs, { kind: "fs", dir: path.resolve("var/blobs") });
  });

  it("rejects a port that is not a number", () => {
    assertRejects({ GATEHOUSE_PORT: "abc" }, "GATEHOUSE_PORT");
  });

  it("rejects a port above 65535", () => {
    assertRejects({ GATEHOUSE_PORT: "70000" }, "GATEHOUSE_PORT");
  });

  it("rejects a database other than SQLite or PostgreSQL", () => {
    assertRejects({ DATABASE_URL: "mysql://x" }, "DATABASE_URL");
  });

  it("rejects S3 blob storage, which is not available yet", () => {
    assertRejects({ GATEHOUSE_BLOBS: "s3://b" }, "GATEHOUSE_BLOBS");
  });

  it("rejects an admin token that is too short", () => {
    assertRejects({ GATEHOUSE_ADMIN_TOKEN: "short" }, "GATEHOUSE_ADMIN_TOKEN");
    assertRejects({ GATEHOUSE_ADMIN_TOKEN: "hf_short" }, "GATEHOUSE_ADMIN_TOKEN");
  });

  it("rejects an admin token without the hf_ prefix the Hugging Face clients require", () => {
    assertRejects({ GATEHOUSE_ADMIN_TOKEN: `gth_${"a".repeat(40)}` }, "GATEHOUSE_ADMIN_TOKEN");
  });

  it("rejects an unknown log level", () => {
    assertRejects({ GATEHOUSE_LOG_LEVEL: "loud" }, "GATEHOUSE_LOG_LEVEL");
  });

  it("trusts no proxy by default, and the addresses and CIDR ranges GATEHOUSE_TRUST_PROXY lists", () => {
    assert.deepEqual(loadConfig({}).trustProxy, []);
    assert.deepEqual(
      loadConfig({ GATEHOUSE_TRUST_PROXY: "10.0.0.1, 10.1.0.0/16,fd00::/8, ::1" }).trustProxy,
      ["10.0.0.1", "10.1.0.0/16", "fd00::/8", "::1"],
    );
  });

  for (const bad of [
    "true",
    "*",
    "loopback",
    "10.0.0.0/33",
    "fd00::/129",
    "10.0.0.0/8/1",
    "10.0.0.1,",
    "10.0.0.256",
    "proxy.example",
  ]) {
    it(`rejects "${bad}" in GATEHOUSE_TRUST_PROXY, naming the entry`, () => {
      assertRejects({ GATEHOUSE_TRUST_PROXY: bad }, "GATEHOUSE_TRUST_PROXY");
      assert.throws(
        () => loadConfig({ GATEHOUSE_TRUST_PROXY: bad }),
        /is not an IP address or a CIDR range/,
      );
    });
  }

  it("times bodies out after 60 s idle and other requests after 30 s, and allows 256 connections per address, unless told otherwise", () => {
    const defaults = loadConfig({});
    assert.equal(defaults.bodyIdleTimeoutMs, 60_000);
    assert.equal(defaults.requestTimeoutMs, 30_000);
    assert.equal(defaults.connectionsPerAddress, 256);
    const set = loadConfig({
      GATEHOUSE_BODY_IDLE_TIMEOUT: "5",
      GATEHOUSE_REQUEST_TIMEOUT: "7",
      GATEHOUSE_CONNECTIONS_PER_ADDRESS: "9",
    });
    assert.equal(set.bodyIdleTimeoutMs, 5_000);
    assert.equal(set.requestTimeoutMs, 7_000);
    assert.equal(set.connectionsPerAddress, 9);
  });

  for (const [variable, bad] of [
    ["GATEHOUSE_BODY_IDLE_TIMEOUT", "0"],
    ["GATEHOUSE_BODY_IDLE_TIMEOUT", "1.5"],
    ["GATEHOUSE_BODY_IDLE_TIMEOUT", "86401"],
    ["GATEHOUSE_REQUEST_TIMEOUT", "-1"],
    ["GATEHOUSE_REQUEST_TIMEOUT", "30s"],
    ["GATEHOUSE_CONNECTIONS_PER_ADDRESS", "0"],
    ["GATEHOUSE_CONNECTIONS_PER_ADDRESS", "many"],
  ] as const) {
    it(`rejects ${variable}="${bad}"`, () => {
      assertRejects({ [variable]: bad }, variable);
    });
  }

  it("lasts web sessions 7 days unless GATEHOUSE_SESSION_TTL says otherwise, in the duration grammar", () => {
    assert.equal(loadConfig({}).sessionTtlMs, 7 * 86_400_000);
    assert.equal(loadConfig({ GATEHOUSE_SESSION_TTL: "12h" }).sessionTtlMs, 12 * 3_600_000);
    assert.equal(loadConfig({ GATEHOUSE_SESSION_TTL: "2w" }).sessionTtlMs, 14 * 86_400_000);
  });

  for (const bad of ["7", "0d", "1y", "-1d", "7 days", "400d"]) {
    it(`rejects GATEHOUSE_SESSION_TTL="${bad}"`, () => {
      assertRejects({ GATEHOUSE_SESSION_TTL: bad }, "GATEHOUSE_SESSION_TTL");
    });
  }

  it("serves with one intra-op thread, workers × threads within the cores, a queue of 64 and a 15-minute idle unload by default", () => {
    const cores = availableParallelism();
    assert.deepEqual(loadConfig({}).serve, {
      intraOpThreads: 1,
      maxWorkers: cores,
      queueLimit: 64,
      idleUnloadMs: 900_000,
      maxBatch: 32,
      maxDelayUs: 0,
      upstreamKeys: new Map(),
      moderation: null,
    });
    const two = loadConfig({ GATEHOUSE_SERVE_INTRA_OP_THREADS: "2" }).serve;
    assert.equal(two.maxWorkers, Math.max(1, Math.floor(cores / 2)));
    assert.deepEqual(
      loadConfig({
        GATEHOUSE_SERVE_MAX_WORKERS: "3",
        GATEHOUSE_SERVE_QUEUE: "5",
        GATEHOUSE_SERVE_IDLE_UNLOAD: "60",
        GATEHOUSE_SERVE_MAX_BATCH: "8",
        GATEHOUSE_SERVE_MAX_DELAY_MS: "2.5",
      }).serve,
      {
        intraOpThreads: 1,
        maxWorkers: 3,
        queueLimit: 5,
        idleUnloadMs: 60_000,
        maxBatch: 8,
        maxDelayUs: 2500,
        upstreamKeys: new Map(),
        moderation: null,
      },
    );
  });

  it("reads the upstream engines' keys from GATEHOUSE_UPSTREAM_KEYS, by origin", () => {
    const keys = loadConfig({
      GATEHOUSE_UPSTREAM_KEYS: '{"http://10.0.0.5:8000/v1": "sk-a", "https://llm.example": "sk-b"}',
    }).serve.upstreamKeys;
    assert.deepEqual(
      [...keys],
      [
        ["http://10.0.0.5:8000", "sk-a"],
        ["https://llm.example", "sk-b"],
      ],
    );
  });

  for (const bad of [
    "sk-a",
    '["sk-a"]',
    '{"not a url": "sk-a"}',
    '{"http://h:1": ""}',
    '{"http://h:1": 5}',
  ]) {
    it(`rejects GATEHOUSE_UPSTREAM_KEYS=${bad}`, () => {
      assertRejects({ GATEHOUSE_UPSTREAM_KEYS: bad }, "GATEHOUSE_UPSTREAM_KEYS");
    });
  }

  it("reads the moderation endpoint of use checks, with OpenAI's model and ten seconds by default, and none when unset", () => {
    assert.equal(loadConfig({}).serve.moderation, null);
    assert.deepEqual(
      loadConfig({ GATEHOUSE_MODERATION_URL: "https://mod.example/v1/moderations" }).serve
        .moderation,
      {
        url: "https://mod.example/v1/moderations",
        key: null,
        model: "omni-moderation-latest",
        timeoutMs: 10_000,
      },
    );
    assert.deepEqual(
      loadConfig({
        GATEHOUSE_MODERATION_URL: "http://10.0.0.7:8000/v1/moderations",
        GATEHOUSE_MODERATION_KEY: "sk-m",
        GATEHOUSE_MODERATION_MODEL: "text-moderation-stable",
        GATEHOUSE_MODERATION_TIMEOUT: "2",
      }).serve.moderation,
      {
        url: "http://10.0.0.7:8000/v1/moderations",
        key: "sk-m",
        model: "text-moderation-stable",
        timeoutMs: 2000,
      },
    );
  });

  for (const [variable, bad] of [
    ["GATEHOUSE_MODERATION_URL", "mod.example/v1/moderations"],
    ["GATEHOUSE_MODERATION_URL", "ftp://mod.example/v1/moderations"],
    ["GATEHOUSE_SIGNAL_CONTENT_POLICY_REFUSALS", "0"],
  ] as const) {
    it(`rejects ${variable}="${bad}"`, () => {
      assertRejects({ [variable]: bad }, variable);
    });
  }

  it("rejects GATEHOUSE_SIGNAL_ACTIONS, pointing to the policy's signal rules that decide actions", () => {
    assert.throws(
      () => loadConfig({ GATEHOUSE_SIGNAL_ACTIONS: "spike=throttle" }),
      /^ConfigError: GATEHOUSE_SIGNAL_ACTIONS: what a signal does is decided by the `signals:` rules of the policy files, not by a setting; write them there \(docs\/signals\.md#actions\) and unset this variable$/,
    );
  });

  it("rejects a moderation timeout that is not a whole number of seconds", () => {
    assertRejects(
      {
        GATEHOUSE_MODERATION_URL: "https://mod.example/v1/moderations",
        GATEHOUSE_MODERATION_TIMEOUT: "10s",
      },
      "GATEHOUSE_MODERATION_TIMEOUT",
    );
  });

  for (const [variable, bad] of [
    ["GATEHOUSE_SERVE_INTRA_OP_THREADS", "0"],
    ["GATEHOUSE_SERVE_MAX_WORKERS", "two"],
    ["GATEHOUSE_SERVE_QUEUE", "-1"],
    ["GATEHOUSE_SERVE_IDLE_UNLOAD", "15m"],
    ["GATEHOUSE_SERVE_MAX_BATCH", "0"],
    ["GATEHOUSE_SERVE_MAX_BATCH", "1025"],
    ["GATEHOUSE_SERVE_MAX_DELAY_MS", "-1"],
    ["GATEHOUSE_SERVE_MAX_DELAY_MS", "1001"],
    ["GATEHOUSE_SERVE_MAX_DELAY_MS", "2ms"],
  ] as const) {
    it(`rejects ${variable}="${bad}"`, () => {
      assertRejects({ [variable]: bad }, variable);
    });
  }

  it("takes the first admin's password from GATEHOUSE_ADMIN_PASSWORD, or leaves it to be generated", () => {
    assert.equal(loadConfig({}).adminPassword, undefined);
    assert.equal(
      loadConfig({ GATEHOUSE_ADMIN_PASSWORD: "a long enough one" }).adminPassword,
      "a long enough one",
    );
  });

  it("rejects a GATEHOUSE_ADMIN_PASSWORD the password rules refuse, saying why and not what it is", () => {
    assertRejects({ GATEHOUSE_ADMIN_PASSWORD: "short" }, "GATEHOUSE_ADMIN_PASSWORD");
    assert.throws(
      () => loadConfig({ GATEHOUSE_ADMIN_PASSWORD: "short" }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(
          "GATEHOUSE_ADMIN_PASSWORD: the password is 5 characters long; use at least 12",
        ) &&
        !err.message.includes('"short"'),
    );
  });

  it("counts usage limits in memory and refuses limited calls while Redis is down, by default", () => {
    assert.deepEqual(loadConfig({}).limits, {
      redisUrl: null,
      unavailable: "closed",
      redisPrefix: "gatehouse:limits:",
    });
  });

  it("counts usage limits on Redis when REDIS_URL is a redis:// or rediss:// URL", () => {
    assert.deepEqual(loadConfig({ REDIS_URL: "redis://:secret@cache.internal:6380/2" }).limits, {
      redisUrl: "redis://:secret@cache.internal:6380/2",
      unavailable: "closed",
      redisPrefix: "gatehouse:limits:",
    });
    assert.equal(
      loadConfig({ REDIS_URL: "rediss://cache.example" }).limits.redisUrl,
      "rediss://cache.example",
    );
    for (const mode of ["closed", "open", "local"] as const) {
      assert.equal(
        loadConfig({ REDIS_URL: "redis://localhost", GATEHOUSE_LIMITS_UNAVAILABLE: mode }).limits
          .unavailable,
        mode,
      );
    }
  });

  it("rejects a REDIS_URL that is not a redis:// URL, without repeating its password", () => {
    for (const bad of ["http://:pw@cache:6379", "localhost:6379", "cache", "redis://"]) {
      assertRejects({ REDIS_URL: bad }, "REDIS_URL");
    }
    assert.throws(
      () => loadConfig({ REDIS_URL: "https://user:hunter2@cache.example" }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.includes("starts with https://") &&
        !err.message.includes("hunter2"),
    );
  });

  it("rejects a GATEHOUSE_LIMITS_UNAVAILABLE other than closed, open or local", () => {
    assertRejects({ GATEHOUSE_LIMITS_UNAVAILABLE: "fail-open" }, "GATEHOUSE_LIMITS_UNAVAILABLE");
  });

  it("keys usage limits under GATEHOUSE_LIMITS_REDIS_PREFIX, refusing one with spaces or patterns", () => {
    assert.equal(
      loadConfig({ GATEHOUSE_LIMITS_REDIS_PREFIX: "gatehouse:staging:" }).limits.redisPrefix,
      "gatehouse:staging:",
    );
    for (const bad of ["two words:", "gh:*", "x".repeat(65)]) {
      assertRejects({ GATEHOUSE_LIMITS_REDIS_PREFIX: bad }, "GATEHOUSE_LIMITS_REDIS_PREFIX");
    }
  });

  it("names the flag, not the variable, when a bad port comes from --port", () => {
    assert.throws(
      () => loadConfig({ GATEHOUSE_PORT: "8081" }, ["--port", "abc"]),
      (err: unknown) => err instanceof ConfigError && err.variable === "--port",
    );
  });
});

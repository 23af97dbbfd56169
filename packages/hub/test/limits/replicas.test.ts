import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import {
  crashDatabase,
  expectStatus,
  spawnHub,
  type CrashDatabase,
  type SpawnedHub,
} from "../crash/spawned-hub.js";
import { irisRequest, IRIS_ROWS, trainIris } from "../serve/support.js";
import { POSTGRES_URL } from "../support/harness.js";

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL;
const QUOTA = 60;
const CALLS_PER_HUB = 120;
const INFER = "/v2/models/acme--iris/versions/v1/infer";

/**
 * Two hub processes behind one database and one Redis, as replicas behind a
 * load balancer run, called at once by one caller: between them they admit
 * exactly the quota, where gateways that read a counter and write it back
 * admit more.
 */
describe(
  "usage limits across two hub processes on one Redis",
  {
    skip:
      POSTGRES_URL === undefined || REDIS_URL === undefined
        ? "needs GATEHOUSE_TEST_POSTGRES_URL and GATEHOUSE_TEST_REDIS_URL"
        : false,
  },
  () => {
    let dataDir: string;
    let db: CrashDatabase;
    let hubs: SpawnedHub[] = [];
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let carl: string;
    const prefix = `gatehouse:test:${randomBytes(6).toString("hex")}:`;

    before(async () => {
      iris = await trainIris();
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-replicas-"));
      db = await crashDatabase("postgres", dataDir);
      const env = {
        ...db.env,
        REDIS_URL: REDIS_URL ?? "",
        GATEHOUSE_LIMITS_REDIS_PREFIX: prefix,
        GATEHOUSE_DEFAULT_POLICY: "false",
      };
      // One after the other: the first creates the tables, the second finds them.
      const first = await spawnHub(dataDir, env);
      hubs = [first];
      await expectStatus(first.request("POST", "/api/users", { json: { name: "olivia" } }), 201);
      await expectStatus(first.request("POST", "/api/users", { json: { name: "carl" } }), 201);
      await expectStatus(first.request("POST", "/api/orgs", { json: { name: "acme" } }), 201);
      await expectStatus(
        first.request("POST", "/api/models", { json: { id: "acme/iris", visibility: "api" } }),
        201,
      );
      await expectStatus(
        first.request("POST", "/api/models/acme/iris/versions", { json: { name: "v1" } }),
        201,
      );
      await expectStatus(
        first.request("PUT", "/api/models/acme/iris/versions/v1/files/model.onnx", {
          body: iris.bytes,
        }),
        201,
      );
      await expectStatus(first.request("POST", "/api/models/acme/iris/versions/v1/publish"), 200);
      await expectStatus(
        first.request("PUT", "/api/models/acme/iris/versions/v1/serving", { json: { workers: 1 } }),
        200,
      );
      await expectStatus(
        first.request("PUT", "/api/models/acme/iris/versions/v1/limits", {
          json: { requests: { perDay: QUOTA } },
        }),
        200,
      );
      const token = await expectStatus(
        first.request("POST", "/api/tokens", { json: { user: "carl", scopes: ["read"] } }),
        201,
      );
      carl = ((await token.json()) as { token: string }).token;
      hubs.push(await spawnHub(dataDir, env));
    });
    after(async () => {
      await Promise.all(hubs.map((h) => h.kill()));
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
      await iris.cleanup();
      const redis = new Redis(REDIS_URL ?? "");
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      redis.disconnect();
    });

    it(`admits exactly a quota of ${QUOTA} between both hubs, called at once ${2 * CALLS_PER_HUB} times`, async () => {
      // A day's window: the calls must not straddle midnight UTC, when a fresh quota begins.
      const msToMidnight = 86_400_000 - (Date.now() % 86_400_000);
      if (msToMidnight < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, msToMidnight + 1000));
      }
      const body = JSON.stringify(irisRequest(IRIS_ROWS.slice(0, 1)));
      const send = async (hub: SpawnedHub) => {
        const res = await hub.request("POST", INFER, {
          body: Buffer.from(body),
          headers: { authorization: `Bearer ${carl}`, "content-type": "application/json" },
        });
        await res.arrayBuffer();
        return { hub: hub.url, status: res.status };
      };
      // One call each first, so that both hubs have the model loaded when the burst comes.
      for (const hub of hubs) {
        assert.equal((await send(hub)).status, 200);
      }
      const answers = await Promise.all(
        Array.from({ length: CALLS_PER_HUB }, () => hubs.map((hub) => send(hub))).flat(),
      );
      const admitted = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(admitted.length, QUOTA - hubs.length);
      assert.equal(refused.length, 2 * CALLS_PER_HUB - (QUOTA - hubs.length));
      for (const hub of hubs) {
        assert.ok(
          admitted.some((a) => a.hub === hub.url),
          `${hub.url} admitted none: the test did not hammer both hubs`,
        );
      }
      const last = await hubs[1]?.request("POST", INFER, {
        body: Buffer.from(body),
        headers: { authorization: `Bearer ${carl}`, "content-type": "application/json" },
      });
      assert.equal(last?.status, 429);
      assert.match(last.headers.get("ratelimit") ?? "", /^"version-per-day";r=0;t=\d+$/);
    });
  },
);

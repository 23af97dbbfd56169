import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { buildApp, type BuiltApp } from "../../src/app.js";
import { runDueTransitions } from "../../src/release/index.js";
import {
  crashDatabase,
  expectStatus,
  spawnHub,
  type CrashDatabase,
  type SpawnedHub,
} from "../crash/spawned-hub.js";
import { DIALECTS, POSTGRES_URL, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { createDraft } from "../security/support.js";

const NO_RULES = { GATEHOUSE_DEFAULT_POLICY: "false" };

for (const dialect of DIALECTS) {
  describe(`a stage change through one hub process is in force at once through another (${dialect})`, () => {
    let dataDir: string;
    let database: CrashDatabase;
    let hubs: SpawnedHub[] = [];

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-two-hubs-"));
      database = await crashDatabase(dialect, dataDir);
      hubs.push(await spawnHub(dataDir, { ...database.env, ...NO_RULES }));
      hubs.push(await spawnHub(dataDir, { ...database.env, ...NO_RULES }));
    });
    after(async () => {
      await Promise.all(hubs.map((h) => h.kill()));
      hubs = [];
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("hides a version from the second hub on the request after the first withdrew it", async () => {
      const [a, b] = hubs;
      assert.ok(a !== undefined && b !== undefined);
      await expectStatus(
        a.request("POST", "/api/models", { json: { id: "admin/shared", visibility: "open" } }),
        201,
      );
      await expectStatus(
        a.request("POST", "/api/models/admin/shared/versions", { json: { name: "v1" } }),
        201,
      );
      await expectStatus(
        a.request("PUT", "/api/models/admin/shared/versions/v1/files/w.bin", {
          body: Buffer.from("weights"),
        }),
        201,
      );
      await expectStatus(a.request("POST", "/api/models/admin/shared/versions/v1/publish"), 200);
      // Read through the second hub first, so anything it keeps in memory is warm.
      for (let i = 0; i < 3; i += 1) {
        await expectStatus(fetch(`${b.url}/admin/shared/resolve/v1/w.bin`), 200);
      }
      await expectStatus(
        a.request("POST", "/api/models/admin/shared/versions/v1/transitions", {
          json: { to: "internal", reason: "restricted through the first hub" },
        }),
        200,
      );
      // The model is open as a name; its only version is now internal, so to an outsider it has none.
      const hidden = await fetch(`${b.url}/admin/shared/resolve/v1/w.bin`);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.headers.get("x-error-code"), "RevisionNotFound");
      await expectStatus(
        a.request("POST", "/api/models/admin/shared/versions/v1/transitions", {
          json: { to: "withdrawn", reason: "withdrawn through the first hub" },
        }),
        200,
      );
      const gone = await b.request("GET", "/admin/shared/resolve/v1/w.bin", {
        headers: { range: "bytes=3-" },
      });
      assert.equal(gone.status, 410);
      assert.match(await gone.text(), /withdrawn through the first hub/);
    });
  });
}

describe(
  "a scheduled stage change runs exactly once with two hubs on one PostgreSQL",
  {
    skip: POSTGRES_URL === undefined ? "GATEHOUSE_TEST_POSTGRES_URL is not set" : false,
  },
  () => {
    const VERSIONS = 12;
    const clock = new ManualClock("2026-07-01T00:00:00.000Z");
    let first: TestHub;
    let second: BuiltApp;

    before(async () => {
      first = await startHub("postgres", NO_RULES, { clock });
      // A second hub on the same schema, with its own connections: it contends as another process would.
      second = await buildApp({ config: first.config, clock });
    });
    after(async () => {
      await second.close();
      await first.close();
    });

    it(`runs each of ${VERSIONS} embargoes once, however many runs race for them`, async () => {
      const token = first.adminToken;
      await expectStatus(
        first.request("POST", "/api/models", { token, json: { id: "admin/embargo" } }),
        201,
      );
      const at = new Date(clock.now().getTime() + 86_400_000).toISOString();
      for (let i = 0; i < VERSIONS; i += 1) {
        await createDraft(first, token, "admin/embargo", `v${i}`, { "w.bin": `weights ${i}` });
        await expectStatus(
          first.request("POST", `/api/models/admin/embargo/versions/v${i}/publish`, { token }),
          200,
        );
        await expectStatus(
          first.request("POST", `/api/models/admin/embargo/versions/v${i}/transitions`, {
            token,
            json: { to: "open", reason: "launch day", at },
          }),
          202,
        );
      }
      assert.equal(await runDueTransitions(second.ctx), 0, "nothing runs before its time");
      clock.advance(86_400);
      const ran = await Promise.all([
        runDueTransitions(first.built.ctx),
        runDueTransitions(second.ctx),
        runDueTransitions(first.built.ctx),
        runDueTransitions(second.ctx),
      ]);
      assert.equal(
        ran.reduce((a, b) => a + b, 0),
        VERSIONS,
        `runs: ${ran.join(", ")}`,
      );
      const moves = await first.built.ctx.db
        .selectFrom("audit_events")
        .select(["resource"])
        .where("action", "=", "version.stage")
        .execute();
      assert.equal(moves.length, VERSIONS);
      assert.equal(new Set(moves.map((m) => m.resource)).size, VERSIONS);
      const res = await expectStatus(first.request("GET", "/api/audit/verify", { token }), 200);
      assert.equal(((await res.json()) as { ok: boolean }).ok, true);
      for (let i = 0; i < VERSIONS; i += 1) {
        await expectStatus(fetch(`${first.url}/admin/embargo/resolve/v${i}/w.bin`), 200);
      }
    });
  },
);

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  crashDatabase,
  expectStatus,
  spawnHub,
  type CrashDatabase,
  type SpawnedHub,
} from "../crash/spawned-hub.js";
import { DIALECTS } from "../support/harness.js";

const PARALLEL = 20;

interface Verdict {
  readonly ok: boolean;
  readonly events: number;
  readonly reason?: string;
}

/**
 * Concurrent changes must still form one hash chain, each event linked to the
 * one before. Inside one hub on SQLite a single connection runs one statement
 * at a time, so two transactions never overlap and the race cannot happen
 * there; it can between processes. So two hub processes share one database (one
 * SQLite file, or one PostgreSQL schema, where each process also runs
 * transactions side by side on its pool) and changes are sent to both at once.
 */
for (const dialect of DIALECTS) {
  const where = dialect === "sqlite" ? "one SQLite file" : "one PostgreSQL schema";
  describe(`audit chain under concurrent changes from two hub processes on ${where}`, () => {
    let dataDir: string;
    let database: CrashDatabase;
    let hubs: SpawnedHub[] = [];
    /** The hub to send the i-th of a batch of changes to: the two take turns. */
    const via = (i: number): SpawnedHub => hubs[i % 2] ?? assert.fail("no hub");

    const lastSeq = async (): Promise<number> => {
      const res = await expectStatus(via(0).request("GET", "/api/audit?tail=1"), 200);
      const { events } = (await res.json()) as { events: { seq: number }[] };
      return events[0]?.seq ?? 0;
    };
    const eventsAfter = async (seq: number): Promise<{ seq: number; resource: string }[]> => {
      const res = await expectStatus(
        via(1).request("GET", `/api/audit?after=${seq}&limit=1000`),
        200,
      );
      return ((await res.json()) as { events: { seq: number; resource: string }[] }).events;
    };
    const verify = async (): Promise<Verdict> => {
      const res = await expectStatus(via(0).request("GET", "/api/audit/verify"), 200);
      return (await res.json()) as Verdict;
    };

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-concurrent-"));
      database = await crashDatabase(dialect, dataDir);
      // One at a time: the first creates the schema and the administrator.
      hubs.push(await spawnHub(dataDir, database.env));
      hubs.push(await spawnHub(dataDir, database.env));
    });
    after(async () => {
      await Promise.all(hubs.map((h) => h.kill()));
      hubs = [];
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it(`stays one valid chain when ${PARALLEL} tokens are created at once through both hubs`, async () => {
      const before = await lastSeq();
      const created = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          expectStatus(
            via(i).request("POST", "/api/tokens", {
              json: { scopes: ["read"], name: `parallel-${i}` },
            }),
            201,
          ).then(async (res) => ((await res.json()) as { id: string }).id),
        ),
      );
      const events = await eventsAfter(before);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: PARALLEL }, (_, i) => before + i + 1),
      );
      assert.deepEqual(
        events.map((e) => e.resource).sort(),
        created.map((id) => `token:${id}`).sort(),
      );
      const verdict = await verify();
      assert.equal(verdict.ok, true, verdict.reason);
      assert.equal(verdict.events, before + PARALLEL);
    });

    it("stays one valid chain under a mix of concurrent changes of different kinds", async () => {
      await expectStatus(
        via(0).request("POST", "/api/users", { json: { name: "concurrent-owner" } }),
        201,
      );
      const before = await lastSeq();
      const changes = Array.from({ length: PARALLEL }, (_, i) => {
        switch (i % 4) {
          case 0:
            return via(i).request("POST", "/api/models", {
              json: { id: `admin/model-${i}`, visibility: "private" },
            });
          case 1:
            return via(i).request("POST", "/api/orgs", { json: { name: `concurrent-org-${i}` } });
          case 2:
            return via(i).request("POST", "/api/tokens", {
              json: { scopes: ["read"], user: "concurrent-owner" },
            });
          default:
            return via(i).request("POST", "/api/users", { json: { name: `user-${i}` } });
        }
      });
      for (const res of await Promise.all(changes)) {
        assert.equal(res.status, 201, await res.text());
      }
      const verdict = await verify();
      assert.equal(verdict.ok, true, verdict.reason);
      assert.equal(verdict.events, before + PARALLEL);
    });
  });
}

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { canonicalJson } from "../../src/audit/index.js";
import type { AuditEventsTable } from "../../src/store/index.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { expectStatus, lastSeq, sha256, verify } from "./audit-support.js";

/** The committed CLI entry point; it loads the build in dist/. */
const CLI = path.resolve(import.meta.dirname, "../../bin/gatehouse.js");

function auditVerifyCli(hub: TestHub): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, "--hub", hub.url, "--token", hub.adminToken, "audit", "verify"],
      {
        // A throwaway config home so the CLI never reads a stored login.
        env: { PATH: process.env.PATH ?? "", HOME: hub.dataDir, XDG_CONFIG_HOME: hub.dataDir },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
      },
    );
    let output = "";
    const collect = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, output });
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`audit log tampering (${dialect})`, () => {
    let hub: TestHub;
    let events: number;

    const db = (): TestHub["built"]["ctx"]["db"] => hub.built.ctx.db;

    async function row(seq: number): Promise<AuditEventsTable> {
      return db()
        .selectFrom("audit_events")
        .selectAll()
        .where("seq", "=", seq)
        .executeTakeFirstOrThrow();
    }

    async function restore(original: AuditEventsTable): Promise<void> {
      await db().deleteFrom("audit_events").where("seq", "=", original.seq).execute();
      await db().insertInto("audit_events").values(original).execute();
    }

    /** Asserts the chain is broken at `seq` for `problem`, and whole again once `undo` has run. */
    async function expectBrokenAt(
      seq: number,
      problem: string,
      undo: () => Promise<void>,
    ): Promise<void> {
      let verdict;
      try {
        verdict = await verify(hub);
      } finally {
        await undo();
      }
      assert.equal(verdict.ok, false);
      assert.equal(verdict.brokenAt, seq, verdict.reason);
      assert.match(verdict.reason ?? "", new RegExp(`\\b${seq}\\b`));
      assert.equal(verdict.problem, problem);
      assert.equal((await verify(hub)).ok, true);
    }

    before(async () => {
      hub = await startHub(dialect);
      for (const name of ["ulla", "viggo", "wanda", "xaver"]) {
        await hub.createUser(name);
      }
      events = await lastSeq(hub);
      assert.ok(events >= 8, `only ${events} events`);
      assert.equal((await verify(hub)).ok, true);
    });
    after(() => hub.close());

    it("catches an edit of an event's details", async () => {
      const original = await row(4);
      await db()
        .updateTable("audit_events")
        .set({ details: JSON.stringify({ scopes: ["read", "write", "admin"] }) })
        .where("seq", "=", 4)
        .execute();
      await expectBrokenAt(4, "altered", () => restore(original));
    });

    it("catches an edit of an event's actor", async () => {
      const original = await row(5);
      await db()
        .updateTable("audit_events")
        .set({ actor_id: "u_00000000000000000000" })
        .where("seq", "=", 5)
        .execute();
      await expectBrokenAt(5, "altered", () => restore(original));
    });

    it("catches an edit whose hash was recomputed, at the event that follows it", async () => {
      const original = await row(3);
      const details = { admin: true };
      // What a forger who knows the hashing rule would write.
      const forged = sha256(
        `${original.prev_hash}\n${canonicalJson({
          seq: 3,
          at: original.at,
          actor: original.actor_id,
          action: original.action,
          resource: original.resource,
          details,
        })}`,
      );
      await db()
        .updateTable("audit_events")
        .set({ details: JSON.stringify(details), hash: forged })
        .where("seq", "=", 3)
        .execute();
      await expectBrokenAt(4, "unlinked", () => restore(original));
    });

    it("catches a deleted event in the middle", async () => {
      const original = await row(6);
      await db().deleteFrom("audit_events").where("seq", "=", 6).execute();
      await expectBrokenAt(6, "missing", () =>
        db()
          .insertInto("audit_events")
          .values(original)
          .execute()
          .then(() => undefined),
      );
    });

    it("catches two events swapped in order", async () => {
      const swap = async (): Promise<void> => {
        await sql`update audit_events set seq = -1 where seq = 4`.execute(db());
        await sql`update audit_events set seq = 4 where seq = 7`.execute(db());
        await sql`update audit_events set seq = 7 where seq = -1`.execute(db());
      };
      await swap();
      await expectBrokenAt(4, "unlinked", swap);
    });

    it("catches a deleted last event by the head record", async () => {
      const original = await row(events);
      await db().deleteFrom("audit_events").where("seq", "=", events).execute();
      await expectBrokenAt(events, "truncated", () =>
        db()
          .insertInto("audit_events")
          .values(original)
          .execute()
          .then(() => undefined),
      );
    });

    it("makes `gatehouse audit verify` exit 1 naming the broken event", async () => {
      const clean = await auditVerifyCli(hub);
      assert.equal(clean.code, 0, clean.output);
      const original = await row(2);
      await db()
        .updateTable("audit_events")
        .set({ resource: "token:t_forged" })
        .where("seq", "=", 2)
        .execute();
      try {
        const broken = await auditVerifyCli(hub);
        assert.equal(broken.code, 1, broken.output);
        assert.match(broken.output, /event 2\b/);
      } finally {
        await restore(original);
      }
      assert.equal((await verify(hub)).ok, true);
    });

    it("refuses the verdict to anyone but an administrator", async () => {
      const token = await hub.createUser("yvonne");
      await expectStatus(hub.request("GET", "/api/audit/verify", { token }), 403);
      await expectStatus(hub.request("GET", "/api/audit/verify"), 401);
    });
  });
}

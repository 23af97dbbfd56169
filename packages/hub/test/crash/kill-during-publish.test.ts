import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS } from "../support/harness.js";
import {
  ADMIN_TOKEN,
  crashDatabase,
  expectStatus,
  spawnHub,
  type CrashDatabase,
  type SpawnedHub,
} from "./spawned-hub.js";

const FILES = 2000;
const MODEL = "/api/models/admin/many";

interface VersionRow {
  state: string;
  commit_id: string | null;
  published_at: string | null;
  files: number;
}

/** Sends the publish and resolves once the whole request has left, without waiting for an answer. */
function sendPublish(hub: SpawnedHub, version: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${hub.url}${MODEL}/versions/${version}/publish`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    req.on("error", () => undefined);
    req.on("response", (res) => res.resume());
    req.end(() => {
      resolve();
    });
    req.once("close", () => {
      reject(new Error("the connection closed before the request was sent"));
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`SIGKILL in the middle of a publish (${dialect})`, () => {
    let dataDir: string;
    let hub: SpawnedHub | undefined;

    let db: CrashDatabase;

    /** Reads the version straight from the database, behind the hub's back. */
    async function versionRow(name: string): Promise<VersionRow> {
      const rows = await db.query<VersionRow>(
        `select v.state, v.commit_id, v.published_at,
         cast((select count(*) from version_files f where f.version_id = v.id) as integer) as files
       from versions v where v.name = $1`,
        [name],
      );
      const [row] = rows;
      assert.ok(row !== undefined, `version ${name} is gone`);
      return row;
    }

    async function verify(h: SpawnedHub): Promise<void> {
      const verdict = (await (
        await expectStatus(h.request("GET", "/api/audit/verify"), 200)
      ).json()) as {
        ok: boolean;
        reason?: string;
      };
      assert.equal(verdict.ok, true, verdict.reason);
    }

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-crash-publish-"));
      db = await crashDatabase(dialect, dataDir);
    });
    after(async () => {
      await hub?.kill();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** Creates draft `version` holding FILES files, uploading the content once and attaching the rest. */
    async function draftWithManyFiles(h: SpawnedHub, version: string): Promise<Buffer> {
      await expectStatus(h.request("POST", `${MODEL}/versions`, { json: { name: version } }), 201);
      const content = Buffer.from(`a small shard of ${version}\n`);
      const sha256 = createHash("sha256").update(content).digest("hex");
      await expectStatus(
        h.request("PUT", `${MODEL}/versions/${version}/files/shards/00000.bin`, { body: content }),
        201,
      );
      const rest = Array.from({ length: FILES - 1 }, (_, i) => ({
        path: `shards/${String(i + 1).padStart(5, "0")}.bin`,
        sha256,
        size: content.length,
      }));
      const attached = (await (
        await expectStatus(
          h.request("POST", `${MODEL}/versions/${version}/files`, { json: { files: rest } }),
          200,
        )
      ).json()) as { attached: unknown[]; missing: unknown[] };
      assert.equal(attached.attached.length, FILES - 1);
      assert.deepEqual(attached.missing, []);
      return content;
    }

    // The kill lands before, inside or after the publish transaction depending on the
    // machine; whichever it is, the version must be wholly one state or the other.
    const KILL_DELAYS_MS = [0, 30];

    it(`leaves a ${FILES}-file version entirely draft or entirely published`, async (t) => {
      hub = await spawnHub(dataDir, db.env);
      await expectStatus(
        hub.request("POST", "/api/models", { json: { id: "admin/many", visibility: "private" } }),
        201,
      );
      for (const [i, delay] of KILL_DELAYS_MS.entries()) {
        const name = `v${i + 1}`;
        const content = await draftWithManyFiles(hub, name);
        await sendPublish(hub, name);
        await new Promise((resolve) => setTimeout(resolve, delay));
        await hub.kill();
        const killed = await versionRow(name);

        hub = await spawnHub(dataDir, db.env);
        const row = await versionRow(name);
        assert.deepEqual(row, killed, "the restart changed the version");
        assert.equal(row.files, FILES);
        t.diagnostic(`killed ${delay} ms after sending the publish of ${name}: ${row.state}`);
        const lastEvent = (await (
          await expectStatus(hub.request("GET", "/api/audit?tail=1"), 200)
        ).json()) as { events: Array<{ action: string; resource: string }> };
        if (row.state === "published") {
          assert.match(row.commit_id ?? "", /^[0-9a-f]{40}$/);
          assert.notEqual(row.published_at, null);
          assert.equal(lastEvent.events[0]?.action, "version.publish");
          const version = (await (
            await expectStatus(hub.request("GET", `${MODEL}/versions/${name}`), 200)
          ).json()) as { sha: string };
          assert.equal(version.sha, row.commit_id);
          // Published is final: a second publish is refused.
          await expectStatus(hub.request("POST", `${MODEL}/versions/${name}/publish`), 409);
        } else {
          assert.equal(row.state, "draft");
          assert.equal(row.commit_id, null);
          assert.equal(row.published_at, null);
          assert.notEqual(lastEvent.events[0]?.action, "version.publish");
          await expectStatus(hub.request("GET", `/api/models/admin/many/revision/${name}`), 404);
          await verify(hub);
          await expectStatus(hub.request("POST", `${MODEL}/versions/${name}/publish`), 200);
          const after = await versionRow(name);
          assert.equal(after.state, "published");
          assert.match(after.commit_id ?? "", /^[0-9a-f]{40}$/);
        }
        await verify(hub);
        const download = await expectStatus(
          hub.request("GET", `/admin/many/resolve/${name}/shards/01999.bin`),
          200,
        );
        assert.deepEqual(Buffer.from(await download.arrayBuffer()), content);
      }
    });
  });
}

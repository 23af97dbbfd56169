import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { stat, mkdtemp, rm, readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS } from "../support/harness.js";
import {
  ADMIN_TOKEN,
  crashDatabase,
  expectStatus,
  filesUnder,
  spawnHub,
  type CrashDatabase,
  type SpawnedHub,
} from "./spawned-hub.js";

const MIB = 1024 * 1024;
const SIZE = 200 * MIB;
/** How much reaches the server's staging file before it is killed. */
const KILL_AFTER = 24 * MIB;

/** Chunk `i` of the generated file: distinct per chunk so the content cannot dedupe. */
function chunkAt(i: number): Buffer {
  const chunk = Buffer.alloc(MIB, i % 251);
  chunk.writeUInt32BE(i, 0);
  return chunk;
}

function digestOfGenerated(): string {
  const hash = createHash("sha256");
  for (let i = 0; i < SIZE / MIB; i++) {
    hash.update(chunkAt(i));
  }
  return hash.digest("hex");
}

/**
 * PUTs the generated file, honouring back-pressure. `pauseAfter`, when given,
 * stops sending after that many bytes and leaves the request open (as a slow
 * client would), resolving `paused` once they are written to the socket.
 */
function putGenerated(
  url: string,
  sha256: string,
  token: string,
  pauseAfter?: number,
): { response: Promise<number>; paused: Promise<void> } {
  let markPaused: () => void = () => undefined;
  const paused = new Promise<void>((resolve) => {
    markPaused = resolve;
  });
  const response = new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "PUT",
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/octet-stream",
          "content-length": String(SIZE),
          "x-gatehouse-sha256": sha256,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on("error", reject);
    let i = 0;
    const pump = (): void => {
      while (i < SIZE / MIB) {
        if (pauseAfter !== undefined && i * MIB >= pauseAfter) {
          markPaused();
          return;
        }
        const more = req.write(chunkAt(i));
        i += 1;
        if (!more) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  return { response, paused };
}

/** Waits until a staging file in `tmpDir` holds at least `bytes`. */
async function stagedAtLeast(tmpDir: string, bytes: number): Promise<string> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    for (const name of await readdir(tmpDir)) {
      const info = await stat(path.join(tmpDir, name)).catch(() => null);
      if (info !== null && info.size >= bytes) {
        return name;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no staging file reached ${bytes} bytes`);
}

for (const dialect of DIALECTS) {
  describe(`SIGKILL in the middle of a large upload (${dialect})`, () => {
    let dataDir: string;
    let hub: SpawnedHub | undefined;
    let db: CrashDatabase;
    let sha256: string;
    const fileUrl = (h: SpawnedHub): string =>
      `${h.url}/api/models/admin/big/versions/v1/files/weights/model.bin`;

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-crash-upload-"));
      sha256 = digestOfGenerated();
      db = await crashDatabase(dialect, dataDir);
    });
    after(async () => {
      await hub?.kill();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("shows no partial file after a restart, and the same upload then succeeds", async () => {
      hub = await spawnHub(dataDir, db.env);
      await expectStatus(
        hub.request("POST", "/api/models", { json: { id: "admin/big", visibility: "private" } }),
        201,
      );
      await expectStatus(
        hub.request("POST", "/api/models/admin/big/versions", { json: { name: "v1" } }),
        201,
      );

      const upload = putGenerated(fileUrl(hub), sha256, ADMIN_TOKEN, KILL_AFTER);
      const failed = upload.response.then(
        (status) => `answered ${status}`,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      await upload.paused;
      const tmpDir = path.join(dataDir, "blobs", "tmp");
      await stagedAtLeast(tmpDir, KILL_AFTER / 2);
      await hub.kill();
      // The client sees the connection die; it never gets an answer.
      assert.doesNotMatch(await failed, /^answered/);
      assert.deepEqual(await filesUnder(path.join(dataDir, "blobs", "sha256")), []);

      hub = await spawnHub(dataDir, db.env);
      // What the killed upload left is only a staging file, never under a content name.
      for (const name of await readdir(tmpDir)) {
        assert.match(name, /\.part$/);
      }
      const version = (await (
        await expectStatus(hub.request("GET", "/api/models/admin/big/versions/v1"), 200)
      ).json()) as { state: string; files: unknown[] };
      assert.equal(version.state, "draft");
      assert.deepEqual(version.files, []);
      assert.deepEqual(await filesUnder(path.join(dataDir, "blobs", "sha256")), []);
      const missing = await hub.request("GET", "/admin/big/resolve/v1/weights/model.bin");
      assert.equal(missing.status, 404);
      const verdict = (await (
        await expectStatus(hub.request("GET", "/api/audit/verify"), 200)
      ).json()) as {
        ok: boolean;
        reason?: string;
      };
      assert.equal(verdict.ok, true, verdict.reason);

      const redo = putGenerated(fileUrl(hub), sha256, ADMIN_TOKEN);
      assert.equal(await redo.response, 201);
      const after = (await (
        await expectStatus(hub.request("GET", "/api/models/admin/big/versions/v1"), 200)
      ).json()) as { files: Array<{ path: string; sha256: string; size: number }> };
      assert.deepEqual(
        after.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
        [{ path: "weights/model.bin", sha256, size: SIZE }],
      );
      const stored = await filesUnder(path.join(dataDir, "blobs", "sha256"));
      assert.deepEqual(stored, [path.join(sha256.slice(0, 2), sha256)]);
      assert.equal(
        (await stat(path.join(dataDir, "blobs", "sha256", sha256.slice(0, 2), sha256))).size,
        SIZE,
      );
      const final = (await (
        await expectStatus(hub.request("GET", "/api/audit/verify"), 200)
      ).json()) as {
        ok: boolean;
      };
      assert.equal(final.ok, true);
    });
  });
}

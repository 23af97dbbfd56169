import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { KyselyPlugin, RootOperationNode } from "kysely";
import { buildApp, type BuiltApp } from "../../src/app.js";
import { bootstrapAdmin } from "../../src/auth/index.js";
import { FsBlobStore, type BlobStore } from "../../src/blobs/index.js";
import { loadConfig } from "../../src/config.js";
import { openStore } from "../../src/store/index.js";
import { DIALECTS, TEST_ADMIN_TOKEN, databaseFor, dropSchema } from "../support/harness.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The shape of a query without its values: what work it asks of the database. */
const shapeOf = (node: RootOperationNode): string =>
  JSON.stringify(node, (key, value: unknown) => (key === "value" ? undefined : value));

/**
 * Attaching a file by digest answers "missing" both for content the hub does
 * not hold and for content it holds in a model the caller may not download.
 * The two must also cost the same work, so that the time taken does not tell an
 * outsider which digests the hub holds: the same blob-store calls and the same
 * queries, in the same order.
 */
for (const dialect of DIALECTS) {
  describe(`attaching by digest does the same work whether or not the hub holds it (${dialect})`, () => {
    let built: BuiltApp;
    let dataDir: string;
    let schema: string | null;
    let recording: string[] | null = null;
    let alice: string;
    let mallory: string;
    const secret = "alice's private weights";

    const call = async (
      method: "POST" | "PUT",
      url: string,
      token: string,
      payload: string | object,
    ) => {
      const res = await built.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
    };

    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-attach-"));
      const target = databaseFor(dialect, dataDir);
      schema = target.schema;
      const store = await openStore(target.database);
      const plugin: KyselyPlugin = {
        transformQuery(args) {
          recording?.push(`query ${shapeOf(args.node)}`);
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      };
      const blobs = await FsBlobStore.open(path.join(dataDir, "blobs"));
      const counted: BlobStore = {
        stage: (source, expect) => blobs.stage(source, expect),
        read: (sha, range) => blobs.read(sha, range),
        localFile: (sha) => blobs.localFile(sha),
        sizeOf: (sha) => {
          recording?.push("blob size");
          return blobs.sizeOf(sha);
        },
      };
      const config = loadConfig({
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      });
      built = await buildApp({
        config,
        store: { ...store, db: store.db.withPlugin(plugin) },
        blobs: counted,
      });
      await bootstrapAdmin(built.ctx);
      const tokenFor = async (name: string): Promise<string> => {
        assert.equal((await call("POST", "/api/users", TEST_ADMIN_TOKEN, { name })).status, 201);
        const made = await call("POST", "/api/tokens", TEST_ADMIN_TOKEN, {
          user: name,
          scopes: ["read", "write"],
        });
        return String(made.json.token);
      };
      alice = await tokenFor("alice");
      mallory = await tokenFor("mallory");
      for (const [token, id] of [
        [alice, "alice/private"],
        [mallory, "mallory/m"],
      ] as const) {
        assert.equal((await call("POST", "/api/models", token, { id })).status, 201);
        assert.equal(
          (await call("POST", `/api/models/${id}/versions`, token, { name: "v1" })).status,
          201,
        );
      }
      const put = await call(
        "PUT",
        "/api/models/alice/private/versions/v1/files/w.bin",
        alice,
        secret,
      );
      assert.equal(put.status, 201);
      assert.equal(
        (await call("POST", "/api/models/alice/private/versions/v1/publish", alice, {})).status,
        200,
      );
    });
    after(async () => {
      await built.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    /** Attaches `content`'s digest to mallory's draft and returns the answer and the work done. */
    const attach = async (content: string) => {
      recording = [];
      const answer = await call("POST", "/api/models/mallory/m/versions/v1/files", mallory, {
        files: [{ path: "w.bin", sha256: sha256(content), size: content.length }],
      });
      const work = recording;
      recording = null;
      return { answer, work };
    };

    it("answers 'missing' for a digest held in another's private model and for one never seen", async () => {
      const held = await attach(secret);
      const unknown = await attach("x".repeat(secret.length));
      for (const { answer } of [held, unknown]) {
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.json.attached, []);
        assert.equal((answer.json.missing as unknown[]).length, 1);
      }
    });

    it("asks the blob store and the database the same questions in both cases", async () => {
      const held = await attach(secret);
      const unknown = await attach("y".repeat(secret.length));
      assert.ok(held.work.includes("blob size"), "the blob store is asked");
      assert.ok(
        held.work.some((w) => w.startsWith("query ") && w.includes("version_files")),
        "the database is asked who holds the digest",
      );
      assert.deepEqual(unknown.work, held.work);
    });

    it("still attaches content the caller may download, so the check is not a blanket refusal", async () => {
      const answer = await call("POST", "/api/models/alice/private/versions", alice, {
        name: "v2",
      });
      assert.equal(answer.status, 201);
      const attached = await call("POST", "/api/models/alice/private/versions/v2/files", alice, {
        files: [{ path: "copy.bin", sha256: sha256(secret), size: secret.length }],
      });
      assert.equal(attached.status, 200);
      assert.deepEqual(attached.json.missing, []);
    });
  });
}

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { openStore, prepareQuery, type Store } from "../../src/store/index.js";
import { createModel, createToken, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, databaseFor, dropSchema, startHub, type TestHub } from "../support/harness.js";

// Prepared queries answer repeated reads from memory where the store can tell
// nothing changed; these show that no change, from this connection or another
// one on the same database (another hub process), is ever missed.

const nameById = prepareQuery(["id"], (db, p) =>
  db.selectFrom("namespaces").select("name").where("id", "=", p("id")),
);

async function rename(store: Store, id: string, name: string): Promise<void> {
  await store.db
    .updateTable("namespaces")
    .set({ name, name_key: name })
    .where("id", "=", id)
    .execute();
}

for (const dialect of DIALECTS) {
  describe(`prepared reads kept in memory (${dialect})`, () => {
    let dataDir: string;
    let schema: string | null;
    let store: Store;
    let other: Store;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-kept-"));
      const target = databaseFor(dialect, dataDir);
      schema = target.schema;
      store = await openStore(target.database);
      other = await openStore(target.database);
      await store.db
        .insertInto("namespaces")
        .values({ id: "n_1", name: "first", name_key: "first", kind: "user", created_at: "now" })
        .execute();
    });
    after(async () => {
      await store.close();
      await other.close();
      if (schema !== null) {
        await dropSchema(schema);
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    it("answers a change made through the same store at once", async () => {
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "first" }]);
      await rename(store, "n_1", "second");
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "second" }]);
    });

    it("answers a change committed by another connection from the next turn on", async () => {
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "second" }]);
      await rename(other, "n_1", "third");
      await nextTurn();
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "third" }]);
    });

    it("keeps nothing a rolled-back transaction wrote, and sees its own writes inside it", async () => {
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "third" }]);
      await assert.rejects(
        store.db.transaction().execute(async (trx) => {
          await trx
            .updateTable("namespaces")
            .set({ name: "rolled-back" })
            .where("id", "=", "n_1")
            .execute();
          assert.deepEqual(await nameById(trx, { id: "n_1" }), [{ name: "rolled-back" }]);
          throw new Error("abandon the transaction");
        }),
        /abandon the transaction/,
      );
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "third" }]);
    });

    it("answers with rows callers cannot change for the next caller", async () => {
      const [row] = await nameById(store.db, { id: "n_1" });
      assert.ok(row !== undefined);
      assert.throws(() => {
        (row as { name: string }).name = "changed by a caller";
      }, TypeError);
      assert.deepEqual(await nameById(store.db, { id: "n_1" }), [{ name: "third" }]);
    });
  });

  describe(`another hub process's changes on the same database (${dialect})`, () => {
    let hub: TestHub;
    let other: Store;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect);
      other = await openStore(hub.config.database);
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/shared", "open");
    });
    after(async () => {
      // The hub is closed even when opening the second store failed, so no server is left open.
      try {
        await other.close();
      } finally {
        await hub.close();
      }
    });

    it("refuses a token on the next request once another process revoked it", async () => {
      const { token, id } = await createToken(hub, alice, { scopes: ["read"] });
      // The first use records the token's last use, a write of this hub's own; the
      // second is then answered from memory.
      for (let i = 0; i < 2; i++) {
        await expectStatus(hub.request("GET", "/api/models/alice/shared", { token }), 200);
      }
      await other.db
        .updateTable("tokens")
        .set({ revoked_at: new Date().toISOString() })
        .where("id", "=", id)
        .execute();
      const body = await expectError(
        hub.request("GET", "/api/models/alice/shared", { token }),
        401,
        "INVALID_TOKEN",
      );
      assert.match(body.error, /revoked/);
    });

    it("hides a model on the next request once another process made its versions private", async () => {
      await expectStatus(hub.request("GET", "/api/models/alice/shared"), 200);
      const model = other.db.selectFrom("models").select("id").where("name_key", "=", "shared");
      await other.db
        .updateTable("models")
        .set({ initial_stage: "private" })
        .where("name_key", "=", "shared")
        .execute();
      await other.db
        .updateTable("versions")
        .set({ stage: "private" })
        .where("model_id", "in", model)
        .execute();
      await expectError(hub.request("GET", "/api/models/alice/shared"), 401, "REPO_NOT_FOUND");
      await expectStatus(hub.request("GET", "/api/models/alice/shared", { token: alice }), 200);
    });
  });
}

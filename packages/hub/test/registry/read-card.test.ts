import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { FsBlobStore, type BlobStore } from "../../src/blobs/index.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

/** The real blob store, counting the reads of each blob. */
function countingReads(blobs: BlobStore): { store: BlobStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    reads,
    store: {
      stage: (source, expect) => blobs.stage(source, expect),
      sizeOf: (sha256) => blobs.sizeOf(sha256),
      localFile: (sha256) => blobs.localFile(sha256),
      read: (sha256, range) => {
        reads.set(sha256, (reads.get(sha256) ?? 0) + 1);
        return blobs.read(sha256, range);
      },
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`the model card route (${dialect})`, () => {
    let hub: TestHub;
    let blobDir: string;
    let reads: Map<string, number>;
    let alice: string;

    before(async () => {
      blobDir = await mkdtemp(path.join(tmpdir(), "gatehouse-card-blobs-"));
      const counting = countingReads(await FsBlobStore.open(blobDir));
      reads = counting.reads;
      hub = await startHub(dialect, {}, { blobs: counting.store });
      alice = await hub.createUser("alice");
      const created = await hub.request("POST", "/api/models", {
        token: alice,
        json: { id: "alice/carded", visibility: "open" },
      });
      assert.equal(created.status, 201, await created.text());
    });

    after(async () => {
      await hub.close();
      await rm(blobDir, { recursive: true, force: true });
    });

    /** Publishes `version` with `readme` as its README.md; answers the README's sha256. */
    async function publish(version: string, readme: string): Promise<string> {
      const base = `/api/models/alice/carded/versions`;
      const made = await hub.request("POST", base, { token: alice, json: { name: version } });
      assert.equal(made.status, 201, await made.text());
      const put = await hub.request("PUT", `${base}/${version}/files/README.md`, {
        token: alice,
        body: readme,
      });
      assert.equal(put.status, 201, await put.text());
      const published = await hub.request("POST", `${base}/${version}/publish`, { token: alice });
      assert.equal(published.status, 200, await published.text());
      return createHash("sha256").update(readme).digest("hex");
    }

    const card = async (query = ""): Promise<unknown> => {
      const answer = await hub.request("GET", `/api/models/alice/carded/card${query}`);
      assert.equal(answer.status, 200);
      return answer.json();
    };

    it("reads a README blob once, then answers the same from memory", async () => {
      const sha = await publish("v1", "---\nlicense: mit\n---\n# First\n");
      const first = await card();
      assert.deepEqual(first, { version: "v1", markdown: "# First\n" });
      const readsAfterFirst = reads.get(sha);
      assert.deepEqual(await card(), first);
      assert.deepEqual(await card("?revision=v1"), first);
      assert.equal(reads.get(sha), readsAfterFirst, "no further read of the blob");
    });

    it("serves a new version's README at once, and keeps the old one for its version", async () => {
      const sha = await publish("v2", "---\nlicense: mit\n---\n# Second\n");
      assert.deepEqual(await card(), { version: "v2", markdown: "# Second\n" });
      assert.ok((reads.get(sha) ?? 0) > 0, "the new README was read");
      assert.deepEqual(await card("?revision=v1"), { version: "v1", markdown: "# First\n" });
    });
  });
}

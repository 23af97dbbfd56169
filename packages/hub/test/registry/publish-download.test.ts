import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

for (const dialect of DIALECTS) {
  describe(`publish and download (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
    });
    after(() => hub.close());

    it("publishes a version and serves its bytes with the Hugging Face headers", async () => {
      const created = await hub.request("POST", "/api/models", {
        token: alice,
        json: { id: "alice/tiny", visibility: "private" },
      });
      assert.equal(created.status, 201);
      assert.equal(
        (
          await hub.request("POST", "/api/models/alice/tiny/versions", {
            token: alice,
            json: { name: "v1" },
          })
        ).status,
        201,
      );
      const weights = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
      const card = "---\nlicense: mit\ntags: [demo]\nrisk_tier: minimal\n---\n# Tiny\n";
      for (const [path, body] of [
        ["weights/model.bin", weights],
        ["README.md", Buffer.from(card)],
      ] as const) {
        const put = await hub.request("PUT", `/api/models/alice/tiny/versions/v1/files/${path}`, {
          token: alice,
          body,
          headers: { "x-gatehouse-sha256": sha256(body) },
        });
        assert.equal(put.status, 201, await put.text());
      }
      const published = await hub.request("POST", "/api/models/alice/tiny/versions/v1/publish", {
        token: alice,
      });
      assert.equal(published.status, 200);
      const version = (await published.json()) as { sha: string; card: Record<string, unknown> };
      assert.match(version.sha, /^[0-9a-f]{40}$/);
      assert.deepEqual(version.card, { license: "mit", tags: ["demo"], risk_tier: "minimal" });

      const download = await hub.request("GET", "/alice/tiny/resolve/main/weights/model.bin", {
        token: alice,
      });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get("etag"), `"${sha256(weights)}"`);
      assert.equal(download.headers.get("x-repo-commit"), version.sha);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), weights);

      const ranged = await hub.request(
        "GET",
        `/alice/tiny/resolve/${version.sha}/weights/model.bin`,
        {
          token: alice,
          headers: { range: "bytes=10-19" },
        },
      );
      assert.equal(ranged.status, 206);
      assert.equal(ranged.headers.get("content-range"), "bytes 10-19/5000");
      assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), weights.subarray(10, 20));

      const cached = await hub.request("GET", "/alice/tiny/resolve/v1/weights/model.bin", {
        token: alice,
        headers: { "if-none-match": `"${sha256(weights)}"` },
      });
      assert.equal(cached.status, 304);
    });
  });
}

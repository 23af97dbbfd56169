import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRepo, deleteFile, uploadFiles } from "@huggingface/hub";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  TEST_LFS_THRESHOLD,
  manifestOf,
  randomContent,
  served,
  sha256,
  storedDigest,
  versionsOf,
} from "./publish-support.js";

for (const dialect of DIALECTS) {
  describe(`publishing with the @huggingface/hub client (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;

    before(async () => {
      hub = await startHub(dialect, { GATEHOUSE_LFS_THRESHOLD: String(TEST_LFS_THRESHOLD) });
      owner = await hub.createUser("olivia");
    });
    after(() => hub.close());

    it("createRepo and uploadFiles publish a version whose files download byte-identical, the large one through LFS", async () => {
      const files: Record<string, Buffer> = {
        "model.onnx": randomContent(TEST_LFS_THRESHOLD + 1000),
        "tokenizer.json": Buffer.from('{"vocab": {}}\n'),
      };
      const created = await createRepo({
        repo: "olivia/js-model",
        accessToken: owner,
        hubUrl: hub.url,
      });
      assert.equal(created.repoUrl, `${hub.url}/olivia/js-model`);
      const commit = await uploadFiles({
        repo: "olivia/js-model",
        accessToken: owner,
        hubUrl: hub.url,
        files: Object.entries(files).map(([name, content]) => ({
          path: name,
          content: new Blob([content]),
        })),
        commitTitle: "1.0.0",
      });
      const versions = await versionsOf(hub, owner, "olivia/js-model");
      assert.deepEqual(
        versions.map((v) => [v.name, v.stage]),
        [["1.0.0", "open"]],
      );
      assert.match(commit?.commit.url ?? "", /\/olivia\/js-model\/commit\/[0-9a-f]{40}$/);
      for (const [name, content] of Object.entries(files)) {
        assert.equal(
          sha256(await served(hub, owner, "olivia/js-model", "main", name)),
          sha256(content),
        );
        assert.equal(await storedDigest(hub, sha256(content)), sha256(content));
      }
    });

    it("uploadFiles and deleteFile publish new versions carrying the other files over", async () => {
      const first = manifestOf((await versionsOf(hub, owner, "olivia/js-model"))[0]);
      await uploadFiles({
        repo: "olivia/js-model",
        accessToken: owner,
        hubUrl: hub.url,
        files: [{ path: "notes/readme.txt", content: new Blob(["notes\n"]) }],
      });
      await deleteFile({
        repo: "olivia/js-model",
        accessToken: owner,
        hubUrl: hub.url,
        path: "tokenizer.json",
      });
      const versions = await versionsOf(hub, owner, "olivia/js-model");
      assert.deepEqual(
        versions.map((v) => v.name),
        ["2", "1", "1.0.0"],
      );
      const second: Record<string, string> = { ...first, "notes/readme.txt": sha256("notes\n") };
      assert.deepEqual(manifestOf(versions[1]), second);
      delete second["tokenizer.json"];
      assert.deepEqual(manifestOf(versions[0]), second);
    });
  });
}

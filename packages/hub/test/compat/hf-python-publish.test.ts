import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
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
import { ok, refused, runPythonCalls, type Call, type Result } from "./python-client.js";

for (const dialect of DIALECTS) {
  describe(`publishing with the huggingface_hub Python client (${dialect})`, () => {
    let hub: TestHub;
    let home: string;
    let owner: string;
    let outsider: string;

    /** Runs calls as the owner unless a call names its token; Xet is off, as the hub speaks Git LFS. */
    const python = (calls: Call[]): Promise<Result[]> =>
      runPythonCalls(hub.url, home, calls, { HF_HUB_DISABLE_XET: "1" });

    before(async () => {
      home = await mkdtemp(path.join(tmpdir(), "gatehouse-hfpub-"));
      hub = await startHub(dialect, { GATEHOUSE_LFS_THRESHOLD: String(TEST_LFS_THRESHOLD) });
      owner = await hub.createUser("olivia");
      outsider = await hub.createUser("oscar");
    });
    after(async () => {
      await hub.close();
      await rm(home, { recursive: true, force: true });
    });

    it("create_repo and upload_folder publish a version whose files download byte-identical, the large one through LFS", async () => {
      const folder = path.join(home, "model");
      await mkdir(path.join(folder, "sub"), { recursive: true });
      const files: Record<string, Buffer> = {
        "model.safetensors": randomContent(TEST_LFS_THRESHOLD + 4096),
        "config.json": Buffer.from('{"hidden_size": 8}\n'),
        "README.md": Buffer.from("---\nlicense: mit\n---\n# Published from Python\n"),
        "sub/notes.txt": Buffer.from("small text\n"),
      };
      for (const [name, content] of Object.entries(files)) {
        await writeFile(path.join(folder, name), content);
      }
      const [created, again, clash, uploaded] = await python([
        { op: "create_repo", repo: "olivia/pub", token: owner },
        { op: "create_repo", repo: "olivia/pub", exist_ok: true, token: owner },
        { op: "create_repo", repo: "olivia/pub", token: owner },
        { op: "upload_folder", repo: "olivia/pub", folder, message: "v1.0", token: owner },
      ]);
      assert.equal(ok(created).repo_id, "olivia/pub");
      assert.equal(ok(again).url, `${hub.url}/olivia/pub`);
      refused(clash, "HfHubHTTPError", 409);
      const versions = await versionsOf(hub, owner, "olivia/pub");
      assert.deepEqual(
        versions.map((v) => [v.name, v.state, v.stage]),
        [["v1.0", "published", "open"]],
      );
      assert.deepEqual(
        manifestOf(versions[0]),
        Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha256(c)])),
      );
      assert.match(String(ok(uploaded).url), /\/olivia\/pub\/commit\/[0-9a-f]{40}$/);
      for (const [name, content] of Object.entries(files)) {
        assert.equal(sha256(await served(hub, owner, "olivia/pub", "v1.0", name)), sha256(content));
        assert.equal(await storedDigest(hub, sha256(content)), sha256(content));
      }
      const [download] = await python([
        { op: "hf_hub_download", repo: "olivia/pub", filename: "model.safetensors", token: owner },
      ]);
      assert.equal(ok(download).sha256, sha256(files["model.safetensors"] ?? ""));
      const actions = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select("action")
        .where("action", "in", ["lfs.upload-link", "lfs.upload"])
        .execute();
      assert.deepEqual(actions.map((a) => a.action).sort(), ["lfs.upload", "lfs.upload-link"]);
    });

    it("upload_file and delete_file each publish a new version that carries the other files over", async () => {
      const extra = path.join(home, "extra.txt");
      await writeFile(extra, "added later\n");
      const before = manifestOf((await versionsOf(hub, owner, "olivia/pub"))[0]);
      const [added, deleted] = await python([
        { op: "upload_file", repo: "olivia/pub", file: extra, path: "extra.txt", token: owner },
        { op: "delete_file", repo: "olivia/pub", path: "sub/notes.txt", token: owner },
      ]);
      ok(added);
      ok(deleted);
      const versions = await versionsOf(hub, owner, "olivia/pub");
      assert.deepEqual(
        versions.map((v) => v.name),
        ["2", "1", "v1.0"],
      );
      assert.deepEqual(manifestOf(versions[1]), {
        ...before,
        "extra.txt": sha256("added later\n"),
      });
      const rest = manifestOf(versions[1]);
      delete rest["sub/notes.txt"];
      assert.deepEqual(manifestOf(versions[0]), rest);
      assert.equal(
        ok(deleted).oid,
        (
          (await hub
            .request("GET", "/api/models/olivia/pub/revision/main", { token: owner })
            .then((r) => r.json())) as { sha: string }
        ).sha,
      );
    });

    it("refuses a pull request, a revision other than main, and a writer's upload to a model they may not see as missing", async () => {
      const file = path.join(home, "other.txt");
      await writeFile(file, "other\n");
      const [pr, branch, hidden, privateRepo] = await python([
        {
          op: "upload_file",
          repo: "olivia/pub",
          file,
          path: "o.txt",
          create_pr: true,
          token: owner,
        },
        {
          op: "upload_file",
          repo: "olivia/pub",
          file,
          path: "o.txt",
          revision: "dev",
          token: owner,
        },
        { op: "create_repo", repo: "olivia/secret", private: true, token: owner },
        { op: "upload_file", repo: "olivia/secret", file, path: "o.txt", token: outsider },
      ]);
      refused(pr, "BadRequestError", 400);
      assert.match((pr as { message: string }).message, /pull requests are not supported/);
      refused(branch, "RevisionNotFoundError", 404);
      ok(hidden);
      refused(privateRepo, "RepositoryNotFoundError", 404);
      assert.equal((await versionsOf(hub, owner, "olivia/pub")).length, 3);
      assert.equal((await versionsOf(hub, owner, "olivia/secret")).length, 0);
    });

    it("publishes into the model's initial stage: a private model's new version stays hidden from others", async () => {
      const file = path.join(home, "weights.bin");
      await writeFile(file, randomContent(TEST_LFS_THRESHOLD * 2));
      const [uploaded, seen] = await python([
        { op: "upload_file", repo: "olivia/secret", file, path: "weights.bin", token: owner },
        { op: "model_info", repo: "olivia/secret", token: outsider },
      ]);
      ok(uploaded);
      refused(seen, "RepositoryNotFoundError", 404);
      const [version] = await versionsOf(hub, owner, "olivia/secret");
      assert.deepEqual([version?.name, version?.stage], ["1", "private"]);
    });
  });
}

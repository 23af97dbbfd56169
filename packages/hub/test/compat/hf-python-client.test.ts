import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  publishPrivateModel,
  publishVersion,
  sha256,
  type PrivateModel,
  type VersionFiles,
} from "./private-model.js";
import {
  INSTALL_HINT,
  SCRIPT,
  ok,
  pythonEnv,
  refused,
  runProcess,
  type Call,
  type Result,
} from "./python-client.js";

/** Expected files of a version, as path -> sha256. */
function digests(files: VersionFiles): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, b]) => [p, sha256(b)]));
}

for (const dialect of DIALECTS) {
  describe(`huggingface_hub Python client against a private model (${dialect})`, () => {
    let hub: TestHub;
    let model: PrivateModel;
    let home: string;

    /** Runs calls in one python3 with a fresh cache; HF_TOKEN only when given. */
    async function python(calls: Call[], hfToken?: string): Promise<Result[]> {
      const cache = await mkdtemp(path.join(home, "cache-"));
      const env: Record<string, string> = {
        ...pythonEnv(),
        HF_HOME: path.join(home, "hf-home"),
        HF_HUB_CACHE: cache,
        HF_ENDPOINT: hub.url,
        HF_HUB_DISABLE_TELEMETRY: "1",
        HF_HUB_DISABLE_PROGRESS_BARS: "1",
        ...(hfToken === undefined ? {} : { HF_TOKEN: hfToken }),
      };
      const run = await runProcess([SCRIPT], env, JSON.stringify(calls));
      if (run.code !== 0) {
        const missing = /No module named 'huggingface_hub'/.test(run.stderr);
        throw new Error(
          `${missing ? INSTALL_HINT : "the Python client script failed"}\n${run.stderr}`,
        );
      }
      const out = JSON.parse(run.stdout) as { results: Result[] };
      assert.equal(out.results.length, calls.length);
      return out.results;
    }

    before(async () => {
      home = await mkdtemp(path.join(tmpdir(), "gatehouse-hfpy-"));
      hub = await startHub(dialect);
      model = await publishPrivateModel(hub);
      // Fail here, loudly, rather than skip: CI installs the client.
      const probe = await runProcess(
        ["-c", "import huggingface_hub; print(huggingface_hub.__version__)"],
        pythonEnv(),
        "",
      );
      if (probe.code !== 0) {
        throw new Error(`${INSTALL_HINT}\n${probe.stderr}`);
      }
    });
    after(async () => {
      await hub.close();
      await rm(home, { recursive: true, force: true });
    });

    it("downloads each file with hf_hub_download by version name, by commit and by main", async () => {
      const cases = [
        [model.v1.name, model.v1.files],
        [model.v1.sha, model.v1.files],
        ["main", model.v2.files],
      ] as const;
      const calls: Call[] = [];
      for (const [revision, files] of cases) {
        for (const filename of Object.keys(files)) {
          calls.push({
            op: "hf_hub_download",
            repo: model.repo,
            filename,
            revision,
            token: model.ownerToken,
          });
        }
      }
      const results = await python(calls);
      let i = 0;
      for (const [revision, files] of cases) {
        for (const [filename, content] of Object.entries(files)) {
          const got = ok(results[i]);
          i += 1;
          assert.equal(got.sha256, sha256(content), `${filename} at ${revision}`);
          assert.equal(got.size, content.length, `${filename} at ${revision}`);
        }
      }
    });

    it("takes the token from HF_TOKEN", async () => {
      const [result] = await python(
        [{ op: "hf_hub_download", repo: model.repo, filename: "config.json", token: "env" }],
        model.ownerToken,
      );
      assert.equal(ok(result).sha256, sha256(model.v2.files["config.json"] ?? ""));
    });

    it("downloads a whole version with snapshot_download, into the cache and into a folder", async () => {
      const local = await mkdtemp(path.join(home, "local-"));
      const results = await python([
        {
          op: "snapshot_download",
          repo: model.repo,
          revision: model.v1.name,
          token: model.ownerToken,
        },
        { op: "snapshot_download", repo: model.repo, token: model.ownerToken },
        {
          op: "snapshot_download",
          repo: model.repo,
          revision: model.v1.sha,
          token: model.ownerToken,
          local_dir: local,
        },
      ]);
      const byName = ok(results[0]);
      assert.deepEqual(byName.files, digests(model.v1.files));
      assert.match(String(byName.folder), new RegExp(`snapshots[\\\\/]${model.v1.sha}$`));
      const newest = ok(results[1]);
      assert.deepEqual(newest.files, digests(model.v2.files));
      assert.match(String(newest.folder), new RegExp(`snapshots[\\\\/]${model.v2.sha}$`));
      assert.deepEqual(ok(results[2]).files, digests(model.v1.files));
    });

    it("gives model_info with the version's commit as sha and its files as siblings", async () => {
      const results = await python([
        { op: "model_info", repo: model.repo, token: model.ownerToken },
        { op: "model_info", repo: model.repo, revision: model.v1.name, token: model.ownerToken },
      ]);
      const head = ok(results[0]);
      assert.equal(head.id, model.repo);
      assert.equal(head.private, true);
      assert.equal(head.sha, model.v2.sha);
      const siblings = head.siblings as { rfilename: string; size: number; lfs_sha256: string }[];
      assert.deepEqual(
        siblings.map((s) => [s.rfilename, s.size, s.lfs_sha256]).sort(),
        Object.entries(model.v2.files)
          .map(([p, b]) => [p, b.length, sha256(b)])
          .sort(),
      );
      assert.equal(ok(results[1]).sha, model.v1.sha);
    });

    it("reads downloads from model_info: hf_hub_download's HEAD and GET count once", async () => {
      const results = await python([
        { op: "model_info", repo: model.repo, token: model.ownerToken },
        {
          op: "hf_hub_download",
          repo: model.repo,
          filename: "config.json",
          revision: model.v1.name,
          token: model.ownerToken,
        },
        {
          op: "model_info",
          repo: model.repo,
          expand: ["downloads", "downloadsAllTime", "sha"],
          token: model.ownerToken,
        },
      ]);
      const before = ok(results[0]);
      const after = ok(results[2]);
      assert.equal(typeof before.downloads, "number");
      assert.equal(before.downloads_all_time, null);
      assert.equal(after.downloads, Number(before.downloads) + 1);
      assert.equal(after.downloads_all_time, after.downloads);
    });

    it("lists the files of a version with list_repo_files and list_repo_tree", async () => {
      const results = await python([
        {
          op: "list_repo_files",
          repo: model.repo,
          revision: model.v1.name,
          token: model.ownerToken,
        },
        { op: "list_repo_files", repo: model.repo, token: model.ownerToken },
        {
          op: "list_repo_tree",
          repo: model.repo,
          revision: model.v1.sha,
          path: "weights/shards",
          token: model.ownerToken,
        },
      ]);
      assert.deepEqual(
        (ok(results[0]).files as string[]).sort(),
        Object.keys(model.v1.files).sort(),
      );
      assert.deepEqual(
        (ok(results[1]).files as string[]).sort(),
        Object.keys(model.v2.files).sort(),
      );
      assert.deepEqual(ok(results[2]).entries, [
        { type: "file", path: "weights/shards/part-1.bin" },
      ]);
    });

    it("describes paths with get_paths_info and checks files with file_exists and auth_check", async () => {
      const results = await python([
        {
          op: "get_paths_info",
          repo: model.repo,
          paths: ["config.json", "weights/shards", "missing.txt"],
          expand: true,
          revision: model.v1.name,
          token: model.ownerToken,
        },
        { op: "file_exists", repo: model.repo, filename: "config.json", token: model.ownerToken },
        {
          op: "file_exists",
          repo: model.repo,
          filename: "weights/shards/part-1.bin",
          token: model.ownerToken,
        },
        { op: "auth_check", repo: model.repo, token: model.ownerToken },
        { op: "auth_check", repo: model.repo, token: model.strangerToken },
      ]);
      assert.deepEqual(ok(results[0]).entries, [
        { type: "file", path: "config.json", last_commit: model.v1.sha },
        { type: "directory", path: "weights/shards", last_commit: model.v1.sha },
      ]);
      assert.equal(ok(results[1]).exists, true);
      assert.equal(ok(results[2]).exists, false);
      ok(results[3]);
      refused(results[4], "RepositoryNotFoundError", 404);
    });

    it("lists main as the branch and every version as a tag with list_repo_refs", async () => {
      const [refs] = await python([
        { op: "list_repo_refs", repo: model.repo, token: model.ownerToken },
      ]);
      assert.deepEqual(ok(refs), {
        branches: [["main", model.v2.sha]],
        tags: [
          ["v1", model.v1.sha],
          ["v2", model.v2.sha],
        ],
      });
    });

    it("lists each published version as a commit with list_repo_commits, newest first", async () => {
      const repo = "owner/history";
      const created = await hub.request("POST", "/api/models", {
        token: model.ownerToken,
        json: { id: repo, visibility: "private" },
      });
      assert.equal(created.status, 201, await created.text());
      const versions: { name: string; sha: string; publishedAt: string }[] = [];
      for (const name of ["v1", "v2", "v3"]) {
        const sha = await publishVersion(hub, model.ownerToken, repo, name, {
          "weights.bin": Buffer.from(`weights of ${name}`),
        });
        const info = await hub.request("GET", `/api/models/${repo}/versions/${name}`, {
          token: model.ownerToken,
        });
        const { publishedAt } = (await info.json()) as { publishedAt: string };
        versions.push({ name, sha, publishedAt });
      }
      const results = await python([
        { op: "list_repo_commits", repo, token: model.ownerToken },
        { op: "list_repo_commits", repo, revision: "v2", token: model.ownerToken },
        {
          op: "list_repo_commits",
          repo,
          revision: versions[0]?.sha,
          formatted: true,
          token: model.ownerToken,
        },
      ]);
      /** The commits a result holds, with the client's parsed date back in ISO form. */
      const commitsOf = (result: Result | undefined) =>
        (ok(result).commits as Record<string, unknown>[]).map((c) => ({
          ...c,
          created_at: new Date(String(c.created_at)).toISOString(),
        }));
      const expected = (names: string[], formatted = false) =>
        names.map((name) => {
          const v = versions.find((x) => x.name === name);
          assert.ok(v !== undefined);
          return {
            commit_id: v.sha,
            title: `Version ${name}`,
            message: "",
            authors: ["owner"],
            created_at: v.publishedAt,
            formatted_title: formatted ? `Version ${name}` : null,
          };
        });
      assert.deepEqual(commitsOf(results[0]), expected(["v3", "v2", "v1"]));
      assert.deepEqual(commitsOf(results[1]), expected(["v2", "v1"]));
      assert.deepEqual(commitsOf(results[2]), expected(["v1"], true));
    });

    it("refuses every call without a token with RepositoryNotFoundError", async () => {
      const results = await python([
        { op: "hf_hub_download", repo: model.repo, filename: "config.json", token: null },
        {
          op: "hf_hub_download",
          repo: model.repo,
          filename: "config.json",
          revision: model.v1.sha,
          token: null,
        },
        { op: "snapshot_download", repo: model.repo, token: null },
        { op: "model_info", repo: model.repo, token: null },
        { op: "list_repo_files", repo: model.repo, token: null },
        { op: "list_repo_refs", repo: model.repo, token: null },
        { op: "list_repo_commits", repo: model.repo, token: null },
      ]);
      for (const result of results) {
        refused(result, "RepositoryNotFoundError", 401);
      }
    });

    it("refuses another user's token with RepositoryNotFoundError, as for a missing model", async () => {
      const results = await python([
        {
          op: "hf_hub_download",
          repo: model.repo,
          filename: "config.json",
          token: model.strangerToken,
        },
        { op: "snapshot_download", repo: model.repo, token: model.strangerToken },
        { op: "model_info", repo: model.repo, token: model.strangerToken },
        { op: "list_repo_files", repo: model.repo, token: model.strangerToken },
        { op: "list_repo_commits", repo: model.repo, token: model.strangerToken },
        { op: "model_info", repo: "owner/no-such-model", token: model.strangerToken },
        { op: "list_repo_commits", repo: "owner/no-such-model", token: model.strangerToken },
      ]);
      for (const result of results) {
        refused(result, "RepositoryNotFoundError", 404);
      }
    });

    it("maps a missing revision and a missing file to the client's own errors", async () => {
      const results = await python([
        {
          op: "hf_hub_download",
          repo: model.repo,
          filename: "config.json",
          revision: "v9",
          token: model.ownerToken,
        },
        { op: "model_info", repo: model.repo, revision: "v9", token: model.ownerToken },
        { op: "hf_hub_download", repo: model.repo, filename: "nope.bin", token: model.ownerToken },
        { op: "whoami", repo: "", token: `hf_gth_${"0".repeat(43)}` },
        { op: "list_repo_commits", repo: model.repo, revision: "v9", token: model.ownerToken },
      ]);
      refused(results[0], "RevisionNotFoundError", 404);
      refused(results[1], "RevisionNotFoundError", 404);
      refused(results[2], "RemoteEntryNotFoundError", 404);
      refused(results[3], "HfHubHTTPError", 401);
      refused(results[4], "RevisionNotFoundError", 404);
    });
  });
}

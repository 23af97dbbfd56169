import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  downloadFile,
  downloadFileToCacheDir,
  fileDownloadInfo,
  fileExists,
  HubApiError,
  listCommits,
  listFiles,
  modelInfo,
  pathsInfo,
  repoExists,
  snapshotDownload,
  whoAmI,
  type ListFileEntry,
} from "@huggingface/hub";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  publishPrivateModel,
  sha256,
  type PrivateModel,
  type VersionFiles,
} from "./private-model.js";

async function collect(entries: AsyncGenerator<ListFileEntry>): Promise<ListFileEntry[]> {
  const out: ListFileEntry[] = [];
  for await (const entry of entries) {
    out.push(entry);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What the hub says of a model the caller may not see, to anonymous callers and to others. */
const NOT_FOUND = {
  anonymous: (repo: string) =>
    `Repository not found: ${repo}. If it is private, send a token that may read it.`,
  signedIn: (repo: string) =>
    `Repository not found: ${repo}. It does not exist or your token may not read it.`,
};

/**
 * The client's own error for a refused call: the status, the hub's request id,
 * and the message the client shows its user. A GET's error carries the hub's
 * JSON (message and code); a HEAD has no body, so the client can only say the status.
 */
async function refusedWith(
  call: Promise<unknown>,
  status: number,
  expected: { readonly message: string; readonly code: string } | "head",
): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof HubApiError, `expected HubApiError, got ${String(err)}`);
    assert.equal(err.statusCode, status);
    assert.ok(typeof err.requestId === "string" && err.requestId !== "", "the hub's request id");
    const trailer = `. URL: ${err.url}. Request ID: ${err.requestId}`;
    if (expected === "head") {
      assert.equal(err.message, `Api error with status ${status}${trailer}`);
    } else {
      assert.equal(err.message, `${expected.message}${trailer}`);
      assert.equal((err.data as { code?: unknown }).code, expected.code);
    }
    return true;
  });
}

for (const dialect of DIALECTS) {
  describe(`@huggingface/hub npm client against a private model (${dialect})`, () => {
    let hub: TestHub;
    let model: PrivateModel;
    let cacheRoot: string;
    before(async () => {
      hub = await startHub(dialect);
      model = await publishPrivateModel(hub);
      cacheRoot = await mkdtemp(path.join(tmpdir(), "gatehouse-hfjs-"));
    });
    after(async () => {
      await hub.close();
      await rm(cacheRoot, { recursive: true, force: true });
    });

    /** Checks every file of a version under a snapshot folder, byte for byte. */
    async function assertSnapshot(folder: string, files: VersionFiles): Promise<void> {
      for (const [filePath, content] of Object.entries(files)) {
        const got = await readFile(path.join(folder, filePath));
        assert.equal(sha256(got), sha256(content), filePath);
      }
    }

    it("downloads each file of a version by name, by commit and by main", async () => {
      const cases = [
        [model.v1.name, model.v1.files],
        [model.v1.sha, model.v1.files],
        ["main", model.v2.files],
        [undefined, model.v2.files],
      ] as const;
      for (const [revision, files] of cases) {
        for (const [filePath, expected] of Object.entries(files)) {
          const blob = await downloadFile({
            repo: model.repo,
            path: filePath,
            ...(revision === undefined ? {} : { revision }),
            hubUrl: hub.url,
            accessToken: model.ownerToken,
          });
          assert.ok(blob !== null, `${filePath} at ${revision ?? "default"} was not found`);
          assert.equal(blob.size, expected.length, `size of ${filePath} at ${revision}`);
          const bytes = Buffer.from(await blob.arrayBuffer());
          assert.equal(sha256(bytes), sha256(expected), `bytes of ${filePath} at ${revision}`);
        }
      }
    });

    it("reads a slice of a file with a Range request through the returned blob", async () => {
      const blob = await downloadFile({
        repo: model.repo,
        path: "weights/model.bin",
        revision: model.v1.name,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.ok(blob !== null);
      const slice = Buffer.from(await blob.slice(1000, 1100).arrayBuffer());
      const whole = model.v1.files["weights/model.bin"];
      assert.ok(whole !== undefined);
      assert.deepEqual(slice, whole.subarray(1000, 1100));
    });

    it("gives the size and etag of a file, an empty one too, from a bytes=0-0 request", async () => {
      const info = await fileDownloadInfo({
        repo: model.repo,
        path: "weights/model.bin",
        revision: model.v1.name,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.ok(info !== null);
      assert.equal(info.size, 70_000);
      const weights = model.v1.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      assert.equal(info.etag, `"${sha256(weights)}"`);
      assert.equal(info.xet, undefined);

      const empty = await fileDownloadInfo({
        repo: model.repo,
        path: "empty.txt",
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.ok(empty !== null);
      assert.equal(empty.size, 0);
      const emptyBlob = await downloadFile({
        repo: model.repo,
        path: "empty.txt",
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.ok(emptyBlob !== null);
      assert.equal((await emptyBlob.arrayBuffer()).byteLength, 0);
    });

    it("returns null for a file the version does not hold", async () => {
      const missing = await downloadFile({
        repo: model.repo,
        path: "weights/shards/part-1.bin",
        revision: model.v2.name,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.equal(missing, null);
    });

    it("lists the files of a version by name and by commit, recursive or not", async () => {
      const top = await collect(
        listFiles({
          repo: model.repo,
          revision: model.v1.name,
          hubUrl: hub.url,
          accessToken: model.ownerToken,
        }),
      );
      assert.deepEqual(
        top.map((e) => [e.type, e.path]),
        [
          ["file", "README.md"],
          ["file", "config.json"],
          ["file", "empty.txt"],
          ["directory", "weights"],
        ],
      );
      const all = await collect(
        listFiles({
          repo: model.repo,
          revision: model.v1.sha,
          recursive: true,
          hubUrl: hub.url,
          accessToken: model.ownerToken,
        }),
      );
      const files = all.filter((e) => e.type === "file");
      assert.deepEqual(files.map((e) => e.path).sort(), Object.keys(model.v1.files).sort());
      for (const entry of files) {
        const content = model.v1.files[entry.path];
        assert.ok(content !== undefined);
        assert.equal(entry.size, content.length, entry.path);
        assert.equal(entry.lfs?.oid, sha256(content), entry.path);
        assert.match(entry.oid ?? "", /^[0-9a-f]{40}$/);
      }
      assert.deepEqual(
        all.filter((e) => e.type === "directory").map((e) => e.path),
        ["weights", "weights/shards"],
      );

      const inFolder = await collect(
        listFiles({
          repo: model.repo,
          revision: model.v1.sha,
          path: "weights",
          hubUrl: hub.url,
          accessToken: model.ownerToken,
        }),
      );
      assert.deepEqual(
        inFolder.map((e) => e.path),
        ["weights/model.bin", "weights/shards"],
      );

      const newest = await collect(
        listFiles({
          repo: model.repo,
          recursive: true,
          hubUrl: hub.url,
          accessToken: model.ownerToken,
        }),
      );
      assert.deepEqual(
        newest
          .filter((e) => e.type === "file")
          .map((e) => e.path)
          .sort(),
        Object.keys(model.v2.files).sort(),
      );
    });

    it("gives the model info at HEAD, at a version and with the commit as sha", async () => {
      const head = await modelInfo({
        name: model.repo,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
        additionalFields: ["sha", "filePaths"],
      });
      assert.equal(head.name, model.repo);
      assert.equal(head.private, true);
      assert.equal(head.gated, false);
      assert.ok(head.updatedAt instanceof Date && !Number.isNaN(head.updatedAt.getTime()));
      assert.equal(head.sha, model.v2.sha);
      assert.deepEqual([...head.filePaths].sort(), Object.keys(model.v2.files).sort());

      const v1 = await modelInfo({
        name: model.repo,
        revision: model.v1.name,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
        additionalFields: ["sha"],
      });
      assert.equal(v1.sha, model.v1.sha);
    });

    it("reads downloads from modelInfo: downloadFile's bytes=0-0 probe and its read count once", async () => {
      const owner = { hubUrl: hub.url, accessToken: model.ownerToken };
      const before = (await modelInfo({ name: model.repo, ...owner })).downloads;
      const blob = await downloadFile({
        repo: model.repo,
        path: "config.json",
        revision: model.v1.name,
        ...owner,
      });
      assert.ok(blob !== null);
      await blob.arrayBuffer();
      const info = await modelInfo({ name: model.repo, ...owner });
      assert.equal(info.downloads, before + 1);
      // The figure is live: model info is not frozen by the hub's cache of a version's part.
      await (
        await hub.request("GET", `/${model.repo}/resolve/v2/config.json`, {
          token: model.ownerToken,
        })
      ).arrayBuffer();
      assert.equal((await modelInfo({ name: model.repo, ...owner })).downloads, before + 2);
    });

    it("tells whether the model and its files exist", async () => {
      const owner = { hubUrl: hub.url, accessToken: model.ownerToken };
      assert.equal(await repoExists({ repo: model.repo, ...owner }), true);
      assert.equal(await repoExists({ repo: model.repo, hubUrl: hub.url }), false);
      assert.equal(
        await repoExists({ repo: model.repo, hubUrl: hub.url, accessToken: model.strangerToken }),
        false,
      );
      assert.equal(await fileExists({ repo: model.repo, path: "config.json", ...owner }), true);
      assert.equal(
        await fileExists({
          repo: model.repo,
          path: "weights/shards/part-1.bin",
          revision: model.v1.sha,
          ...owner,
        }),
        true,
      );
      assert.equal(
        await fileExists({ repo: model.repo, path: "weights/shards/part-1.bin", ...owner }),
        false,
      );
      await refusedWith(
        fileExists({ repo: model.repo, path: "config.json", hubUrl: hub.url }),
        401,
        "head",
      );
    });

    it("describes paths with pathsInfo, naming the version's commit with expand", async () => {
      const infos = await pathsInfo({
        repo: model.repo,
        paths: ["config.json", "weights", "missing.txt"],
        revision: model.v1.name,
        expand: true,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.deepEqual(
        infos.map((i) => [i.type, i.path]),
        [
          ["file", "config.json"],
          ["directory", "weights"],
        ],
      );
      for (const info of infos) {
        assert.equal(info.lastCommit.id, model.v1.sha);
      }
      const config = model.v1.files["config.json"];
      assert.ok(config !== undefined);
      assert.equal(infos[0]?.lfs?.oid, sha256(config));
    });

    it("downloads whole versions into the Hugging Face cache layout", async () => {
      const cacheDir = await mkdtemp(path.join(cacheRoot, "cache-"));
      const owner = { hubUrl: hub.url, accessToken: model.ownerToken, cacheDir };
      const newest = await snapshotDownload({ repo: model.repo, ...owner });
      assert.equal(path.basename(newest), model.v2.sha);
      await assertSnapshot(newest, model.v2.files);
      const v1 = await snapshotDownload({ repo: model.repo, revision: model.v1.name, ...owner });
      assert.equal(path.basename(v1), model.v1.sha);
      await assertSnapshot(v1, model.v1.files);

      const one = await downloadFileToCacheDir({
        repo: model.repo,
        path: "weights/model.bin",
        revision: model.v1.name,
        ...owner,
        cacheDir: await mkdtemp(path.join(cacheRoot, "file-")),
      });
      assert.equal(path.basename(path.dirname(path.dirname(one))), model.v1.sha);
      const weights = model.v1.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      assert.equal(sha256(await readFile(one)), sha256(weights));

      await assert.rejects(
        snapshotDownload({ repo: model.repo, hubUrl: hub.url, cacheDir }),
        HubApiError,
      );
    });

    it("gives a file's Git LFS pointer when asked for the raw file", async () => {
      const weights = model.v1.files["weights/model.bin"];
      assert.ok(weights !== undefined);
      const pointer = await downloadFile({
        repo: model.repo,
        path: "weights/model.bin",
        revision: model.v1.sha,
        raw: true,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      });
      assert.ok(pointer !== null);
      assert.equal(
        await pointer.text(),
        `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(weights)}\nsize 70000\n`,
      );
    });

    it("lists the versions as commits with listCommits, one page per batch", async () => {
      const seen: { oid: string; title: string; authors: string[] }[] = [];
      // A batch of one makes the client follow the Link header to the second page.
      for await (const commit of listCommits({
        repo: model.repo,
        batchSize: 1,
        hubUrl: hub.url,
        accessToken: model.ownerToken,
      })) {
        seen.push({
          oid: commit.oid,
          title: commit.title,
          authors: commit.authors.map((a) => a.username),
        });
      }
      assert.deepEqual(seen, [
        { oid: model.v2.sha, title: "Version v2", authors: ["owner"] },
        { oid: model.v1.sha, title: "Version v1", authors: ["owner"] },
      ]);
    });

    it("tells the owner who they are", async () => {
      const me = await whoAmI({ hubUrl: hub.url, accessToken: model.ownerToken });
      assert.equal(me.type, "user");
      assert.equal(me.name, "owner");
      assert.equal(me.auth.type, "access_token");
      assert.ok(me.auth.accessToken?.createdAt instanceof Date);
    });

    it("refuses every call without a token, saying the repository is not found", async () => {
      const anonymous = { hubUrl: hub.url };
      const gone = { message: NOT_FOUND.anonymous(model.repo), code: "REPO_NOT_FOUND" };
      await refusedWith(
        downloadFile({ repo: model.repo, path: "config.json", ...anonymous }),
        401,
        gone,
      );
      await refusedWith(
        fileDownloadInfo({ repo: model.repo, path: "empty.txt", ...anonymous }),
        401,
        gone,
      );
      await refusedWith(collect(listFiles({ repo: model.repo, ...anonymous })), 401, gone);
      await refusedWith(modelInfo({ name: model.repo, ...anonymous }), 401, gone);
    });

    it("refuses another user's token exactly as for a model that does not exist", async () => {
      const stranger = { hubUrl: hub.url, accessToken: model.strangerToken };
      const gone = { message: NOT_FOUND.signedIn(model.repo), code: "REPO_NOT_FOUND" };
      await refusedWith(
        downloadFile({ repo: model.repo, path: "config.json", ...stranger }),
        404,
        gone,
      );
      await refusedWith(
        downloadFile({ repo: model.repo, path: "no-such-file", ...stranger }),
        404,
        gone,
      );
      await refusedWith(
        collect(listFiles({ repo: model.repo, revision: model.v1.sha, ...stranger })),
        404,
        gone,
      );
      await refusedWith(modelInfo({ name: model.repo, ...stranger }), 404, gone);

      const hidden = await fetch(`${hub.url}/${model.repo}/resolve/main/config.json`, {
        headers: { authorization: `Bearer ${model.strangerToken}` },
      });
      const missing = await fetch(`${hub.url}/owner/no-such-model/resolve/main/config.json`, {
        headers: { authorization: `Bearer ${model.strangerToken}` },
      });
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
      assert.equal(missing.headers.get("x-error-code"), "RepoNotFound");
    });

    it("refuses whoAmI with a token the hub never issued", async () => {
      await refusedWith(whoAmI({ hubUrl: hub.url, accessToken: `hf_gth_${"0".repeat(43)}` }), 401, {
        message: "Invalid credentials in Authorization header: unknown token",
        code: "INVALID_TOKEN",
      });
    });
  });
}
